// Large, long-lived buffers (network weights and activations) in transparent huge pages.
// Each 4 KiB page touched for the first time costs a page fault, and in a virtual machine a fault costs
// ~12 µs: loading the models and running each once touched ~150 MB in 37,700 faults, 0.45 s of system
// time at every start of `psyface analyze` (docs/benchmarks.md). Blocks of 2 MiB and more are mapped
// 2 MiB-aligned with MADV_HUGEPAGE, so the kernel fills them with 2 MiB pages (one fault each) where
// /sys/kernel/mm/transparent_hugepage/enabled allows it ("always" or "madvise"); elsewhere they are
// ordinary pages, as before. Smaller blocks come from malloc.
#pragma once
#include <cstddef>

namespace psyface::util {

// requires: alignment is a power of two. ensures: a block of `size` bytes aligned to `alignment`, or
// nullptr when the memory is not available. Release it with huge_page_free only.
void* huge_page_alloc(std::size_t size, std::size_t alignment = 64);

// requires: p is nullptr or came from huge_page_alloc / huge_page_realloc and was not freed.
void huge_page_free(void* p);

// ensures: like realloc: a block of `size` bytes (64-aligned) with the old contents up to the smaller size;
// nullptr (the old block kept) when the memory is not available.
void* huge_page_realloc(void* p, std::size_t size);

// Blocks at least this large are mapped in huge pages.
inline constexpr std::size_t kHugePageBytes = std::size_t(2) << 20;

}  // namespace psyface::util

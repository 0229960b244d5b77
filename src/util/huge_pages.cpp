// Huge-page blocks (see huge_pages.hpp). Every block carries a header just before the pointer handed out,
// so one free function serves both kinds.
#include "util/huge_pages.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace psyface::util {
namespace {

struct Header {
  void* base;          // what malloc or mmap returned
  std::size_t mapped;  // bytes mapped (0: the block came from malloc)
  std::size_t size;    // bytes asked for
};

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

Header* header_of(void* p) { return reinterpret_cast<Header*>(static_cast<char*>(p) - sizeof(Header)); }

}  // namespace

void* huge_page_alloc(std::size_t size, std::size_t alignment) {
  alignment = std::max<std::size_t>(alignment, alignof(std::max_align_t));
  const std::size_t offset = round_up(sizeof(Header), alignment);  // the header fits before the block
  if (size > SIZE_MAX / 2) return nullptr;
  char* block = nullptr;
  Header h{nullptr, 0, size};
  if (size >= kHugePageBytes && alignment <= kHugePageBytes) {
    // map one huge page more than needed and cut the start and end, so the block is 2 MiB-aligned
    const std::size_t length = round_up(offset + size, kHugePageBytes);
    void* m = ::mmap(nullptr, length + kHugePageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(m);
    const std::uintptr_t aligned = round_up(start, kHugePageBytes);
    if (aligned > start) ::munmap(m, aligned - start);
    const std::uintptr_t end = start + length + kHugePageBytes;
    if (end > aligned + length) ::munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
    ::madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);  // a hint: ignored where THP is off
    h.base = reinterpret_cast<void*>(aligned);
    h.mapped = length;
    block = static_cast<char*>(h.base) + offset;
  } else {
    void* m = nullptr;
    if (::posix_memalign(&m, alignment, offset + size) != 0) return nullptr;
    h.base = m;
    block = static_cast<char*>(m) + offset;
  }
  std::memcpy(header_of(block), &h, sizeof h);
  return block;
}

void huge_page_free(void* p) {
  if (!p) return;
  Header h;
  std::memcpy(&h, header_of(p), sizeof h);
  if (h.mapped) ::munmap(h.base, h.mapped);
  else std::free(h.base);
}

void* huge_page_realloc(void* p, std::size_t size) {
  void* fresh = huge_page_alloc(size);
  if (!fresh || !p) return fresh;
  Header h;
  std::memcpy(&h, header_of(p), sizeof h);
  std::memcpy(fresh, p, std::min(h.size, size));
  huge_page_free(p);
  return fresh;
}

}  // namespace psyface::util

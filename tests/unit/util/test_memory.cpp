// Huge-page blocks and read-only file mappings (util/huge_pages.hpp, util/mapped_file.hpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <vector>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/huge_pages.hpp"
#include "util/mapped_file.hpp"

using namespace psyface;
namespace fs = std::filesystem;

namespace {

bool aligned(const void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

// Fills every byte with a pattern from its offset and checks it back: the whole block is usable.
void fill_and_check(void* p, std::size_t n, unsigned seed) {
  auto* b = static_cast<unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<unsigned char>((i * 131 + seed) & 0xff);
  for (std::size_t i = 0; i < n; i += 4093) ASSERT_EQ(b[i], static_cast<unsigned char>((i * 131 + seed) & 0xff)) << i;
  ASSERT_EQ(b[n - 1], static_cast<unsigned char>(((n - 1) * 131 + seed) & 0xff));
}

}  // namespace

TEST(HugePages, SmallAndLargeBlocksAreAlignedAndUsable) {
  for (std::size_t size : {std::size_t(1), std::size_t(100), std::size_t(4096), util::kHugePageBytes - 1,
                           util::kHugePageBytes, util::kHugePageBytes * 3 + 17})
    for (std::size_t alignment : {std::size_t(16), std::size_t(64), std::size_t(256), std::size_t(4096)}) {
      void* p = util::huge_page_alloc(size, alignment);
      ASSERT_NE(p, nullptr) << size;
      EXPECT_TRUE(aligned(p, alignment)) << size << " " << alignment;
      fill_and_check(p, size, static_cast<unsigned>(size + alignment));
      util::huge_page_free(p);
    }
  util::huge_page_free(nullptr);  // like free(nullptr)
}

TEST(HugePages, LargeBlocksSitInTheirOwnTwoMebibyteAlignedMapping) {
  // Two live large blocks never share a huge page, and each starts within its first header's reach of a
  // 2 MiB boundary (the mapping is cut to 2 MiB alignment, so the kernel can back it with huge pages).
  void* a = util::huge_page_alloc(util::kHugePageBytes * 2);
  void* b = util::huge_page_alloc(util::kHugePageBytes * 2);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const auto pa = reinterpret_cast<std::uintptr_t>(a), pb = reinterpret_cast<std::uintptr_t>(b);
  EXPECT_LT(pa % util::kHugePageBytes, 4096u);
  EXPECT_LT(pb % util::kHugePageBytes, 4096u);
  EXPECT_NE(pa / util::kHugePageBytes, pb / util::kHugePageBytes);
  util::huge_page_free(a);
  util::huge_page_free(b);
}

TEST(HugePages, ReallocKeepsTheContentsAcrossBothKinds) {
  auto* p = static_cast<int*>(util::huge_page_alloc(1000 * sizeof(int)));
  std::iota(p, p + 1000, 0);
  // small → large → small: the first 1000 (then 10) values survive each move
  p = static_cast<int*>(util::huge_page_realloc(p, util::kHugePageBytes * 2));
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(p[i], i);
  p = static_cast<int*>(util::huge_page_realloc(p, 10 * sizeof(int)));
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p[i], i);
  util::huge_page_free(p);
  void* q = util::huge_page_realloc(nullptr, 32);  // realloc(nullptr, n) allocates
  ASSERT_NE(q, nullptr);
  util::huge_page_free(q);
}

TEST(MappedFile, BytesEqualTheFileAndErrorsNameIt) {
  const fs::path dir = fs::temp_directory_path() / ("psyface-mapped-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string content(100000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  std::ofstream(dir / "f.bin", std::ios::binary) << content;
  std::ofstream(dir / "empty.bin");
  {
    util::MappedFile m(dir / "f.bin");
    EXPECT_EQ(m.bytes(), content);
    util::MappedFile moved(std::move(m));
    EXPECT_EQ(moved.bytes(), content);
    EXPECT_TRUE(m.bytes().empty());  // NOLINT(bugprone-use-after-move): a moved-from mapping is empty
  }
  EXPECT_TRUE(util::MappedFile(dir / "empty.bin").bytes().empty());
  for (const fs::path& bad : {dir / "missing.bin", dir}) {
    try {
      util::MappedFile m(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Input);
      EXPECT_NE(std::string(e.what()).find(bad.string()), std::string::npos) << e.what();
    }
  }
  fs::remove_all(dir);
}

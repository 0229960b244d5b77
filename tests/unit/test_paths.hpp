// Paths for tests: the source tree, the build tree, and ../shared (test data only; skip when absent).
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace psyface::test {

inline std::filesystem::path source_dir() { return PSYFACE_SOURCE_DIR; }
inline std::filesystem::path binary_dir() { return PSYFACE_BINARY_DIR; }

// ../shared beside the checkout, or $PSYFACE_SHARED. Empty path when absent.
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("PSYFACE_SHARED")) return env;
  auto p = source_dir().parent_path() / "shared";
  return std::filesystem::exists(p / "data") ? p : std::filesystem::path{};
}

// Path to the psyface executable under test.
inline std::filesystem::path psyface_bin() {
  if (const char* env = std::getenv("PSYFACE_BIN")) return env;
  return binary_dir() / "psyface";
}

}  // namespace psyface::test

// Use at the top of a test that reads ../shared: skips cleanly when it is absent.
#define PSYFACE_REQUIRE_SHARED(rel)                                                       \
  do {                                                                                    \
    if (psyface::test::shared_dir().empty() ||                                            \
        !std::filesystem::exists(psyface::test::shared_dir() / (rel)))                    \
      GTEST_SKIP() << "../shared/" << (rel) << " not available";                          \
  } while (0)

// Shared by the libFuzzer harnesses (docs/fuzzing.md): a per-process temporary folder for readers that
// take a path, and the rule of what a reader may answer to bad input.
//
// Expected: psyface::Error with code Input, Model or Usage (a reader refusing the input).
// Findings: any other exception (libFuzzer reports it as a crash), psyface::Error(Internal) (a bug by
// definition, include/psyface/error.hpp), and everything the sanitizers and libFuzzer catch (crash,
// leak, hang over -timeout, allocation over -malloc_limit_mb).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "psyface/error.hpp"

namespace psyface::fuzz {

// A folder of its own under $TMPDIR (or /tmp), removed at exit; nothing else is written.
inline const std::filesystem::path& temp_dir() {
  static const std::filesystem::path dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/psyface-fuzz.XXXXXX";
    if (!mkdtemp(pattern.data())) {
      std::perror("psyface fuzz: mkdtemp");
      std::abort();
    }
    static struct Remover {
      std::filesystem::path p;
      ~Remover() {
        std::error_code ec;
        std::filesystem::remove_all(p, ec);
      }
    } remover{pattern};
    return std::filesystem::path(pattern);
  }();
  return dir;
}

// ensures: temp_dir()/name holds exactly the bytes; returns its path.
inline std::filesystem::path write_temp(const std::string& name, std::string_view bytes) {
  const auto path = temp_dir() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) {
    std::perror("psyface fuzz: write");
    std::abort();
  }
  return path;
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs one reader call: an expected refusal returns normally, Error(Internal) aborts (a finding); any
// other exception propagates to libFuzzer, which reports it as a crash.
template <typename Read>
void expect_refusal_only(Read&& read) {
  try {
    read();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Internal) {
      std::fprintf(stderr, "psyface fuzz: Error(Internal) from a reader: %s\n", e.what());
      std::abort();
    }
  }
}

}  // namespace psyface::fuzz

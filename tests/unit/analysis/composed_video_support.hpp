// Support for end-to-end tests on dev clips composed with ffmpeg at test time: one scratch folder per test
// process, and whether the inputs are there (../shared, the ffmpeg CLI, built models; skip otherwise).
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "../test_paths.hpp"

namespace psyface::test {

// One folder per test process, removed with everything in it when the process exits.
inline std::filesystem::path composed_work_dir() {
  static const std::filesystem::path* d = [] {  // never freed: the exit handler still needs it
    auto* p = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                        ("psyface_composed_" + std::to_string(::getpid())));
    std::filesystem::create_directories(*p);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(composed_work_dir(), ec);
    });
    return p;
  }();
  return *d;
}

inline bool have_composed_inputs() {
  return !shared_dir().empty() && std::filesystem::exists(source_dir() / "models/faceres/model.onnx") &&
         std::filesystem::exists(source_dir() / "models/mobilefacenet/model.onnx") &&
         std::system("ffmpeg -version >/dev/null 2>&1") == 0;
}

}  // namespace psyface::test

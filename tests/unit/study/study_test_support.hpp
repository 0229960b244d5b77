// Temporary study folders for the study tests.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace psyface::test {

// A fresh folder under the system temp dir, removed at the end of the test.
class TempStudy {
 public:
  explicit TempStudy(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("psyface-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TempStudy() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& dir() const { return dir_; }
  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << text;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace psyface::test

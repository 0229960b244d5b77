// Running the psyface executable from tests: exit code, stdout and stderr of one command line.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "../test_paths.hpp"
#include "util/atomic_file.hpp"

namespace psyface::test {

struct Result {
  int exit_code = -1;
  std::string out, err;
};

// A fresh, empty folder under the system temp folder (per process).
inline std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("psyface_cli_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// Runs "psyface <args>" through the shell (args are not quoted for you).
inline Result run(const std::string& args) {
  const auto dir = temp_dir("run");
  const std::string cmd = psyface_bin().string() + " " + args + " >" + (dir / "out").string() + " 2>" +
                          (dir / "err").string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = util::read_file(dir / "out");
  r.err = util::read_file(dir / "err");
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace psyface::test

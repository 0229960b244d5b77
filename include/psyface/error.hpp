// psyface::Error — the one exception type for setup and input problems.
// Only src/cli/ catches it; it prints "psyface: error: <message>" and exits with exit_code(code).
#pragma once
#include <stdexcept>
#include <string>

namespace psyface {

enum class ErrorCode {
  Usage = 2,     // bad command line
  Input = 3,     // unreadable / malformed input file, unknown ID
  Model = 4,     // missing model, checksum or manifest mismatch
  Output = 5,    // cannot write results
  Internal = 70  // a bug
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }
  int exit_code() const noexcept { return static_cast<int>(code_); }

 private:
  ErrorCode code_;
};

}  // namespace psyface

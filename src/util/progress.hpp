// One progress line on stderr with count, rate and ETA, redrawn at most ~4 times a second.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace psyface::util {

class ProgressLine {
 public:
  // total <= 0 means unknown (no ETA). enabled=false prints nothing (--quiet).
  ProgressLine(std::string label, int64_t total, std::string unit, bool enabled);
  ~ProgressLine();
  void update(int64_t done);
  void set_total(int64_t total) { total_ = total; }
  // Prints the final line with the elapsed time and a newline.
  void finish();

 private:
  void draw(bool final);
  std::string label_, unit_;
  int64_t total_, done_ = 0;
  bool enabled_, tty_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "1:02:03" / "4:05"
std::string format_duration(double seconds);

}  // namespace psyface::util

#include "util/progress.hpp"

#include <cmath>
#include <cstdio>

#include <unistd.h>

namespace psyface::util {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

ProgressLine::ProgressLine(std::string label, int64_t total, std::string unit, bool enabled)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), enabled_(enabled),
      tty_(::isatty(2) != 0), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

ProgressLine::~ProgressLine() {
  if (!finished_) finish();
}

void ProgressLine::update(int64_t done) {
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  // A terminal gets a line redrawn 4 times a second; a log file a new line every 10 s.
  if (now - last_draw_ < (tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(10000))) return;
  last_draw_ = now;
  draw(false);
}

void ProgressLine::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void ProgressLine::draw(bool final) {
  if (!enabled_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  char line[256];
  if (total_ > 0) {
    const double pct = 100.0 * static_cast<double>(done_) / static_cast<double>(total_);
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : NAN;
    std::snprintf(line, sizeof line, "\r%s %5.1f%% %lld/%lld %s  %.1f %s/s  %s %s   ", label_.c_str(), pct,
                  static_cast<long long>(done_), static_cast<long long>(total_), unit_.c_str(), rate, unit_.c_str(),
                  final ? "elapsed" : "ETA", format_duration(final ? elapsed : eta).c_str());
  } else {
    std::snprintf(line, sizeof line, "\r%s %lld %s  %.1f %s/s  elapsed %s   ", label_.c_str(),
                  static_cast<long long>(done_), unit_.c_str(), rate, unit_.c_str(), format_duration(elapsed).c_str());
  }
  std::fputs(tty_ ? line : line + 1, stderr);  // no carriage return in a log file
  if (final || !tty_) std::fputs("\n", stderr);
  std::fflush(stderr);
}

}  // namespace psyface::util

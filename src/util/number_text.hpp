// Numbers as text for messages and reasons: fixed decimals, independent of the C locale.
#pragma once
#include <charconv>
#include <cmath>
#include <string>

namespace psyface::util {

// ensures: v with `decimals` digits after the point ("0.25", "-3.0"); "nan", "inf", "-inf" as to_chars
//          writes them; never truncated (the buffer holds DBL_MAX in fixed notation).
inline std::string fixed_text(double v, int decimals) {
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (r.ec != std::errc{}) return std::to_string(v);
  return std::string(buf, r.ptr);
}

// Appends v with `decimals` digits after the point, or "NA" when v is not finite (table cells); no
// allocation beyond the string's own growth.
inline void append_fixed_or_na(std::string& s, double v, int decimals) {
  if (!std::isfinite(v)) {
    s += "NA";
    return;
  }
  char buf[400];  // holds DBL_MAX in fixed notation: never truncated
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  s.append(buf, r.ptr);
}

}  // namespace psyface::util

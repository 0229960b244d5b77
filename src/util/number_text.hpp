// Numbers as text for messages and reasons: fixed decimals, independent of the C locale.
#pragma once
#include <charconv>
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

}  // namespace psyface::util

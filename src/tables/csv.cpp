#include "tables/csv.hpp"

#include "util/number_text.hpp"

namespace psyface::tables {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string format_number(double v, int decimals) {
  std::string s;
  util::append_fixed_or_na(s, v, decimals);  // "NA" when not finite; never truncated
  if (s != "NA" && s.find('.') != std::string::npos) {  // trim trailing zeros: 0.250000 → 0.25
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace psyface::tables

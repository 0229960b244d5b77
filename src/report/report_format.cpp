// Numbers and cells of the study report (report_format.hpp).
#include "report/report_format.hpp"

#include <charconv>
#include <algorithm>
#include <cmath>

#include "report/html_text.hpp"
#include "util/number_text.hpp"

namespace psyface::report {
namespace {

std::string to_chars_text(double v, std::chars_format format, int precision) {
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, format, precision);
  return r.ec == std::errc{} ? std::string(buf, r.ptr) : std::to_string(v);
}

std::string col_attr(std::string_view col) {
  return col.empty() ? std::string() : " data-col=\"" + html_escape(col) + "\"";
}

}  // namespace

std::string shown_number(double v) {
  if (!std::isfinite(v)) return "NA";
  if (v == 0) return "0";
  const double a = std::fabs(v);
  std::string s;
  if (a >= 999.5) {
    s = util::fixed_text(std::round(v), 0);
  } else if (a < 0.001) {
    s = to_chars_text(v, std::chars_format::scientific, 2);
  } else {
    // decimals so that 3 significant digits show; when rounding carries into a new digit (0.99996 -> 1.00)
    // the new digit counts, so one decimal fewer (9.996 -> "10.0", not "10.00")
    const int exponent = static_cast<int>(std::floor(std::log10(a)));
    int decimals = std::max(0, 2 - exponent);
    const double scale = std::pow(10.0, decimals);
    if (std::fabs(std::round(v * scale) / scale) >= std::pow(10.0, exponent + 1)) decimals = std::max(0, decimals - 1);
    s = util::fixed_text(v, decimals);
  }
  if (s.rfind("-", 0) == 0 && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // no "-0.00"
  return s;
}

std::string plain_number(double v) {
  if (!std::isfinite(v)) return "NA";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return r.ec == std::errc{} ? std::string(buf, r.ptr) : std::to_string(v);
}

std::string exact_number(double v) {
  if (std::isnan(v)) return "nan";
  return to_chars_text(v, std::chars_format::general, 17);
}

std::string number_cell(double v, std::string_view col) {
  return "<td class=\"num\"" + col_attr(col) + " data-v=\"" + exact_number(v) + "\">" + shown_number(v) + "</td>";
}

std::string count_cell(int64_t n, std::string_view col) {
  const std::string s = std::to_string(n);
  return "<td class=\"num\"" + col_attr(col) + " data-v=\"" + s + "\">" + s + "</td>";
}

std::string text_cell(std::string_view text, std::string_view col) {
  return "<td" + col_attr(col) + ">" + html_escape(text) + "</td>";
}

std::string shown_interval(double lo, double hi) {
  if (std::isnan(lo) && std::isnan(hi)) return "";
  std::string s = "[";
  s += shown_number(lo);
  s += ", ";
  s += shown_number(hi);
  return s + "]";
}

}  // namespace psyface::report

// CSV writing helpers: RFC 4180 quoting, '.' decimal point, NA for missing values (R reads NA).
#pragma once
#include <string>
#include <string_view>

namespace psyface::tables {

// Quotes a field when it contains a comma, quote or newline.
std::string csv_field(std::string_view s);

// Fixed-point with at most `decimals` digits (trailing zeros and a bare point trimmed, "-0" written "0"),
// "NA" for NaN/inf; locale-independent; never truncated.
std::string format_number(double v, int decimals);

}  // namespace psyface::tables

// How the study report writes numbers and table cells. Every number a page shows goes through
// shown_number, and its cell carries the exact value (data-v, 17 significant digits), so a test or a reader
// can check the page against the statistics JSON and the study export it came from.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace psyface::report {

// ensures: "NA" for NaN or infinity; otherwise the value to 3 significant digits in plain notation
//          ("0.0123", "12.3", "1234" for |v| >= 1000 rounded to a whole number), scientific below 0.001
//          ("4.56e-05"); never "-0". Locale-independent.
std::string shown_number(double v);

// ensures: the shortest text that reads back as v ("10", "0.5"): for option values, not measurements.
std::string plain_number(double v);

// ensures: the value with 17 significant digits ("nan" for NaN): parsing it gives the double back.
std::string exact_number(double v);

// ensures: <td class="num" data-col="COL" data-v="EXACT">SHOWN</td> (data-col left out when col is empty).
std::string number_cell(double v, std::string_view col = {});
// ensures: <td class="num" data-col="COL" data-v="N">N</td> for a count.
std::string count_cell(int64_t n, std::string_view col = {});
// ensures: <td>ESCAPED</td> (with data-col when given).
std::string text_cell(std::string_view text, std::string_view col = {});

// "[lo, hi]" of two shown numbers, "" when both are NaN.
std::string shown_interval(double lo, double hi);

}  // namespace psyface::report

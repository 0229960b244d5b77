// tables/csv.hpp: CSV fields quoted only when needed, numbers with trailing zeros trimmed.
#include "tables/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace psyface::tables {
namespace {

TEST(Csv, FieldsAreQuotedOnlyWhenTheyHoldASeparatorQuoteOrLineBreak) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(Csv, NumbersKeepTheirDecimalsWithoutTrailingZeros) {
  EXPECT_EQ(format_number(0.25, 6), "0.25");
  EXPECT_EQ(format_number(3.0, 6), "3");
  EXPECT_EQ(format_number(-0.0000001, 6), "0");  // rounds to -0.000000: written as 0
  EXPECT_EQ(format_number(1234.5678, 2), "1234.57");
  EXPECT_EQ(format_number(120, 0), "120");  // no point: the zeros of the integer stay
  EXPECT_EQ(format_number(std::nan(""), 6), "NA");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity(), 6), "NA");
  // A value far beyond what a 64-byte buffer holds in fixed notation is written whole.
  const std::string big = format_number(1e300, 6);
  EXPECT_EQ(big.size(), 301u);
  EXPECT_EQ(big.substr(0, 1), "1");
}

}  // namespace
}  // namespace psyface::tables

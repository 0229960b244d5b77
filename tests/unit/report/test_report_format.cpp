// Numbers and ticks of the study report (report/report_format.hpp, report/svg_plot.hpp).
#include <gtest/gtest.h>

#include <cmath>

#include "report/report_format.hpp"
#include "report/svg_plot.hpp"

namespace psyface::report {
namespace {

TEST(ReportFormat, ShownNumbersHaveThreeSignificantDigits) {
  EXPECT_EQ(shown_number(0.123456), "0.123");
  EXPECT_EQ(shown_number(-0.0123456), "-0.0123");
  EXPECT_EQ(shown_number(12.345), "12.3");
  EXPECT_EQ(shown_number(123.45), "123");
  EXPECT_EQ(shown_number(1234.5), "1235");  // whole numbers from 1000 on
  EXPECT_EQ(shown_number(0.99996), "1.00"); // a carry into a new digit keeps 3 digits, not "1.000"
  EXPECT_EQ(shown_number(9.996), "10.0");
  EXPECT_EQ(shown_number(0.0004567), "4.57e-04");
  EXPECT_EQ(shown_number(-0.0001), "-1.00e-04");
  EXPECT_EQ(shown_number(-0.0), "0");
  EXPECT_EQ(shown_number(-0.0000000), "0");
  EXPECT_EQ(shown_number(NAN), "NA");
  EXPECT_EQ(shown_number(INFINITY), "NA");
}

TEST(ReportFormat, CellsCarryTheExactValue) {
  const double v = 0.1 + 0.2;  // 0.30000000000000004
  const std::string cell = number_cell(v, "estimate");
  EXPECT_EQ(cell, "<td class=\"num\" data-col=\"estimate\" data-v=\"0.30000000000000004\">0.300</td>");
  EXPECT_EQ(std::stod(exact_number(v)), v);
  EXPECT_EQ(number_cell(NAN), "<td class=\"num\" data-v=\"nan\">NA</td>");
  EXPECT_EQ(text_cell("<b>&\"", "note"), "<td data-col=\"note\">&lt;b&gt;&amp;&quot;</td>");
  EXPECT_EQ(shown_interval(-0.5, 1.25), "[-0.500, 1.25]");
  EXPECT_EQ(plain_number(10), "10");
  EXPECT_EQ(plain_number(0.35), "0.35");
}

TEST(SvgPlot, TicksAreRoundAndCoverTheRange) {
  const auto fine = nice_ticks(0.13, 0.92, 5);
  const std::vector<double> expected{0.0, 0.2, 0.4, 0.6, 0.8, 1.0};
  ASSERT_EQ(fine.size(), expected.size());
  for (size_t i = 0; i < fine.size(); ++i) EXPECT_NEAR(fine[i], expected[i], 1e-12);
  const auto t = nice_ticks(1, 3, 5, 1);  // session numbers: whole steps only
  EXPECT_EQ(t, (std::vector<double>{1, 2, 3}));
  const auto wide = nice_ticks(-3.8, 3.16, 5);
  EXPECT_LE(wide.front(), -3.8);
  EXPECT_GE(wide.back(), 3.16);
  EXPECT_EQ(wide[1] - wide[0], 2);
}

TEST(SvgPlot, EveryTextIsEscapedAndNoScriptIsWritten) {
  LineChart c{"t<1>", "title <script>", "x & y", "y", "caption \"q\"", {}, "a", "b"};
  c.series.push_back({"<img src=x onerror=alert(1)>", {{1, 0.5, "<b>point</b>"}, {2, NAN, ""}, {3, 0.7, ""}}, true, true});
  const std::string svg = line_chart_svg(c);
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(svg.find("class=\"end-mark\""), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);  // the NaN point is a gap, not a coordinate
}

}  // namespace
}  // namespace psyface::report

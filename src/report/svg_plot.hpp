// The study report's plots as inline SVG written here: no script, no library, nothing fetched, so a page
// opens offline and instantly, prints sharp, and a figure can be saved into a paper (docs/report.md, why).
// Each plot is a <figure class="plot" data-plot="ID"> with the SVG and a caption; every mark carries a
// <title> with its values (shown on hover). Every string is escaped (html_text.hpp).
#pragma once
#include <limits>
#include <string>
#include <vector>

namespace psyface::report {

struct PlotPoint {
  double x = 0, y = 0;
  std::string title;  // hover text: who and which values
};

struct PlotSeries {
  std::string name;
  std::vector<PlotPoint> points;  // drawn in order, joined by a line; NaN y leaves a gap
  bool highlight = false;         // drawn in the accent colour (dropouts)
  bool mark_last = false;         // a cross on the last point (where a dropout's sessions end)
};

// Lines over an x axis (session number): trajectories, synchrony per session.
struct LineChart {
  std::string id, title, x_label, y_label, caption;
  std::vector<PlotSeries> series;
  std::string legend_plain, legend_highlight;  // legend texts ("" = no legend entry)
  double x_min_step = 1;                       // x ticks at least this far apart (session numbers: 1)
};

// Points with an optional line y = intercept + slope x (NaN: no line).
struct ScatterPlot {
  std::string id, title, x_label, y_label, caption;
  std::vector<PlotPoint> points;
  double intercept = std::numeric_limits<double>::quiet_NaN(), slope = std::numeric_limits<double>::quiet_NaN();
};

// Effect sizes with their CIs, one row each, grouped under headings.
struct ForestRow {
  std::string group, label;  // rows of one group follow each other; the group is written once above them
  double estimate = 0, ci_low = 0, ci_high = 0;
  std::string title;
};
struct ForestPlot {
  std::string id, title, x_label, caption;
  std::vector<ForestRow> rows;
  double reference = 0;  // the vertical line of no effect
};

std::string line_chart_svg(const LineChart& chart);
std::string scatter_svg(const ScatterPlot& plot);
std::string forest_svg(const ForestPlot& plot);

// Up to about `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart).
// At least min_step apart.
std::vector<double> nice_ticks(double lo, double hi, int count, double min_step = 0);

}  // namespace psyface::report

// Inline SVG plots of the study report (svg_plot.hpp).
#include "report/svg_plot.hpp"

#include <algorithm>
#include <cmath>

#include "report/html_text.hpp"
#include "report/report_format.hpp"
#include "util/number_text.hpp"

namespace psyface::report {
namespace {

constexpr double kWidth = 560, kHeight = 300, kLeft = 64, kRight = 16, kTop = 14, kBottom = 46;
const char* kPlain = "#3b6ea8";
const char* kAccent = "#c0392b";

std::string px(double v) { return util::fixed_text(v, 1); }

struct Scale {
  double lo = 0, hi = 1, px_lo = 0, px_hi = 1;
  double operator()(double v) const { return px_lo + (v - lo) / (hi - lo) * (px_hi - px_lo); }
};

// The range of the finite values, widened to the ticks; a single value gets a unit around it.
Scale scale_for(std::vector<double> values, double px_lo, double px_hi, std::vector<double>& ticks, double min_step = 0) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  double lo = values.empty() ? 0 : *std::min_element(values.begin(), values.end());
  double hi = values.empty() ? 1 : *std::max_element(values.begin(), values.end());
  if (hi - lo < 1e-12) {
    const double pad = std::max(0.5, std::fabs(lo) * 0.1);
    lo -= pad, hi += pad;
  }
  ticks = nice_ticks(lo, hi, 5, min_step);
  return {std::min(lo, ticks.front()), std::max(hi, ticks.back()), px_lo, px_hi};
}

std::string text(double x, double y, const std::string& s, const char* anchor, const char* cls = "tick") {
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + anchor + "\" class=\"" + cls + "\">" +
         html_escape(s) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const char* cls) {
  return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) + "\" class=\"" +
         cls + "\"/>";
}

// A tick value with the decimals its step needs ("0.2", "15", "0.05").
std::string tick_text(double t, const std::vector<double>& ticks) {
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 12);
  return util::fixed_text(t, decimals);
}

// Grid, tick labels and axis titles of a plot area.
std::string axes(const Scale& x, const std::vector<double>& xt, const Scale& y, const std::vector<double>& yt,
                 const std::string& x_label, const std::string& y_label) {
  std::string s;
  for (double t : yt) {
    s += line(x.px_lo, y(t), x.px_hi, y(t), "grid");
    s += text(x.px_lo - 6, y(t) + 4, tick_text(t, yt), "end");
  }
  for (double t : xt) {
    s += line(x(t), y.px_lo, x(t), y.px_lo + 4, "axis");
    s += text(x(t), y.px_lo + 16, tick_text(t, xt), "middle");
  }
  s += line(x.px_lo, y.px_lo, x.px_hi, y.px_lo, "axis");
  s += line(x.px_lo, y.px_lo, x.px_lo, y.px_hi, "axis");
  s += text((x.px_lo + x.px_hi) / 2, kHeight - 8, x_label, "middle", "label");
  s += "<text transform=\"translate(14," + px((y.px_lo + y.px_hi) / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" class=\"label\">" + html_escape(y_label) + "</text>";
  return s;
}

std::string figure(const std::string& id, const std::string& title, double width, double height,
                   const std::string& body, const std::string& caption) {
  return "<figure class=\"plot\" data-plot=\"" + html_escape(id) + "\"><div class=\"plot-title\">" + html_escape(title) +
         "</div><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + px(width) + " " + px(height) +
         "\" width=\"" + px(width) + "\" height=\"" + px(height) + "\" role=\"img\" aria-label=\"" + html_escape(title) +
         "\">" + body + "</svg>" + (caption.empty() ? "" : "<figcaption>" + html_escape(caption) + "</figcaption>") +
         "</figure>";
}

std::string circle(double cx, double cy, double r, const char* colour, const std::string& title, const char* cls) {
  return "<circle cx=\"" + px(cx) + "\" cy=\"" + px(cy) + "\" r=\"" + px(r) + "\" fill=\"" + colour + "\" class=\"" +
         cls + "\"><title>" + html_escape(title) + "</title></circle>";
}

std::string legend(const LineChart& c) {
  std::string s;
  double x = kLeft + 8;
  for (const auto& [label, colour] : {std::pair{c.legend_plain, kPlain}, std::pair{c.legend_highlight, kAccent}}) {
    if (label.empty()) continue;
    s += "<line x1=\"" + px(x) + "\" y1=\"" + px(kTop + 6) + "\" x2=\"" + px(x + 18) + "\" y2=\"" + px(kTop + 6) +
         "\" stroke=\"" + colour + "\" stroke-width=\"2\"/>";
    s += text(x + 22, kTop + 10, label, "start", "legend");
    x += 30 + 7.0 * static_cast<double>(label.size());
  }
  return s;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count, double min_step) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double raw = std::max((hi - lo) / std::max(1, count), min_step);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * power) {
      step = m * power;
      break;
    }
  std::vector<double> ticks;  // k * step, not a running sum, so 0.6 stays 0.6
  for (double k = std::floor(lo / step); k * step <= hi + step * 0.999 && ticks.size() < 50; k += 1)
    ticks.push_back(k == 0 ? 0 : k * step);
  return ticks;
}

std::string line_chart_svg(const LineChart& c) {
  std::vector<double> xs, ys;
  for (const auto& s : c.series)
    for (const auto& p : s.points) xs.push_back(p.x), ys.push_back(p.y);
  std::vector<double> xt, yt;
  const Scale x = scale_for(xs, kLeft, kWidth - kRight, xt, c.x_min_step);
  const Scale y = scale_for(ys, kHeight - kBottom, kTop + 18, yt);
  std::string body = axes(x, xt, y, yt, c.x_label, c.y_label) + legend(c);
  for (int pass = 0; pass < 2; ++pass)  // highlighted series on top
    for (const auto& s : c.series) {
      if (s.highlight != (pass == 1)) continue;
      const char* colour = s.highlight ? kAccent : kPlain;
      std::string path;
      bool pen_down = false;
      for (const auto& p : s.points) {
        if (!std::isfinite(p.y)) {
          pen_down = false;
          continue;
        }
        path += pen_down ? 'L' : 'M';
        path += px(x(p.x)) + " " + px(y(p.y));
        pen_down = true;
      }
      body += "<g class=\"series\" data-series=\"" + html_escape(s.name) + "\"><title>" + html_escape(s.name) + "</title>";
      if (!path.empty()) body += "<path d=\"" + path + "\" stroke=\"" + colour + "\" class=\"trace\"/>";
      for (const auto& p : s.points)
        if (std::isfinite(p.y)) body += circle(x(p.x), y(p.y), 2.5, colour, p.title, "point");
      if (s.mark_last && !s.points.empty() && std::isfinite(s.points.back().y)) {
        const double cx = x(s.points.back().x), cy = y(s.points.back().y);
        body += "<path d=\"M" + px(cx - 5) + " " + px(cy - 5) + "L" + px(cx + 5) + " " + px(cy + 5) + "M" + px(cx - 5) +
                " " + px(cy + 5) + "L" + px(cx + 5) + " " + px(cy - 5) + "\" stroke=\"" + colour +
                "\" class=\"end-mark\"/>";
      }
      body += "</g>";
    }
  return figure(c.id, c.title, kWidth, kHeight, body, c.caption);
}

std::string scatter_svg(const ScatterPlot& p) {
  std::vector<double> xs, ys;
  for (const auto& q : p.points) xs.push_back(q.x), ys.push_back(q.y);
  std::vector<double> xt, yt;
  const Scale x = scale_for(xs, kLeft, kWidth - kRight, xt);
  const Scale y = scale_for(ys, kHeight - kBottom, kTop, yt);
  std::string body = axes(x, xt, y, yt, p.x_label, p.y_label);
  for (const auto& q : p.points)
    if (std::isfinite(q.x) && std::isfinite(q.y)) body += circle(x(q.x), y(q.y), 3.5, kPlain, q.title, "point");
  if (std::isfinite(p.intercept) && std::isfinite(p.slope)) {
    // the fitted line across the data's x range, clipped to the plot area
    const double x0 = x.lo, x1 = x.hi;
    body += "<clipPath id=\"clip-" + html_escape(p.id) + "\"><rect x=\"" + px(x.px_lo) + "\" y=\"" + px(y.px_hi) +
            "\" width=\"" + px(x.px_hi - x.px_lo) + "\" height=\"" + px(y.px_lo - y.px_hi) + "\"/></clipPath>";
    body += "<line x1=\"" + px(x(x0)) + "\" y1=\"" + px(y(p.intercept + p.slope * x0)) + "\" x2=\"" + px(x(x1)) +
            "\" y2=\"" + px(y(p.intercept + p.slope * x1)) + "\" class=\"fit\" clip-path=\"url(#clip-" +
            html_escape(p.id) + ")\"><title>" + html_escape("least-squares line: y = " + shown_number(p.intercept) +
                                                            " + " + shown_number(p.slope) + " x") +
            "</title></line>";
  }
  return figure(p.id, p.title, kWidth, kHeight, body, p.caption);
}

std::string forest_svg(const ForestPlot& p) {
  constexpr double kRow = 18, kLabel = 230, kValues = 150, kWide = 640;
  std::vector<double> xs{p.reference};
  for (const auto& r : p.rows)
    for (double v : {r.estimate, r.ci_low, r.ci_high}) xs.push_back(v);
  int lines = 0;
  std::string last_group;
  for (const auto& r : p.rows) lines += 1 + (r.group != last_group), last_group = r.group;
  const double height = kTop + kRow * lines + kBottom;
  std::vector<double> xt;
  const Scale x = scale_for(xs, kLabel, kWide - kValues, xt);
  std::string body;
  const double bottom = height - kBottom + 6;
  for (double t : xt) {
    body += line(x(t), kTop, x(t), bottom, "grid");
    body += text(x(t), bottom + 14, tick_text(t, xt), "middle");
  }
  body += line(x(p.reference), kTop, x(p.reference), bottom, "reference");
  body += text((x.px_lo + x.px_hi) / 2, height - 8, p.x_label, "middle", "label");
  double yy = kTop;
  last_group.clear();
  for (const auto& r : p.rows) {
    if (r.group != last_group) {
      yy += kRow;
      body += text(8, yy, r.group, "start", "group");
      last_group = r.group;
    }
    yy += kRow;
    const double cy = yy - 4;
    body += "<g class=\"forest-row\">" + text(20, yy, r.label, "start", "tick");
    if (std::isfinite(r.ci_low) && std::isfinite(r.ci_high))
      body += line(x(std::max(r.ci_low, x.lo)), cy, x(std::min(r.ci_high, x.hi)), cy, "ci");
    if (std::isfinite(r.estimate))
      body += "<rect x=\"" + px(x(r.estimate) - 4) + "\" y=\"" + px(cy - 4) +
              "\" width=\"8\" height=\"8\" class=\"estimate\"><title>" + html_escape(r.title) + "</title></rect>";
    body += text(kWide - kValues + 8, yy, shown_number(r.estimate) + " " + shown_interval(r.ci_low, r.ci_high),
                 "start", "tick") +
            "</g>";
  }
  return figure(p.id, p.title, kWide, height, body, p.caption);
}

}  // namespace psyface::report

#include "faces/layout_detection.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "psyface/error.hpp"
#include "util/number_text.hpp"

namespace psyface::faces {
namespace {

std::string fixed(double v, int decimals) { return util::fixed_text(v, decimals); }

// The frame at analysis size, 3 channels, 8 bit.
cv::Mat downscale(const cv::Mat& image, int width_px) {
  cv::Mat bgr;
  if (image.type() == CV_8UC1)
    cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
  else if (image.type() == CV_8UC3)
    bgr = image;
  else
    throw Error(ErrorCode::Internal, "layout detection needs an 8-bit BGR or grey frame");
  const int height_px = std::max(8, static_cast<int>(std::lround(double(bgr.rows) * width_px / bgr.cols)));
  cv::Mat small;
  cv::resize(bgr, small, {width_px, height_px}, 0, 0, cv::INTER_AREA);
  return small;
}

// step(y, x): largest channel difference between columns x and x + 1 of row y.
cv::Mat column_steps(const cv::Mat& small) {
  cv::Mat step(small.rows, small.cols - 1, CV_32F);
  for (int y = 0; y < small.rows; ++y) {
    const auto* row = small.ptr<cv::Vec3b>(y);
    auto* out = step.ptr<float>(y);
    for (int x = 0; x + 1 < small.cols; ++x) {
      int m = 0;
      for (int k = 0; k < 3; ++k) m = std::max(m, std::abs(int(row[x + 1][k]) - int(row[x][k])));
      out[x] = static_cast<float>(m);
    }
  }
  return step;
}

// Largest channel spread (max - min) of row y over columns [x0, x1].
float row_spread(const cv::Mat& small, int y, int x0, int x1) {
  const auto* row = small.ptr<cv::Vec3b>(y);
  cv::Vec3b lo = row[x0], hi = row[x0];
  for (int x = x0 + 1; x <= x1; ++x)
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(lo[k], row[x][k]);
      hi[k] = std::max(hi[k], row[x][k]);
    }
  return static_cast<float>(std::max({hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]}));
}

// Uniform bars: runs of columns that hardly vary down the frame, narrow, with varied columns on both sides.
// Columns inside such a run get score 1.
void mark_bars(const cv::Mat& small, const LayoutDetectorOptions& o, FrameLayoutEvidence& ev) {
  std::vector<float> sd(small.cols);
  for (int x = 0; x < small.cols; ++x) {
    cv::Scalar mean, dev;
    cv::meanStdDev(small.col(x), mean, dev);
    sd[x] = static_cast<float>(std::max({dev[0], dev[1], dev[2]}));
  }
  const int max_width = std::max(1, static_cast<int>(o.bar_max_width_norm * small.cols));
  auto flank = [&](int a, int b) {  // the more varied of two columns (the nearer may be blended with the bar)
    return std::max(sd[std::clamp(a, 0, small.cols - 1)], sd[std::clamp(b, 0, small.cols - 1)]);
  };
  for (int a = 2; a < small.cols - 2;) {
    if (sd[a] > o.bar_max_sd) {
      ++a;
      continue;
    }
    int b = a;
    while (b + 1 < small.cols && sd[b + 1] <= o.bar_max_sd) ++b;
    if (b - a + 1 <= max_width && flank(a - 1, a - 2) >= o.bar_min_flank_sd &&
        flank(b + 1, b + 2) >= o.bar_min_flank_sd)
      for (int x = a; x <= b; ++x) {
        const int k = x - ev.first_column;
        if (k >= 0 && k < static_cast<int>(ev.score.size())) ev.score[k] = 1;
      }
    a = b + 1;
  }
}

void check_options(const LayoutDetectorOptions& o) {
  const bool ok = o.analysis_width_px >= 64 && o.analysis_width_px <= 4096 && o.search_from_norm > 0 &&
                  o.search_from_norm < o.search_to_norm && o.search_to_norm < 1 && o.neighbourhood_px >= 4 &&
                  o.min_contrast > 0 && o.min_row_share > 0 && o.min_row_share <= 1 && o.min_frame_share >= 0 &&
                  o.min_frame_share < 1 && o.min_frames >= 1;
  if (!ok) throw Error(ErrorCode::Usage, "layout detector options out of range");
}

}  // namespace

FrameLayoutEvidence measure_frame_layout(const cv::Mat& bgr, const LayoutDetectorOptions& o) {
  FrameLayoutEvidence ev;
  if (bgr.empty() || bgr.cols < 16 || bgr.rows < 16) return ev;
  const cv::Mat small = downscale(bgr, o.analysis_width_px);
  const cv::Mat step = column_steps(small);
  const int w = small.cols, h = small.rows, r = o.neighbourhood_px;
  const int first = std::max(r + 1, static_cast<int>(std::ceil(o.search_from_norm * w)));
  const int last = std::min(w - r - 2, static_cast<int>(std::floor(o.search_to_norm * w)));
  if (last < first) return ev;
  ev.width_px = w;
  ev.first_column = first;
  ev.score.assign(last - first + 1, 0.0f);
  int64_t active_total = 0;
  for (int c = first; c <= last; ++c) {
    int active = 0, steps = 0;
    for (int y = 0; y < h; ++y) {
      if (row_spread(small, y, c - r, c + r) <= o.flat_spread) continue;  // nothing to see here (letterbox)
      ++active;
      const float* s = step.ptr<float>(y);
      const float jump = std::max(s[c - 1], s[c]);  // a seam between c-1|c or c|c+1
      float near = 0;
      for (int x = c - r; x < c + r; ++x)
        if (x < c - 2 || x > c + 1) near += s[x];
      near /= static_cast<float>(2 * r - 4);
      if (jump >= o.min_step && jump >= o.min_contrast * near) ++steps;
    }
    active_total += active;
    if (active >= o.min_active_rows * h) ev.score[c - first] = static_cast<float>(steps) / active;
  }
  ev.informative = active_total >= o.min_active_rows * h * static_cast<double>(ev.score.size());
  if (ev.informative) mark_bars(small, o, ev);
  return ev;
}

LayoutDetector::LayoutDetector(const LayoutDetectorOptions& options) : options_(options) {
  check_options(options_);
  shows_.assign(options_.analysis_width_px, 0);
  score_sum_.assign(options_.analysis_width_px, 0.0);
}

void LayoutDetector::add_frame(const cv::Mat& bgr) {
  ++frames_;
  const FrameLayoutEvidence ev = measure_frame_layout(bgr, options_);
  if (!ev.informative || ev.width_px != options_.analysis_width_px) return;
  ++informative_;
  for (size_t k = 0; k < ev.score.size(); ++k) {
    const size_t c = ev.first_column + k;
    score_sum_[c] += ev.score[k];
    if (ev.score[k] >= options_.min_row_share) ++shows_[c];
  }
}

LayoutInfo LayoutDetector::result() const {
  LayoutInfo info;
  const std::string sampled = " of " + std::to_string(informative_) + " informative sampled frames";
  if (informative_ < options_.min_frames) {
    info.evidence = "no divider decision: " + std::to_string(informative_) + " informative sampled frames (of " +
                    std::to_string(frames_) + "), " + std::to_string(options_.min_frames) + " needed";
    return info;
  }
  const int w = options_.analysis_width_px;
  int best = 0;
  for (int c = 1; c < w; ++c)
    if (shows_[c] > shows_[best] || (shows_[c] == shows_[best] && score_sum_[c] > score_sum_[best])) best = c;
  const double needed = options_.min_frame_share * informative_;
  if (shows_[best] == 0 || shows_[best] <= needed) {
    info.evidence = "no divider: the best column (x = " + fixed((best + 0.5) / w, 3) + ") showed one in " +
                    std::to_string(shows_[best]) + sampled;
    return info;
  }
  // A seam can fall between two analysis columns, a bar spans several: report the middle of the group of
  // columns near the best that also pass.
  const int reach = std::max(1, static_cast<int>(options_.bar_max_width_norm * w));
  int lo = best, hi = best;
  while (lo - 1 >= std::max(0, best - reach) && shows_[lo - 1] > needed) --lo;
  while (hi + 1 <= std::min(w - 1, best + reach) && shows_[hi + 1] > needed) ++hi;
  info.layout = Layout::Split;
  info.divider_x_norm = (lo + hi + 1) / 2.0 / w;
  info.evidence = "divider at x = " + fixed(info.divider_x_norm, 3) + " in " + std::to_string(shows_[best]) + sampled;
  return info;
}

}  // namespace psyface::faces

#include "video/shot_cut_detector.hpp"

#include <algorithm>
#include <cmath>

#include "psyface/error.hpp"

namespace psyface::video {
namespace {

constexpr int kThumbColumns = 16;  // thumbnail blocks across the width (rows keep the aspect ratio)

// Median of the recent values (0 when none): one busy frame in the recent past does not hide the next cut.
double median(const std::deque<double>& values) {
  if (values.empty()) return 0.0;
  std::vector<double> v(values.begin(), values.end());
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

ShotCutDetector::ShotCutDetector(const ShotCutOptions& o) : options_(o) {
  if (o.grid_columns < 16 || o.grid_columns > 1024 || !(o.min_histogram_distance >= 0) ||
      !(o.adaptive_factor >= 0) || o.history_frames < 1 || !(o.min_thumbnail_difference >= 0) || !(o.min_layout_difference >= 0) ||
      !(o.min_shot_sec >= 0))
    throw Error(ErrorCode::Usage, "shot-cut options out of range");
}

ShotCutDetector::Signature ShotCutDetector::measure(const cv::Mat& bgr) const {
  Signature s;
  s.size = bgr.size();
  const int cols = std::min(options_.grid_columns, bgr.cols);
  const int rows = std::clamp(static_cast<int>(std::lround(double(cols) * bgr.rows / bgr.cols)), 1, bgr.rows);
  const int thumb_cols = std::min(kThumbColumns, cols);
  const int thumb_rows = std::clamp(static_cast<int>(std::lround(double(thumb_cols) * bgr.rows / bgr.cols)), 1, rows);
  s.thumbnail.assign(static_cast<size_t>(3 * thumb_cols * thumb_rows), 0.0f);
  std::vector<int> thumb_count(s.thumbnail.size() / 3, 0);
  std::array<int, 64> counts{};
  for (int gy = 0; gy < rows; ++gy) {
    const int y = static_cast<int>((gy + 0.5) * bgr.rows / rows);
    const uint8_t* row = bgr.ptr<uint8_t>(y);
    const int ty = gy * thumb_rows / rows;
    for (int gx = 0; gx < cols; ++gx) {
      const int x = static_cast<int>((gx + 0.5) * bgr.cols / cols);
      const uint8_t b = row[3 * x], g = row[3 * x + 1], r = row[3 * x + 2];
      ++counts[(b >> 6) * 16 + (g >> 6) * 4 + (r >> 6)];
      const size_t t = static_cast<size_t>(ty * thumb_cols + gx * thumb_cols / cols);
      s.thumbnail[3 * t] += b;
      s.thumbnail[3 * t + 1] += g;
      s.thumbnail[3 * t + 2] += r;
      ++thumb_count[t];
    }
  }
  const float n = static_cast<float>(rows * cols);
  for (int k = 0; k < 64; ++k) s.histogram[k] = counts[k] / n;
  for (size_t t = 0; t < s.thumbnail.size(); ++t)
    if (thumb_count[t / 3] > 0) s.thumbnail[t] /= static_cast<float>(thumb_count[t / 3]);
  return s;
}

ShotCutScore ShotCutDetector::update(const cv::Mat& bgr, double t_sec) {
  ShotCutScore score;
  if (bgr.empty() || bgr.type() != CV_8UC3) return score;
  Signature now = measure(bgr);
  if (has_previous_ && now.size == previous_.size) {
    double l1 = 0;
    for (int k = 0; k < 64; ++k) l1 += std::fabs(now.histogram[k] - previous_.histogram[k]);
    score.histogram_distance = 0.5 * l1;
    double diff = 0;
    for (size_t t = 0; t < now.thumbnail.size(); ++t) diff += std::fabs(now.thumbnail[t] - previous_.thumbnail[t]);
    score.thumbnail_difference = diff / (255.0 * static_cast<double>(now.thumbnail.size()));
    score.recent_mean = median(recent_);
    score.recent_thumbnail = median(recent_thumbnail_);
    const ShotCutOptions& o = options_;
    // A cut changes the colours (another scene), or the picture's layout with the same colours (the same
    // people in other places): either jump must stand out from the recent frame-to-frame change.
    const bool colour_jump = score.histogram_distance >= o.min_histogram_distance &&
                             score.histogram_distance >= o.adaptive_factor * score.recent_mean;
    const bool layout_jump = score.thumbnail_difference >= o.min_layout_difference &&
                             score.thumbnail_difference >= o.adaptive_factor * score.recent_thumbnail;
    score.cut = (colour_jump || layout_jump) && score.thumbnail_difference >= o.min_thumbnail_difference &&
                t_sec - last_cut_sec_ >= o.min_shot_sec;
    if (score.cut) {
      last_cut_sec_ = t_sec;
      recent_.clear();  // the new shot's own motion sets the next baseline
      recent_thumbnail_.clear();
    } else {
      recent_.push_back(score.histogram_distance);
      recent_thumbnail_.push_back(score.thumbnail_difference);
      if (static_cast<int>(recent_.size()) > o.history_frames) recent_.pop_front(), recent_thumbnail_.pop_front();
    }
  }
  previous_ = std::move(now);
  has_previous_ = true;
  return score;
}

}  // namespace psyface::video

#include "faces/inset_detection.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include "psyface/error.hpp"
#include "util/number_text.hpp"

namespace psyface::faces {
namespace {

std::string fixed(double v, int decimals) { return util::fixed_text(v, decimals); }

std::string percent(double share) { return fixed(100 * share, 1) + "%"; }

constexpr std::array<const char*, 4> kCorners = {"top-left", "top-right", "bottom-left", "bottom-right"};

// Corner k: bit 0 = right, bit 1 = bottom.
bool in_zone(int corner, const cv::Rect2f& b, double zone) {
  const bool x_ok = (corner & 1) ? b.x >= 1 - zone : b.x + b.width <= zone;
  const bool y_ok = (corner & 2) ? b.y >= 1 - zone : b.y + b.height <= zone;
  return x_ok && y_ok;
}

double quantile(std::vector<double> v, double q) {  // requires: v not empty
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::lround(q * (v.size() - 1)))];
}

double sd(const std::vector<double>& v) {
  double m = 0, m2 = 0;
  for (double x : v) m += x, m2 += x * x;
  m /= v.size();
  return std::sqrt(std::max(0.0, m2 / v.size() - m * m));
}

// What one corner shows over the samples.
struct CornerEvidence {
  int corner = 0;
  int64_t inset_frames = 0, inset_rows = 0, crossing_rows = 0, intrusion_frames = 0, main_frames = 0;
  double sd_x = 0, sd_y = 0, width_ratio = 0;
  InsetRegion region;
};

CornerEvidence measure_corner(const std::vector<InsetSample>& samples, int corner, const InsetDetectorOptions& o) {
  CornerEvidence e;
  e.corner = corner;
  auto candidate = [&](const InsetFace& f) {
    return f.box_norm.width <= o.max_face_width_norm && in_zone(corner, f.box_norm, o.corner_zone_norm);
  };
  std::set<int> tracks;
  std::vector<double> cx, cy, x0, y0, x1, y1, width;
  for (const auto& s : samples) {
    bool any = false;
    for (const auto& f : s.faces) {
      if (!candidate(f)) continue;
      any = true;
      if (f.track_id >= 0) tracks.insert(f.track_id);
      const auto& b = f.box_norm;
      cx.push_back(b.x + b.width / 2), cy.push_back(b.y + b.height / 2), width.push_back(b.width);
      x0.push_back(b.x), y0.push_back(b.y), x1.push_back(b.x + b.width), y1.push_back(b.y + b.height);
    }
    e.inset_frames += any;
  }
  e.inset_rows = static_cast<int64_t>(cx.size());
  if (cx.empty()) return e;
  e.sd_x = sd(cx), e.sd_y = sd(cy);
  auto& r = e.region;
  r.corner = kCorners[corner];
  r.x0_norm = quantile(x0, 0.02), r.y0_norm = quantile(y0, 0.02);
  r.x1_norm = quantile(x1, 0.98), r.y1_norm = quantile(y1, 0.98);
  const double inset_width = quantile(width, 0.5);
  std::vector<double> main_width;
  for (const auto& s : samples) {
    bool intrudes = false, main = false;
    for (const auto& f : s.faces) {
      if (candidate(f)) continue;
      if (tracks.count(f.track_id)) {  // a face of the inset's tracks outside the corner
        ++e.crossing_rows;
        continue;
      }
      const auto& b = f.box_norm;
      intrudes = intrudes || r.contains(b.x + b.width / 2, b.y + b.height / 2);
      if (b.width >= o.min_main_width_ratio * inset_width) {
        main = true;
        main_width.push_back(b.width);
      }
    }
    e.intrusion_frames += intrudes;
    e.main_frames += main;
  }
  if (!main_width.empty()) e.width_ratio = quantile(main_width, 0.5) / inset_width;
  return e;
}

// The first test the corner fails, or "" when it passes.
std::string failed_test(const CornerEvidence& e, double n, const InsetDetectorOptions& o) {
  const std::string c = kCorners[e.corner];
  if (e.inset_frames < o.min_presence * n)
    return "a small face in the " + c + " corner in only " + percent(e.inset_frames / n) + " of sampled frames (" +
           percent(o.min_presence) + " needed)";
  if (std::max(e.sd_x, e.sd_y) > o.max_center_sd_norm)
    return "the " + c + " corner's small faces move too much (centre SD " + fixed(e.sd_x, 3) + " x " +
           fixed(e.sd_y, 3) + ", at most " + fixed(o.max_center_sd_norm, 3) + ")";
  if (e.crossing_rows > o.max_crossing_share * e.inset_rows)
    return "the " + c + " corner's faces leave the corner (" + std::to_string(e.crossing_rows) + " rows outside it, " +
           std::to_string(e.inset_rows) + " inside): a face that wanders there, not an inset";
  if (e.intrusion_frames > o.max_intrusion_share * n)
    return "another face enters the " + c + " region in " + percent(e.intrusion_frames / n) + " of sampled frames";
  if (e.main_frames < o.min_main_presence * n)
    return "no face at least " + fixed(o.min_main_width_ratio, 1) + "x as wide as the " + c + " corner's outside it in " +
           percent(o.min_main_presence) + " of sampled frames (" + percent(e.main_frames / n) + ")";
  return "";
}

std::string region_text(const InsetRegion& r) {
  return "region x " + fixed(r.x0_norm, 3) + "-" + fixed(r.x1_norm, 3) + ", y " + fixed(r.y0_norm, 3) + "-" +
         fixed(r.y1_norm, 3);
}

void check_options(const InsetDetectorOptions& o) {
  const bool ok = o.sample_every_sec >= 0 && o.corner_zone_norm > 0 && o.corner_zone_norm <= 0.5 &&
                  o.max_face_width_norm > 0 && o.max_face_width_norm <= 0.5 && o.min_presence > 0 &&
                  o.min_presence <= 1 && o.max_center_sd_norm > 0 && o.max_crossing_share >= 0 &&
                  o.max_intrusion_share >= 0 && o.min_main_width_ratio >= 1 && o.min_main_presence >= 0 &&
                  o.min_main_presence <= 1 && o.min_frames >= 1;
  if (!ok) throw Error(ErrorCode::Usage, "inset detector options out of range");
}

}  // namespace

InsetRegion detect_inset(const std::vector<InsetSample>& samples, const InsetDetectorOptions& o) {
  check_options(o);
  InsetRegion none;
  const int64_t n = static_cast<int64_t>(samples.size());
  if (n < o.min_frames) {
    none.evidence = "no inset decision: " + std::to_string(n) + " sampled frames, " + std::to_string(o.min_frames) +
                    " needed";
    return none;
  }
  std::array<CornerEvidence, 4> corner;
  int best = -1, best_passing = -1;
  for (int k = 0; k < 4; ++k) {
    corner[k] = measure_corner(samples, k, o);
    if (corner[k].inset_rows == 0) continue;
    if (best < 0 || corner[k].inset_frames > corner[best].inset_frames) best = k;
    if (failed_test(corner[k], double(n), o).empty() &&
        (best_passing < 0 || corner[k].inset_frames > corner[best_passing].inset_frames))
      best_passing = k;
  }
  if (best < 0) {
    none.evidence = "no inset: no small face in any corner of " + std::to_string(n) + " sampled frames";
    return none;
  }
  const int k = best_passing >= 0 ? best_passing : best;
  const CornerEvidence& e = corner[k];
  InsetRegion r = e.region;
  r.candidate = true;
  r.found = best_passing >= 0;
  const double nd = static_cast<double>(n);
  if (!r.found) {
    r.evidence = "no inset: " + failed_test(e, nd, o) + "; best " + region_text(r);
    return r;
  }
  r.evidence = "inset " + r.corner + ": a small face in " + percent(e.inset_frames / nd) + " of " + std::to_string(n) +
               " sampled frames, centre SD " + fixed(e.sd_x, 3) + " x " + fixed(e.sd_y, 3) + ", " + region_text(r) +
               "; other faces inside it in " + std::to_string(e.intrusion_frames) + " frames; a main face " +
               fixed(e.width_ratio, 1) + "x as wide in " + percent(e.main_frames / nd);
  return r;
}

InsetDetector::InsetDetector(const InsetDetectorOptions& options) : options_(options) { check_options(options_); }

void InsetDetector::add_frame(double t_sec, const std::vector<std::pair<int, cv::Rect2f>>& track_boxes_px,
                              double width_px, double height_px) {
  if (t_sec < next_sample_sec_ || !(width_px > 0) || !(height_px > 0)) return;
  next_sample_sec_ = t_sec + options_.sample_every_sec;
  InsetSample s{t_sec, {}};
  for (const auto& [track, b] : track_boxes_px)
    s.faces.push_back({track, cv::Rect2f(static_cast<float>(b.x / width_px), static_cast<float>(b.y / height_px),
                                         static_cast<float>(b.width / width_px),
                                         static_cast<float>(b.height / height_px))});
  samples_.push_back(std::move(s));
}

}  // namespace psyface::faces

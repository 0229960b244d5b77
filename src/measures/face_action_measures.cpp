// Action-unit, gaze and head-motion measures (formulas: docs/measures.md).
#include "measures/face_action_measures.hpp"

#include <algorithm>
#include <cmath>

#include "measures/synchrony.hpp"
#include "measures/synchrony_resample.hpp"
#include "psyface/error.hpp"

namespace psyface::measures {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kRadToDeg = 57.29577951308232;

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string au_mean_name(int k) {
  std::string n(kActionUnitNames[k]);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return n + "_r_mean";
}

bool has_gaze(const RoleFrame& f) { return std::isfinite(f.gaze_angle_x) && std::isfinite(f.gaze_angle_y); }

}  // namespace

std::vector<MeasureInfo> face_action_catalog() {
  std::vector<MeasureInfo> c = {
      {"duchenne_smile_share", "real", "",
       "share of valid frames with AU12_r and AU06_r both >= au_presence (felt smile; frames with both AUs measured)"},
      {"social_smile_share", "real", "", "share of valid frames with AU12_r >= au_presence and AU06_r < au_presence"},
      {"duchenne_onsets_per_min", "real", "1/min", "starts of Duchenne-smile runs per minute"},
      {"social_onsets_per_min", "real", "1/min", "starts of social-smile runs per minute"},
      {"gaze_averted_share", "real", "",
       "share of valid frames with gaze more than gaze_averted_deg from the role's session median gaze"},
      {"head_speed_mean_deg_s", "real", "deg/s", "mean angular head speed (head_speed_deg_s) over valid frames"},
      {"synchrony_head_motion", "real", "r",
       "whole session only: head-speed synchrony between the roles (WCLC mean peak r, docs/measures.md)"},
      {"synchrony_head_motion_p", "real", "", "whole session only: surrogate-test p-value of synchrony_head_motion"},
      {"synchrony_head_motion_lag_sec", "real", "s",
       "whole session only: median peak lag of the head-speed synchrony (> 0: the patient leads)"}};
  for (int k = 0; k < kActionUnitCount; ++k)
    c.push_back({au_mean_name(k), "real", "0..5",
                 "mean " + std::string(kActionUnitNames[k]) + "_r over valid frames (exploratory)"});
  return c;
}

SmileClass smile_class(const RoleFrame& f, const MeasureOptions& o) {
  const double au12 = f.au_r[action_unit_index(12)], au06 = f.au_r[action_unit_index(6)];
  if (!f.valid || !std::isfinite(au12) || !std::isfinite(au06) || au12 < o.au_presence) return SmileClass::None;
  return au06 >= o.au_presence ? SmileClass::Duchenne : SmileClass::Social;
}

FaceActionContext face_action_context(const RoleSeries& s, const MeasureOptions& o) {
  FaceActionContext c;
  c.series = &s;
  // Runs over valid frames (frames without the face neither start nor end a run); a smile that turns
  // from social to Duchenne starts a Duchenne run there.
  SmileClass previous = SmileClass::None;
  std::vector<double> gx, gy;
  for (const auto& f : s.frames) {
    if (!f.valid) continue;
    const SmileClass now = smile_class(f, o);
    if (now != previous && now == SmileClass::Duchenne) c.duchenne_onsets_sec.push_back(f.t_sec);
    if (now != previous && now == SmileClass::Social) c.social_onsets_sec.push_back(f.t_sec);
    previous = now;
    if (has_gaze(f)) gx.push_back(f.gaze_angle_x), gy.push_back(f.gaze_angle_y);
  }
  c.gaze_median_x = median(gx);
  c.gaze_median_y = median(gy);
  return c;
}

void face_action_window_values(const FaceActionContext& c, const MeasureWindow& w, double minutes, bool timed,
                               const MeasureOptions& o, const std::function<void(const std::string&, double)>& set) {
  int64_t smile_frames = 0, duchenne = 0, social = 0, gaze_frames = 0, averted = 0, speed_frames = 0;
  double speed_sum = 0;
  std::array<double, kActionUnitCount> au_sum{};
  std::array<int64_t, kActionUnitCount> au_n{};
  const double limit_rad = o.gaze_averted_deg / kRadToDeg;
  for (const auto& f : c.series->frames) {
    if (!f.valid || f.t_sec < w.start_sec || f.t_sec >= w.end_sec) continue;
    const double au12 = f.au_r[action_unit_index(12)], au06 = f.au_r[action_unit_index(6)];
    if (std::isfinite(au12) && std::isfinite(au06)) {
      ++smile_frames;
      const SmileClass k = smile_class(f, o);
      duchenne += k == SmileClass::Duchenne;
      social += k == SmileClass::Social;
    }
    if (has_gaze(f) && std::isfinite(c.gaze_median_x)) {
      ++gaze_frames;
      averted += std::hypot(f.gaze_angle_x - c.gaze_median_x, f.gaze_angle_y - c.gaze_median_y) > limit_rad;
    }
    if (std::isfinite(f.head_speed_deg_s)) ++speed_frames, speed_sum += f.head_speed_deg_s;
    for (int k = 0; k < kActionUnitCount; ++k)
      if (std::isfinite(f.au_r[k])) au_sum[k] += f.au_r[k], ++au_n[k];
  }
  auto share = [](int64_t n, int64_t d) { return d > 0 ? double(n) / double(d) : kNaN; };
  auto count_in = [&](const std::vector<double>& times) {
    return double(std::count_if(times.begin(), times.end(), [&](double t) { return t >= w.start_sec && t < w.end_sec; }));
  };
  set("duchenne_smile_share", share(duchenne, smile_frames));
  set("social_smile_share", share(social, smile_frames));
  const bool rates = timed && smile_frames > 0;
  set("duchenne_onsets_per_min", rates ? count_in(c.duchenne_onsets_sec) / minutes : kNaN);
  set("social_onsets_per_min", rates ? count_in(c.social_onsets_sec) / minutes : kNaN);
  set("gaze_averted_share", share(averted, gaze_frames));
  set("head_speed_mean_deg_s", speed_frames ? speed_sum / double(speed_frames) : kNaN);
  for (int k = 0; k < kActionUnitCount; ++k) set(au_mean_name(k), au_n[k] ? au_sum[k] / double(au_n[k]) : kNaN);
}

HeadSynchrony head_motion_synchrony(const RoleSeries& patient, const RoleSeries& therapist, double end_sec,
                                    const MeasureOptions& o) {
  HeadSynchrony h;
  const size_t bins = static_cast<size_t>(std::ceil(end_sec * o.synchrony_rate_hz));
  auto binned = [&](const RoleSeries& s, bool& any) {
    std::vector<double> t, v;
    for (const auto& f : s.frames) {
      t.push_back(f.t_sec);
      v.push_back(f.valid ? f.head_speed_deg_s : kNaN);
      any = any || std::isfinite(v.back());
    }
    return resample_frames(t, v, s.frame_interval_sec, o.synchrony_rate_hz, bins);
  };
  bool patient_any = false, therapist_any = false;
  const auto p = binned(patient, patient_any), t = binned(therapist, therapist_any);
  if (!patient_any || !therapist_any) return h;
  // As synchrony_smile: too short for the surrogate segments gives the value without a p-value, too
  // short for one window NA; only input (length) errors mean NA.
  for (const int surrogates : {o.synchrony_surrogates, 0}) {
    SynchronyOptions so;
    so.n_surrogates = surrogates;
    try {
      const auto r = compute_synchrony(p, t, o.synchrony_rate_hz, so);
      h.synchrony = r.summary.synchrony;
      h.lag_sec = r.summary.peak_lag_median_sec;
      if (surrogates > 0) h.p_value = r.summary.surrogate.p_value;
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Input) throw;
    }
    if (surrogates == 0) break;
  }
  return h;
}

}  // namespace psyface::measures

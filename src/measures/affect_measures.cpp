// Per-role affect measures over windows (formulas: docs/measures.md).
#include "measures/affect_measures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "measures/face_action_measures.hpp"
#include "measures/speaking_measures.hpp"
#include "measures/synchrony.hpp"
#include "measures/synchrony_resample.hpp"
#include "psyface/error.hpp"

namespace psyface::measures {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<MeasureInfo> build_catalog() {
  std::vector<MeasureInfo> c = {
      {"duration_sec", "real", "s", "analysed time inside the window (the role's camera coverage clipped to the window)"},
      {"frames_analysed", "integer", "frames", "analysed frames of the role's camera inside the window"},
      {"frames_valid", "integer", "frames", "analysed frames with a measured face of this role"},
      {"valid_share", "real", "", "frames_valid / frames_analysed"},
      {"mean_confidence", "real", "", "mean face-mesh confidence over valid frames"}};
  for (auto e : kEmotionNames)
    c.push_back({"share_" + std::string(e), "real", "",
                 "share of valid frames where " + std::string(e) + " is the dominant emotion"});
  for (auto e : kEmotionNames)
    c.push_back({"mean_p_" + std::string(e), "real", "", "mean probability of " + std::string(e) + " over valid frames"});
  const std::vector<MeasureInfo> rest = {
      {"smile_share", "real", "", "share of valid frames with smile_intensity > smile_threshold"},
      {"smile_baseline", "real", "", "median smile_intensity of the role over the whole session (own baseline)"},
      {"smile_rel_share", "real", "", "share of valid frames with smile_intensity > smile_baseline + smile_rel_delta"},
      {"smile_onsets_per_min", "real", "1/min",
       "starts of smiling runs (absolute threshold) per minute (NA when the role's face is not seen in the window)"},
      {"shared_smiles_per_min", "real", "1/min",
       "episodes of both roles smiling within +-shared_smile_tolerance_sec per minute (NA unless both faces are seen "
       "in the window)"},
      {"expressivity", "real", "", "mean of 1 - p(neutral) over valid frames"},
      {"valence_mean", "real", "", "mean valence composite over valid frames"},
      {"valence_sd", "real", "", "standard deviation (n - 1) of the valence composite over valid frames"},
      {"episodes_per_min", "real", "1/min", "expression episodes of at least brief_max_sec per minute"},
      {"episode_mean_sec", "real", "s", "mean duration of those episodes"},
      {"brief_per_min", "real", "1/min",
       "episodes shorter than brief_max_sec per minute; NA when the analysed rate is below brief_min_fps"},
      {"analysed_fps", "real", "1/s", "analysed frame rate of the role's camera ((n - 1) / (t_last - t_first))"},
      {"low_fps_flag", "integer", "", "1 when analysed_fps < brief_min_fps (brief expressions not reported)"},
      {"synchrony_smile", "real", "r",
       "whole session only: smile synchrony between the roles (WCLC mean peak r, docs/synchrony.md)"},
      {"synchrony_p", "real", "", "whole session only: surrogate-test p-value of synchrony_smile"}};
  c.insert(c.end(), rest.begin(), rest.end());
  const std::vector<MeasureInfo> face_action = face_action_catalog();
  c.insert(c.end(), face_action.begin(), face_action.end());
  const std::vector<MeasureInfo> speaking = speaking_catalog(c);
  c.insert(c.end(), speaking.begin(), speaking.end());
  return c;
}

struct Interval {
  double start, end;
};

// Whole-session facts of one role, needed by every window.
struct RoleContext {
  const RoleSeries* series = nullptr;
  double dt = 0;
  double covered_from_sec = 0, covered_to_sec = 0;  // the role's camera: first frame .. last frame + dt
  double baseline = kNaN;
  std::vector<double> onsets_sec;
  std::vector<Interval> smile_runs;
  struct Episode {
    double start_sec, duration_sec;
  };
  std::vector<Episode> episodes;
  FaceActionContext face_action;
};

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

RoleContext role_context(const RoleSeries& s, const MeasureOptions& o) {
  RoleContext c;
  c.series = &s;
  c.dt = s.frame_interval_sec;
  if (!s.frames.empty()) c.covered_from_sec = s.frames.front().t_sec, c.covered_to_sec = s.frames.back().t_sec + c.dt;
  std::vector<double> smiles;
  for (const auto& f : s.frames)
    if (f.valid) smiles.push_back(f.smile_intensity);
  c.baseline = median(smiles);
  // Smiling runs over valid frames (frames without the face neither start nor end a run).
  bool previous_smiling = false;
  for (const auto& f : s.frames) {
    if (!f.valid) continue;
    const bool smiling = f.smile_intensity > o.smile_threshold;
    if (smiling && !previous_smiling) {
      c.onsets_sec.push_back(f.t_sec);
      c.smile_runs.push_back({f.t_sec, f.t_sec + c.dt});
    } else if (smiling) {
      c.smile_runs.back().end = f.t_sec + c.dt;
    }
    previous_smiling = smiling;
  }
  // Episodes: start at a valid frame whose dominant non-neutral emotion has p >= on, last while valid and
  // p of that emotion >= off.
  int emotion = -1;
  double start = 0, last = 0;
  auto close = [&] {
    if (emotion >= 0) c.episodes.push_back({start, last - start + c.dt});
    emotion = -1;
  };
  for (const auto& f : s.frames) {
    if (emotion >= 0 && (!f.valid || f.p[emotion] < o.episode_off_p)) close();
    if (emotion >= 0) {
      last = f.t_sec;
      continue;
    }
    if (f.valid && f.dominant != 0 && f.p[f.dominant] >= o.episode_on_p) {
      emotion = f.dominant;
      start = last = f.t_sec;
    }
  }
  close();
  c.face_action = face_action_context(s, o);
  return c;
}

std::vector<Interval> merge(std::vector<Interval> v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> out;
  for (const auto& i : v) {
    if (!out.empty() && i.start <= out.back().end)
      out.back().end = std::max(out.back().end, i.end);
    else
      out.push_back(i);
  }
  return out;
}

// Start times of shared smiling: the patient's smiling runs widened by the tolerance on both sides,
// intersected with the therapist's runs, overlapping intersections merged.
std::vector<double> shared_smile_starts(const RoleContext& p, const RoleContext& t, double tolerance_sec) {
  std::vector<Interval> wide;
  for (const auto& r : p.smile_runs) wide.push_back({r.start - tolerance_sec, r.end + tolerance_sec});
  wide = merge(wide);
  const auto other = merge(t.smile_runs);
  std::vector<Interval> both;
  for (const auto& a : wide)
    for (const auto& b : other) {
      const double s = std::max(a.start, b.start), e = std::min(a.end, b.end);
      if (s <= e) both.push_back({s, e});
    }
  std::vector<double> starts;
  for (const auto& i : merge(both)) starts.push_back(i.start);
  return starts;
}

double share(int64_t n, int64_t d) { return d > 0 ? double(n) / d : kNaN; }

int64_t count_in(const std::vector<double>& times, const MeasureWindow& w) {
  return std::count_if(times.begin(), times.end(), [&](double t) { return t >= w.start_sec && t < w.end_sec; });
}

bool seen_in(const RoleSeries& s, const MeasureWindow& w) {
  return std::any_of(s.frames.begin(), s.frames.end(),
                     [&](const RoleFrame& f) { return f.valid && f.t_sec >= w.start_sec && f.t_sec < w.end_sec; });
}

// `shared`: the shared smile starts when both roles' faces are seen in the window, else null (NA).
std::vector<double> window_values(const RoleContext& c, const MeasureWindow& w, const std::vector<double>* shared,
                                  const MeasureOptions& o) {
  const auto& cat = measure_catalog();
  std::vector<double> v(cat.size(), kNaN);
  auto set = [&](const char* name, double value) { v[measure_index(name)] = value; };
  // Analysed time: the window clipped to the role's own camera (and to t >= 0, A's clock).
  const double duration = std::max(0.0, std::min(w.end_sec, c.covered_to_sec) -
                                            std::max({w.start_sec, c.covered_from_sec, 0.0}));
  const double minutes = duration / 60.0;
  int64_t analysed = 0, valid = 0, smiling = 0, rel_smiling = 0, dominant[kEmotionCount] = {};
  double confidence = 0, expressivity = 0, p_sum[kEmotionCount] = {}, valence_sum = 0, valence_sq = 0;
  for (const auto& f : c.series->frames) {
    if (f.t_sec < w.start_sec || f.t_sec >= w.end_sec) continue;
    ++analysed;
    if (!f.valid) continue;
    ++valid;
    confidence += f.confidence;
    ++dominant[f.dominant];
    for (int k = 0; k < kEmotionCount; ++k) p_sum[k] += f.p[k];
    expressivity += 1 - f.p[0];
    smiling += f.smile_intensity > o.smile_threshold;
    rel_smiling += f.smile_intensity > c.baseline + o.smile_rel_delta;
    valence_sum += f.valence;
  }
  const double valence_mean = valid ? valence_sum / valid : kNaN;
  for (const auto& f : c.series->frames)
    if (f.valid && f.t_sec >= w.start_sec && f.t_sec < w.end_sec) valence_sq += (f.valence - valence_mean) * (f.valence - valence_mean);
  set("duration_sec", duration);
  set("frames_analysed", double(analysed));
  set("frames_valid", double(valid));
  set("valid_share", share(valid, analysed));
  set("mean_confidence", valid ? confidence / valid : kNaN);
  for (int k = 0; k < kEmotionCount; ++k) {
    v[measure_index("share_" + std::string(kEmotionNames[k]))] = share(dominant[k], valid);
    v[measure_index("mean_p_" + std::string(kEmotionNames[k]))] = valid ? p_sum[k] / valid : kNaN;
  }
  set("smile_share", share(smiling, valid));
  set("smile_baseline", c.baseline);
  set("smile_rel_share", share(rel_smiling, valid));
  // Event rates need time and the face seen in it: without a valid frame, 0 events would be a claim.
  const bool timed = minutes > 0 && valid > 0;
  set("smile_onsets_per_min", timed ? count_in(c.onsets_sec, w) / minutes : kNaN);
  if (shared) set("shared_smiles_per_min", timed ? count_in(*shared, w) / minutes : kNaN);
  set("expressivity", valid ? expressivity / valid : kNaN);
  set("valence_mean", valence_mean);
  set("valence_sd", valid > 1 ? std::sqrt(valence_sq / (valid - 1)) : kNaN);
  const double fps = c.dt > 0 ? 1.0 / c.dt : kNaN;
  const bool low_fps = !(fps >= o.brief_min_fps);
  int64_t episodes = 0, brief = 0;
  double episode_sec = 0;
  for (const auto& e : c.episodes) {
    if (e.start_sec < w.start_sec || e.start_sec >= w.end_sec) continue;
    if (e.duration_sec < o.brief_max_sec - 1e-9) {
      ++brief;
    } else {
      ++episodes;
      episode_sec += e.duration_sec;
    }
  }
  set("episodes_per_min", timed ? episodes / minutes : kNaN);
  set("episode_mean_sec", episodes ? episode_sec / episodes : kNaN);
  set("brief_per_min", timed && !low_fps ? brief / minutes : kNaN);
  set("analysed_fps", fps);
  set("low_fps_flag", analysed ? (low_fps ? 1 : 0) : kNaN);
  face_action_window_values(c.face_action, w, minutes, timed, o,
                            [&](const std::string& name, double value) { v[measure_index(name)] = value; });
  return v;
}

// Smile series of a role on a regular grid of 1/rate bins from 0 to end (measures/synchrony_resample).
std::vector<double> binned_smile(const RoleSeries& s, double rate_hz, size_t bins) {
  std::vector<double> t, smile;
  for (const auto& f : s.frames) {
    t.push_back(f.t_sec);
    smile.push_back(f.valid ? f.smile_intensity : kNaN);
  }
  return resample_frames(t, smile, s.frame_interval_sec, rate_hz, bins);
}

}  // namespace

const std::vector<MeasureInfo>& measure_catalog() {
  static const std::vector<MeasureInfo> catalog = build_catalog();
  return catalog;
}

int measure_index(const std::string& name) {
  const auto& c = measure_catalog();
  for (size_t i = 0; i < c.size(); ++i)
    if (c[i].name == name) return static_cast<int>(i);
  return -1;
}

void check_measure_options(const MeasureOptions& o) {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw Error(ErrorCode::Usage, std::string("measure option ") + what);
  };
  require(o.window_min > 0, "window_min must be > 0");
  require(o.first_min > 0, "first_min must be > 0");
  require(o.shared_smile_tolerance_sec >= 0, "shared_smile_tolerance_sec must be >= 0");
  require(o.episode_on_p > 0 && o.episode_on_p <= 1, "episode_on_p must be in (0, 1]");
  require(o.episode_off_p > 0 && o.episode_off_p <= o.episode_on_p, "episode_off_p must be in (0, episode_on_p]");
  require(o.brief_max_sec >= 0, "brief_max_sec must be >= 0");
  require(o.synchrony_rate_hz > 0, "synchrony_rate_hz must be > 0");
  require(o.synchrony_surrogates >= 0, "synchrony_surrogates must be >= 0");
  require(o.au_presence > 0 && o.au_presence <= 5, "au_presence must be in (0, 5]");
  require(o.gaze_averted_deg > 0 && o.gaze_averted_deg < 180, "gaze_averted_deg must be in (0, 180)");
}

std::vector<MeasureWindow> session_windows(double end_sec, const std::vector<Segment>& segments,
                                           const MeasureOptions& o) {
  std::vector<MeasureWindow> w;
  w.push_back({"session", 0, "", 0, end_sec});
  const double len = o.window_min * 60;
  for (int i = 0; i == 0 || i * len < end_sec; ++i) w.push_back({"fixed", i, "", i * len, (i + 1) * len});
  const double first = o.first_min * 60;
  w.push_back({"first", 0, "", 0, first});
  w.push_back({"rest", 0, "", first, std::max(first, end_sec)});
  for (size_t i = 0; i < segments.size(); ++i)
    w.push_back({"segment", static_cast<int>(i), segments[i].label, segments[i].start_sec, segments[i].end_sec});
  return w;
}

std::vector<RoleWindowMeasures> compute_measures(const RoleTable& table, const std::vector<Segment>& segments,
                                                 const MeasureOptions& o) {
  check_measure_options(o);
  const RoleContext contexts[2] = {role_context(table.patient, o), role_context(table.therapist, o)};
  double end = 0;
  for (const auto& c : contexts) end = std::max(end, c.covered_to_sec);
  const bool dyad = table.patient.present && table.therapist.present;
  std::vector<double> shared;
  double synchrony = kNaN, synchrony_p = kNaN;
  HeadSynchrony head;
  if (dyad) {
    head = head_motion_synchrony(table.patient, table.therapist, end, o);
    shared = shared_smile_starts(contexts[0], contexts[1], o.shared_smile_tolerance_sec);
    const size_t bins = static_cast<size_t>(std::ceil(end * o.synchrony_rate_hz));
    const auto patient = binned_smile(table.patient, o.synchrony_rate_hz, bins);
    const auto therapist = binned_smile(table.therapist, o.synchrony_rate_hz, bins);
    // Too short for the surrogate segments: the synchrony value without a p-value; too short for one
    // window: both NA. Only input (length) errors mean NA; a bad option is an error.
    for (const int surrogates : {o.synchrony_surrogates, 0}) {
      SynchronyOptions so;
      so.n_surrogates = surrogates;
      try {
        const auto r = compute_synchrony(patient, therapist, o.synchrony_rate_hz, so);
        synchrony = r.summary.synchrony;
        if (surrogates > 0) synchrony_p = r.summary.surrogate.p_value;
        break;
      } catch (const Error& e) {
        if (e.code() != ErrorCode::Input) throw;
      }
      if (surrogates == 0) break;
    }
  }
  // The role's frames in each speaking state, measured against the whole session's context (own smile
  // baseline, median gaze): the split columns of speaking_measures.hpp.
  RoleSeries state_series[2][2];
  RoleContext state_contexts[2][2];
  for (int r = 0; r < 2; ++r)
    for (const SpeakingState state : {SpeakingState::Listening, SpeakingState::Speaking}) {
      if (!has_speaking(*contexts[r].series)) continue;
      const int k = static_cast<int>(state);
      state_series[r][k] = only_state(*contexts[r].series, state);
      state_contexts[r][k] = contexts[r];
      state_contexts[r][k].series = state_contexts[r][k].face_action.series = &state_series[r][k];
    }
  std::vector<RoleWindowMeasures> rows;
  for (const auto& w : session_windows(end, segments, o))
    for (int r = 0; r < 2; ++r) {
      const RoleContext& c = contexts[r];
      const bool both_seen = dyad && seen_in(table.patient, w) && seen_in(table.therapist, w);
      RoleWindowMeasures m{w, c.series->role, window_values(c, w, both_seen ? &shared : nullptr, o)};
      if (has_speaking(*c.series))
        speaking_window_values(*c.series, w, window_values(state_contexts[r][0], w, nullptr, o),
                               window_values(state_contexts[r][1], w, nullptr, o),
                               [&](const std::string& name, double value) { m.values[measure_index(name)] = value; });
      if (w.kind == "session") {
        m.values[measure_index("synchrony_smile")] = synchrony;
        m.values[measure_index("synchrony_p")] = synchrony_p;
        m.values[measure_index("synchrony_head_motion")] = head.synchrony;
        m.values[measure_index("synchrony_head_motion_p")] = head.p_value;
        m.values[measure_index("synchrony_head_motion_lag_sec")] = head.lag_sec;
      }
      rows.push_back(std::move(m));
    }
  return rows;
}

}  // namespace psyface::measures

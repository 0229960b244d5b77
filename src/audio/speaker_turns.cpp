#include "audio/speaker_turns.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/number_text.hpp"

namespace psyface::audio {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Runs of `value` in v: [begin, end) pairs.
template <typename T>
std::vector<std::pair<size_t, size_t>> runs_of(const std::vector<T>& v, T value) {
  std::vector<std::pair<size_t, size_t>> r;
  for (size_t k = 0; k < v.size();) {
    if (v[k] != value) {
      ++k;
      continue;
    }
    size_t e = k;
    while (e < v.size() && v[e] == value) ++e;
    r.emplace_back(k, e);
    k = e;
  }
  return r;
}

double median_step(const std::vector<double>& t) {
  if (t.size() < 2) return 0.04;
  std::vector<double> d;
  for (size_t k = 1; k < t.size(); ++k) d.push_back(t[k] - t[k - 1]);
  std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2), d.end());
  return std::max(1e-3, d[d.size() / 2]);
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = double(a.size());
  double ma = 0, mb = 0;
  for (size_t k = 0; k < a.size(); ++k) ma += a[k], mb += b[k];
  ma /= n, mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    sab += (a[k] - ma) * (b[k] - mb);
    saa += (a[k] - ma) * (a[k] - ma);
    sbb += (b[k] - mb) * (b[k] - mb);
  }
  return (saa <= 0 || sbb <= 1e-12) ? 0.0 : sab / std::sqrt(saa * sbb);
}

// speech_activity of one face at one frame: how much the mouth moves, weighted by how well it follows the
// audio level (best correlation over the lags).
class ActivityScorer {
 public:
  ActivityScorer(const VoiceTrack& v, const std::vector<double>& t, const SpeakerOptions& o)
      : v_(v), t_(t), o_(o), half_sec_(std::max(o.window_sec / 2, 0.5 * o.min_window_frames * median_step(t))),
        max_lag_(static_cast<int>(std::lround(o.max_lag_sec / v.chunk_sec))) {}

  // mouth: per frame (NaN where the face is not measured).
  float score(const std::vector<float>& mouth, size_t i) const {
    std::vector<double> m, tt;
    for (size_t j = first_in_window(i); j < t_.size() && t_[j] <= t_[i] + half_sec_; ++j)
      if (std::isfinite(mouth[j])) m.push_back(mouth[j]), tt.push_back(t_[j]);
    if (m.size() < 4) return kNaN;
    double mean = 0, var = 0;
    for (double x : m) mean += x;
    mean /= double(m.size());
    for (double x : m) var += (x - mean) * (x - mean);
    const double sd = std::sqrt(var / double(m.size()));
    if (sd <= 0) return 0.0f;
    double best = -1;
    std::vector<double> level(m.size());
    for (int lag = -max_lag_; lag <= max_lag_; ++lag) {
      for (size_t k = 0; k < m.size(); ++k) level[k] = level_at(tt[k] + lag * v_.chunk_sec);
      best = std::max(best, pearson(m, level));
    }
    const double follows = o_.follow_weight * best + (1 - o_.follow_weight);  // 1 − 2w (against) .. 1 (with the sound)
    return static_cast<float>(std::max(0.0, follows) * std::min(1.0, sd / o_.motion_ref));
  }

 private:
  size_t first_in_window(size_t i) const {
    return static_cast<size_t>(std::lower_bound(t_.begin(), t_.end(), t_[i] - half_sec_) - t_.begin());
  }
  double level_at(double t) const {
    const long c = v_.chunk_at(t);
    return c < 0 ? o_.floor_db : std::max(double(v_.level_dbfs[static_cast<size_t>(c)]), o_.floor_db);
  }
  const VoiceTrack& v_;
  const std::vector<double>& t_;
  const SpeakerOptions& o_;
  double half_sec_;
  int max_lag_;
};

SpeakerResult without_audio(size_t frames, const std::vector<MouthSeries>& faces) {
  SpeakerResult r;
  r.state.assign(frames, TalkState::NoAudio);
  r.voice_prob.assign(frames, kNaN);
  r.voiced.assign(frames, 0);
  for (const auto& f : faces) r.faces.push_back({std::vector<int8_t>(f.frame.size(), -1), std::vector<float>(f.frame.size(), kNaN)});
  return r;
}

// Mean power (linear) of a track's chunks that overlap [t0, t1] on its own clock; NaN outside the track or
// when every chunk is digital silence.
double window_power(const VoiceTrack& v, double t0, double t1) {
  if (!v.present || v.level_dbfs.empty()) return std::nan("");
  const double n = double(v.level_dbfs.size());
  const double k0 = std::max(0.0, std::floor((t0 - v.first_chunk_sec) / v.chunk_sec));
  const double k1 = std::min(n - 1, std::floor((t1 - v.first_chunk_sec) / v.chunk_sec));
  if (k1 < k0) return std::nan("");
  double sum = 0;
  bool sound = false;
  for (auto k = static_cast<size_t>(k0); k <= static_cast<size_t>(k1); ++k) {
    sum += std::pow(10.0, v.level_dbfs[k] / 10.0);
    sound = sound || v.level_dbfs[k] > -100.0f;
  }
  return sound ? sum / (k1 - k0 + 1) : std::nan("");
}

enum class Side : int8_t { Unclear, Own, Other };

// The two sides of the level difference over the voiced frames (Otsu's split of the 1-D values), the
// mouths' confirmation of which side is this camera's, and the side of every frame.
std::vector<Side> level_sides(const VoiceTrack& voice, const OtherTrack& other, const std::vector<double>& t,
                              const std::vector<uint8_t>& voiced, const std::vector<float>& best,
                              const SpeakerOptions& o, LevelEvidence& ev) {
  std::vector<Side> side(t.size(), Side::Unclear);
  if (!other.voice) {
    ev.note = "single camera";
    return side;
  }
  if (!other.voice->present) {
    ev.note = "the other camera has no audio (" + other.voice->note + ")";
    return side;
  }
  std::vector<double> delta(t.size(), std::nan(""));
  std::vector<std::pair<double, size_t>> v;  // (difference, frame) over voiced frames
  for (size_t i = 0; i < t.size(); ++i) {
    if (!voiced[i]) continue;
    delta[i] = level_difference_db(voice, other, t[i], o.level_window_sec);
    if (std::isfinite(delta[i])) v.emplace_back(delta[i], i);
  }
  if (v.size() < 20) {
    ev.note = "fewer than 20 voiced frames with both tracks' levels";
    return side;
  }
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  double total = 0;
  for (const auto& x : v) total += x.first;
  double low_sum = 0, best_between = -1;
  size_t split = 1;
  for (size_t k = 1; k < n; ++k) {  // low side = v[0, k)
    low_sum += v[k - 1].first;
    const double m0 = low_sum / double(k), m1 = (total - low_sum) / double(n - k);
    const double between = double(k) * double(n - k) * (m1 - m0) * (m1 - m0);
    if (between > best_between) best_between = between, split = k;
  }
  // Each side's centre is its median (frames that straddle a turn change or hold overlapping speech lie in
  // between and must not pull it); the threshold is halfway between the centres.
  const auto median = [&](size_t b, size_t e) { return (v[b + (e - b - 1) / 2].first + v[b + (e - b) / 2].first) / 2; };
  const double m0 = median(0, split), m1 = median(split, n);
  double a0 = 0, a1 = 0;
  int64_t c0 = 0, c1 = 0;
  for (size_t k = 0; k < n; ++k) {
    const float a = best[v[k].second];
    if (a >= 0) (k < split ? a0 : a1) += a, ++(k < split ? c0 : c1);
  }
  ev.threshold_db = (m0 + m1) / 2;
  ev.separation_db = m1 - m0;
  const double share = double(std::min(split, n - split)) / double(n);
  if (ev.separation_db < o.level_min_separation_db) {
    ev.note = "the tracks' levels show no two sides (separation " + util::fixed_text(ev.separation_db, 1) + " dB < " +
              util::fixed_text(o.level_min_separation_db, 1) + " dB)";
    return side;
  }
  if (share < o.level_min_side_share) {
    ev.note = "one side holds only " + util::fixed_text(100 * share, 1) + " % of the voiced frames";
    return side;
  }
  if (c0 == 0 || c1 == 0) {
    ev.note = "no measured mouth on one side";
    return side;
  }
  ev.mouth_gap = a1 / double(c1) - a0 / double(c0);
  if (std::fabs(ev.mouth_gap) < o.level_min_mouth_gap) {
    ev.note = "the mouths do not tell the two sides apart (activity gap " + util::fixed_text(ev.mouth_gap, 2) + " < " +
              util::fixed_text(o.level_min_mouth_gap, 2) + ")";
    return side;
  }
  ev.used = true;
  ev.sign = ev.mouth_gap > 0 ? 1 : -1;
  const double margin = o.level_margin * ev.separation_db;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!voiced[i]) continue;
    const double z = ev.sign * (delta[i] - ev.threshold_db);
    side[i] = !std::isfinite(z) ? Side::Unclear : z > margin ? Side::Own : z < -margin ? Side::Other : Side::Unclear;
    ++(side[i] == Side::Own ? ev.frames_own : side[i] == Side::Other ? ev.frames_other : ev.frames_unclear);
  }
  return side;
}

}  // namespace

double level_difference_db(const VoiceTrack& own, const OtherTrack& other, double t, double window_sec) {
  if (!other.voice) return std::nan("");
  const double h = window_sec / 2;
  const double p_own = window_power(own, t - h, t + h);
  const double p_other = window_power(*other.voice, t + other.shift_sec - h, t + other.shift_sec + h);
  return 10 * std::log10(p_own / p_other);  // NaN when either is NaN
}

const char* talk_state_name(TalkState s) {
  switch (s) {
    case TalkState::None: return "none";
    case TalkState::One: return "one";
    case TalkState::Both: return "both";
    case TalkState::Unseen: return "unseen";
    default: return "NA";
  }
}

std::vector<uint8_t> voiced_chunks(const std::vector<float>& p, double chunk_sec, const SpeakerOptions& o) {
  std::vector<uint8_t> on(p.size(), 0);
  bool state = false;
  for (size_t k = 0; k < p.size(); ++k) {
    state = state ? p[k] >= o.voice_off : p[k] >= o.voice_on;
    on[k] = state;
  }
  const auto pauses = runs_of<uint8_t>(on, 0);
  for (const auto& [b, e] : pauses)
    if (b > 0 && e < on.size() && double(e - b) * chunk_sec < o.min_pause_sec) std::fill(on.begin() + b, on.begin() + e, 1);
  for (const auto& [b, e] : runs_of<uint8_t>(on, 1))
    if (double(e - b) * chunk_sec < o.min_voice_sec) std::fill(on.begin() + b, on.begin() + e, 0);
  return on;
}

void smooth_runs(std::vector<int8_t>& on, const std::vector<double>& t, double min_sec, const std::vector<uint8_t>& allowed) {
  const double step = median_step(t);
  const auto length = [&](size_t b, size_t e) { return t[e - 1] - t[b] + step; };
  for (const auto& [b, e] : runs_of<int8_t>(on, 1))
    if (length(b, e) < min_sec) std::fill(on.begin() + b, on.begin() + e, 0);
  for (const auto& [b, e] : runs_of<int8_t>(on, 0)) {
    if (b == 0 || e == on.size() || length(b, e) >= min_sec) continue;
    if (std::all_of(allowed.begin() + b, allowed.begin() + e, [](uint8_t a) { return a != 0; }))
      std::fill(on.begin() + b, on.begin() + e, 1);
  }
}

SpeakerResult attribute_speakers(const VoiceTrack& voice, const std::vector<double>& t,
                                 const std::vector<MouthSeries>& faces, const SpeakerOptions& o,
                                 const OtherTrack& other) {
  const size_t n = t.size();
  if (!voice.present) return without_audio(n, faces);
  SpeakerResult r;
  const std::vector<uint8_t> chunks = voiced_chunks(voice.speech_prob, voice.chunk_sec, o);
  r.voice_prob.resize(n);
  r.voiced.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const long c = voice.chunk_at(t[i]);
    r.voice_prob[i] = c < 0 ? kNaN : voice.speech_prob[static_cast<size_t>(c)];
    r.voiced[i] = c < 0 ? 0 : chunks[static_cast<size_t>(c)];
  }
  // Activity of every face at every frame it is seen in; the best per frame.
  const ActivityScorer scorer(voice, t, o);
  std::vector<float> best(n, -1.0f);  // -1: no face with a measured activity
  for (const auto& f : faces) {
    std::vector<float> mouth(n, kNaN);
    for (size_t k = 0; k < f.frame.size(); ++k) mouth[static_cast<size_t>(f.frame[k])] = f.mouth_open[k];
    FaceSpeaking s{std::vector<int8_t>(f.frame.size(), 0), std::vector<float>(f.frame.size(), kNaN)};
    for (size_t k = 0; k < f.frame.size(); ++k) {
      const size_t i = static_cast<size_t>(f.frame[k]);
      if (std::isfinite(mouth[i])) s.speech_activity[k] = scorer.score(mouth, i);
      if (std::isfinite(s.speech_activity[k])) best[i] = std::max(best[i], s.speech_activity[k]);
    }
    r.faces.push_back(std::move(s));
  }
  // Two cameras: which side the voice comes from, by the level difference between the tracks.
  const std::vector<Side> side = level_sides(voice, other, t, r.voiced, best, o, r.level);
  // Who speaks, per frame, then smoothed to turns on each face's own frames.
  std::vector<int> speakers(n, 0);
  for (size_t f = 0; f < faces.size(); ++f) {
    FaceSpeaking& s = r.faces[f];
    std::vector<double> ft;
    std::vector<uint8_t> allowed;
    for (size_t k = 0; k < faces[f].frame.size(); ++k) {
      const size_t i = static_cast<size_t>(faces[f].frame[k]);
      const float a = s.speech_activity[k];
      const bool candidate = r.voiced[i] && std::isfinite(a) && a >= o.both_ratio * best[i];
      s.speaking[k] = side[i] == Side::Other ? false
                      : side[i] == Side::Own ? candidate && (a >= o.min_activity || (a == best[i] && a >= o.level_min_activity))
                                             : candidate && a >= o.min_activity;
      ft.push_back(t[i]);
      allowed.push_back(r.voiced[i] && side[i] != Side::Other);
    }
    smooth_runs(s.speaking, ft, o.min_turn_sec, allowed);
    for (size_t k = 0; k < faces[f].frame.size(); ++k) speakers[static_cast<size_t>(faces[f].frame[k])] += s.speaking[k];
  }
  r.state.resize(n);
  for (size_t i = 0; i < n; ++i)
    r.state[i] = !r.voiced[i] ? TalkState::None
                 : speakers[i] == 0 ? TalkState::Unseen
                 : speakers[i] == 1 ? TalkState::One
                                    : TalkState::Both;
  return r;
}

}  // namespace psyface::audio

// Measures split by speaking state (see speaking_measures.hpp; formulas: docs/measures.md).
#include "measures/speaking_measures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace psyface::measures {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> build_split_names() {
  std::vector<std::string> n;
  for (auto e : kEmotionNames) n.push_back("share_" + std::string(e));
  for (auto e : kEmotionNames) n.push_back("mean_p_" + std::string(e));
  for (const char* m : {"smile_share", "smile_rel_share", "expressivity", "valence_mean", "valence_sd",
                        "duchenne_smile_share", "social_smile_share", "gaze_averted_share", "head_speed_mean_deg_s"})
    n.push_back(m);
  return n;
}

// requires: name in c (every split measure is a catalogue measure); a miss is a programming error.
const MeasureInfo& find(const std::vector<MeasureInfo>& c, const std::string& name) {
  for (const auto& m : c)
    if (m.name == name) return m;
  throw std::logic_error("speaking_catalog: split measure " + name + " is not in the catalogue");
}

}  // namespace

const char* speaking_state_name(SpeakingState s) { return s == SpeakingState::Listening ? "listening" : "speaking"; }

bool in_state(const RoleFrame& f, SpeakingState s) {
  if (s == SpeakingState::Speaking) return f.speaking == 1;
  return f.speaking == 0 && (f.talk_state == 1 || f.talk_state == 2 || f.other_speaking == 1);
}

const std::vector<std::string>& split_measure_names() {
  static const std::vector<std::string> names = build_split_names();
  return names;
}

std::vector<MeasureInfo> speaking_catalog(const std::vector<MeasureInfo>& before) {
  std::vector<MeasureInfo> c = {
      {"frames_listening", "integer", "frames",
       "valid frames where the person listens (speaking 0 while talk_state is one or both; docs/speaking.md)"},
      {"frames_speaking", "integer", "frames", "valid frames where the person speaks (speaking 1)"},
      {"speaking_share", "real", "", "frames_speaking / valid frames with audio (speaking 0 or 1)"},
      {"listening_share", "real", "", "frames_listening / valid frames with audio"},
      {"turns_per_min", "real", "1/min",
       "speaking turns (runs of speaking frames) starting in the window per minute of valid frames with audio"},
      {"turn_mean_sec", "real", "s", "mean length of the turns starting in the window"},
      {"turn_max_sec", "real", "s", "longest turn starting in the window"}};
  for (const SpeakingState state : {SpeakingState::Listening, SpeakingState::Speaking})
    for (const auto& name : split_measure_names()) {
      const MeasureInfo& m = find(before, name);
      c.push_back({name + "_" + speaking_state_name(state), m.type, m.unit,
                   name + " over the " + speaking_state_name(state) + " frames: " + m.description});
    }
  return c;
}

bool has_speaking(const RoleSeries& s) {
  return std::any_of(s.frames.begin(), s.frames.end(), [](const RoleFrame& f) { return f.speaking >= 0; });
}

RoleSeries only_state(const RoleSeries& s, SpeakingState state) {
  RoleSeries out = s;
  for (auto& f : out.frames) f.valid = f.valid && in_state(f, state);
  out.present = std::any_of(out.frames.begin(), out.frames.end(), [](const RoleFrame& f) { return f.valid; });
  return out;
}

SpeakingMeasures speaking_measures(const RoleSeries& s, const MeasureWindow& w) {
  SpeakingMeasures m;
  const double dt = s.frame_interval_sec;
  std::vector<double> turns;
  double start = 0, last = 0;
  bool in_turn = false;
  auto close = [&] {
    if (in_turn && start >= w.start_sec && start < w.end_sec) turns.push_back(last - start + dt);
    in_turn = false;
  };
  for (const auto& f : s.frames) {
    if (!f.valid || f.speaking < 0) continue;
    if (f.t_sec >= w.start_sec && f.t_sec < w.end_sec) {
      ++m.frames_with_audio;
      m.frames_speaking += f.speaking == 1;
      m.frames_listening += in_state(f, SpeakingState::Listening);
    }
    if (f.speaking == 1 && !in_turn) start = f.t_sec, in_turn = true;
    if (f.speaking == 1) last = f.t_sec;
    if (f.speaking == 0) close();
  }
  close();
  const double n = double(m.frames_with_audio);
  m.speaking_share = n > 0 ? m.frames_speaking / n : kNaN;
  m.listening_share = n > 0 ? m.frames_listening / n : kNaN;
  m.turn_count = static_cast<int64_t>(turns.size());
  m.turns_per_min = n > 0 && dt > 0 ? turns.size() / (n * dt / 60) : kNaN;
  double sum = 0;
  for (double t : turns) sum += t;
  m.turn_mean_sec = turns.empty() ? kNaN : sum / double(turns.size());
  m.turn_max_sec = turns.empty() ? kNaN : *std::max_element(turns.begin(), turns.end());
  return m;
}

void speaking_window_values(const RoleSeries& s, const MeasureWindow& w, const std::vector<double>& listening,
                            const std::vector<double>& speaking,
                            const std::function<void(const std::string&, double)>& set) {
  if (!has_speaking(s)) return;
  const SpeakingMeasures m = speaking_measures(s, w);
  set("frames_listening", double(m.frames_listening));
  set("frames_speaking", double(m.frames_speaking));
  set("speaking_share", m.speaking_share);
  set("listening_share", m.listening_share);
  set("turns_per_min", m.turns_per_min);
  set("turn_mean_sec", m.turn_mean_sec);
  set("turn_max_sec", m.turn_max_sec);
  for (const auto& name : split_measure_names()) {
    set(name + "_listening", listening[measure_index(name)]);
    set(name + "_speaking", speaking[measure_index(name)]);
  }
}

}  // namespace psyface::measures

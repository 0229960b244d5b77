// Measures split by speaking state (see speaking_measures.hpp; formulas: docs/measures.md).
#include "measures/speaking_measures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace psyface::measures {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The role's series with every frame outside the state made invalid.
RoleSeries only_state(const RoleSeries& s, SpeakingState state) {
  RoleSeries out = s;
  for (auto& f : out.frames) f.valid = f.valid && in_state(f, state);
  out.present = std::any_of(out.frames.begin(), out.frames.end(), [](const RoleFrame& f) { return f.valid; });
  return out;
}

double whole_session_baseline(const RoleSeries& s) {
  std::vector<double> v;
  for (const auto& f : s.frames)
    if (f.valid) v.push_back(f.smile_intensity);
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The session row of `filtered` for `role`, made a state row (see the contract).
RoleWindowMeasures state_row(const RoleSeries& original, const RoleSeries& filtered, const std::vector<RoleWindowMeasures>& rows,
                             SpeakingState state, const MeasureOptions& o) {
  RoleWindowMeasures m;
  for (const auto& r : rows)
    if (r.window.kind == "session" && r.role == original.role) m = r;
  m.window.kind = speaking_state_name(state);
  auto set = [&](const char* name, double v) { m.values[measure_index(name)] = v; };
  const double valid = m.values[measure_index("frames_valid")];
  set("frames_analysed", valid);
  set("duration_sec", valid * original.frame_interval_sec);
  const double baseline = whole_session_baseline(original);
  int64_t rel = 0;
  for (const auto& f : filtered.frames) rel += f.valid && f.smile_intensity > baseline + o.smile_rel_delta;
  set("smile_baseline", baseline);
  set("smile_rel_share", valid > 0 ? rel / valid : kNaN);
  for (const char* na : {"valid_share", "smile_onsets_per_min", "shared_smiles_per_min", "episodes_per_min",
                         "episode_mean_sec", "brief_per_min", "synchrony_smile", "synchrony_p"})
    set(na, kNaN);
  return m;
}

}  // namespace

const char* speaking_state_name(SpeakingState s) { return s == SpeakingState::Listening ? "listening" : "speaking"; }

bool in_state(const RoleFrame& f, SpeakingState s) {
  if (s == SpeakingState::Speaking) return f.speaking == 1;
  return f.speaking == 0 && (f.talk_state == 1 || f.talk_state == 2);
}

std::vector<RoleWindowMeasures> speaking_state_measures(const RoleTable& table, const MeasureOptions& options) {
  MeasureOptions o = options;
  o.synchrony_surrogates = 0;  // synchrony is NA in state rows: no need for the surrogate test
  std::vector<RoleWindowMeasures> out;
  std::vector<RoleWindowMeasures> by_state[2];
  for (const SpeakingState state : {SpeakingState::Listening, SpeakingState::Speaking}) {
    const RoleTable filtered{only_state(table.patient, state), only_state(table.therapist, state)};
    const auto rows = compute_measures(filtered, {}, o);
    by_state[int(state)] = {state_row(table.patient, filtered.patient, rows, state, options),
                            state_row(table.therapist, filtered.therapist, rows, state, options)};
  }
  for (int role = 0; role < 2; ++role)
    for (int state = 0; state < 2; ++state) out.push_back(by_state[state][static_cast<size_t>(role)]);
  return out;
}

std::vector<SpeakingMeasures> speaking_measures(const RoleTable& table) {
  std::vector<SpeakingMeasures> out;
  for (const RoleSeries* s : {&table.patient, &table.therapist}) {
    SpeakingMeasures m;
    m.role = s->role;
    const double dt = s->frame_interval_sec;
    std::vector<double> turns;
    double start = 0, last = 0;
    bool in_turn = false;
    for (const auto& f : s->frames) {
      if (!f.valid || f.speaking < 0) continue;
      ++m.frames_with_audio;
      m.frames_speaking += f.speaking == 1;
      m.frames_listening += in_state(f, SpeakingState::Listening);
      if (f.speaking == 1 && !in_turn) start = f.t_sec, in_turn = true;
      if (f.speaking == 1) last = f.t_sec;
      if (f.speaking == 0 && in_turn) turns.push_back(last - start + dt), in_turn = false;
    }
    if (in_turn) turns.push_back(last - start + dt);
    const double n = double(m.frames_with_audio);
    m.speaking_share = n > 0 ? m.frames_speaking / n : kNaN;
    m.listening_share = n > 0 ? m.frames_listening / n : kNaN;
    m.turn_count = static_cast<int64_t>(turns.size());
    m.turns_per_min = n > 0 && dt > 0 ? turns.size() / (n * dt / 60) : kNaN;
    m.turn_mean_sec = turns.empty() ? kNaN : [&] {
      double sum = 0;
      for (double t : turns) sum += t;
      return sum / double(turns.size());
    }();
    m.turn_max_sec = turns.empty() ? kNaN : *std::max_element(turns.begin(), turns.end());
    out.push_back(m);
  }
  return out;
}

}  // namespace psyface::measures

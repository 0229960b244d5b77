#include "stats/prediction_features.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "stats/median_split.hpp"

namespace psyface::stats {
namespace {

bool in_part(const MeasureRow& r, const std::string& part) {
  const bool whole = r.window_kind.empty() || r.window_kind == "whole" || r.window_kind == "session";
  return part == "whole" ? whole : r.window_kind == part;
}

}  // namespace

PredictionFeatures prediction_features(const std::vector<OutcomeRecord>& outcomes, const MeasureTable& t,
                                       const PredictionOptions& o) {
  PredictionFeatures f;
  f.measures = t.measures;
  f.notes = t.notes;
  std::map<std::string, size_t> index;
  for (size_t p = 0; p < outcomes.size(); ++p) index[outcomes[p].patient_id] = p;
  // patient -> session order key -> rows
  using Key = std::tuple<double, std::string, std::string>;
  std::vector<std::map<Key, std::vector<size_t>>> sessions(outcomes.size());
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    const auto it = index.find(r.patient_id);
    if (!in_part(r, o.part) || it == index.end()) continue;
    const double number = std::isfinite(r.session_number) ? r.session_number : HUGE_VAL;
    sessions[it->second][{number, r.date, r.session_id}].push_back(i);
  }
  std::vector<double> improvement;
  for (size_t p = 0; p < outcomes.size(); ++p) {
    const auto& rec = outcomes[p];
    f.patient_id.push_back(rec.patient_id);
    std::vector<double> sum(t.measures.size(), 0), cnt(t.measures.size(), 0);
    int used = 0;
    for (const auto& [key, rows] : sessions[p]) {
      if (used == o.first_sessions) break;
      ++used;
      for (size_t i : rows)
        for (size_t m = 0; m < t.measures.size(); ++m)
          if (std::isfinite(t.values[i][m])) sum[m] += t.values[i][m], cnt[m] += 1;
    }
    std::vector<double> mean(t.measures.size());
    for (size_t m = 0; m < mean.size(); ++m) mean[m] = cnt[m] > 0 ? sum[m] / cnt[m] : NAN;
    f.values.push_back(std::move(mean));
    f.sessions_used.push_back(used);
    improvement.push_back(used == 0 ? NAN : o.outcome.lower_is_better ? rec.pre - rec.post : rec.post - rec.pre);
    f.target.push_back(o.target == "dropout" ? rec.dropout : -1);
  }
  if (o.target == "improver") {
    const MedianSplit split = median_split(improvement);
    f.target = split.group;
    f.notes.push_back("target improver: improvement " + direction_text(o.outcome.lower_is_better) + " above the median " +
                      std::to_string(split.median) + " (ties at the median count as non-improvers), as in stats outcomes");
  }
  int no_sessions = 0, fewer = 0;
  for (int u : f.sessions_used) no_sessions += u == 0, fewer += u > 0 && u < o.first_sessions;
  if (no_sessions) f.notes.push_back(std::to_string(no_sessions) + " patients have no " + o.part + " session rows: left out");
  if (fewer) f.notes.push_back(std::to_string(fewer) + " patients have fewer than " + std::to_string(o.first_sessions) +
                               " sessions: their means use the sessions they have");
  for (size_t p = 0; p < f.target.size(); ++p)
    if (f.sessions_used[p] == 0) f.target[p] = -1;
  return f;
}

}  // namespace psyface::stats

#include "stats/stats_source.hpp"

#include <set>
#include <tuple>

#include "psyface/error.hpp"

namespace psyface::stats {

void check_eaf_session(const std::vector<std::filesystem::path>& files, const EafTierMap& tiers) {
  if (tiers.session_id.empty()) return;
  std::string eaf;
  int n = 0;
  for (const auto& f : files)
    if (f.extension() == ".eaf") eaf += (n++ ? ", " : "") + f.filename().string();
  if (n > 1)
    throw Error(ErrorCode::Usage, "--eaf-session " + tiers.session_id + " names the session of one .eaf file, but " +
                                      std::to_string(n) + " are given (" + eaf +
                                      "): give each file on its own with its --eaf-session, or leave the option out "
                                      "and name each file after its session (<session_id>.eaf)");
}

std::vector<HumanRating> CsvStatsSource::ratings() const {
  if (files_.ratings.empty()) throw Error(ErrorCode::Usage, "no ratings given (--ratings FILE, .csv or .eaf)");
  check_eaf_session(files_.ratings, files_.eaf_tiers);
  std::vector<HumanRating> all;
  std::set<std::tuple<std::string, double, double, std::string>> seen;
  for (const auto& f : files_.ratings) {
    auto part = f.extension() == ".eaf" ? read_ratings_eaf(f, files_.eaf_tiers) : read_ratings_csv(f);
    for (auto& r : part) {
      if (!seen.emplace(r.session_id, r.start_sec, r.end_sec, r.rater).second)
        throw Error(ErrorCode::Input, r.source + ": rater \"" + r.rater + "\" rated this segment of " + r.session_id +
                                          " in another file too");
      all.push_back(std::move(r));
    }
  }
  return all;
}

std::vector<OutcomeRecord> CsvStatsSource::outcomes() const {
  if (files_.outcomes.empty()) throw Error(ErrorCode::Usage, "no outcomes given (--outcomes FILE)");
  return read_outcomes_csv(files_.outcomes);
}

MeasureTable CsvStatsSource::segment_measures(const MeasureSelection& selection) const {
  if (files_.segments.empty()) throw Error(ErrorCode::Usage, "no segment measures given (--segments FILE)");
  return read_measure_table(files_.segments, selection);
}

MeasureTable CsvStatsSource::session_measures(const MeasureSelection& selection) const {
  if (files_.sessions.empty()) throw Error(ErrorCode::Usage, "no session measures given (--sessions FILE)");
  MeasureTable all;
  for (const auto& f : files_.sessions) append_measure_table(all, read_measure_table(f, selection));
  return all;
}

}  // namespace psyface::stats

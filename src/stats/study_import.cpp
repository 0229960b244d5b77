// Ratings and outcomes into the study database (see study_import.hpp). All SQL goes through the study
// layer's SQLite wrapper on a study::StudyDb (schema check, journal mode, busy timeout).
#include "stats/study_import.hpp"

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "psyface/error.hpp"
#include "stats/outcome_analysis.hpp"
#include "stats/study_database.hpp"
#include "study/batch_runner.hpp"
#include "study/study_db.hpp"

namespace psyface::stats {
namespace {

using study::Statement;
using RatingKey = std::tuple<std::string, double, double, std::string>;  // session, start, end, rater
using RatingValues = std::tuple<int64_t, int64_t, std::string>;          // mode, peak, primary emotion

std::string list_ids(const std::vector<std::string>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size() && i < 8; ++i) s += (i ? ", " : "") + ids[i];
  return ids.size() > 8 ? s + ", ..." : s;
}

// The stored ratings of `sessions`.
std::map<RatingKey, RatingValues> stored_ratings(study::SqliteDb& db, const std::set<std::string>& sessions) {
  std::map<RatingKey, RatingValues> out;
  Statement q(db, "SELECT session_id, start_sec, end_sec, rater, ceas_mode, ceas_peak, primary_emotion FROM ratings");
  while (q.step())
    if (sessions.count(q.text(0)))
      out[{q.text(0), q.real(1), q.real(2), q.text(3)}] = {q.integer(4), q.integer(5), q.text(6)};
  return out;
}

// Outcome values as compared between imports: pre, post, dropout and covariates (NaN equal to NaN).
struct OutcomeValues {
  double pre, post;
  int64_t dropout;  // -1 when not given
  std::string covariates_json;
  bool operator==(const OutcomeValues& o) const {
    auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    return same(pre, o.pre) && same(post, o.post) && dropout == o.dropout && covariates_json == o.covariates_json;
  }
};

std::map<std::string, OutcomeValues> stored_outcomes(study::SqliteDb& db) {
  std::map<std::string, OutcomeValues> out;
  Statement q(db, "SELECT patient_id, pre, post, dropout, covariates_json FROM outcomes");
  while (q.step()) out[q.text(0)] = {q.real(1), q.real(2), q.is_null(3) ? -1 : q.integer(3), q.text(4)};
  return out;
}

std::optional<bool> stored_direction(study::SqliteDb& db) {
  Statement q(db, "SELECT value FROM settings WHERE key = 'outcome_lower_is_better'");
  if (!q.step()) return std::nullopt;
  const bool lower = q.text(0) == "1";
  q.run();
  return lower;
}

// The direction to store, and what to tell the user about it.
void choose_direction(ImportSummary& sum, std::optional<bool> requested) {
  const auto before = sum.previous_lower_is_better;
  sum.lower_is_better = requested.value_or(before.value_or(false));
  const std::string now = direction_text(sum.lower_is_better);
  const std::string flag = sum.lower_is_better ? "--lower-is-better" : "--higher-is-better";
  const std::string other = sum.lower_is_better ? "--higher-is-better" : "--lower-is-better";
  if (!before && !requested)
    sum.direction_note = now + " (the default; " + other + " states the other direction)";
  else if (!before)
    sum.direction_note = now + " (set by " + flag + ")";
  else if (!requested)
    sum.direction_note = now + " (kept from the study; " + other + " changes it)";
  else if (*before != *requested)
    sum.direction_note = "changed from " + direction_text(*before) + " to " + now + " (by " + flag + ")";
  else
    sum.direction_note = now + " (as before)";
}

}  // namespace

ImportSummary import_ratings(const std::filesystem::path& study_dir, const std::vector<HumanRating>& ratings,
                             bool replace, const std::string& journal) {
  const auto file = study_database_file(study_dir);
  ImportSummary sum;
  {
    study::StudyDb db(file, false, journal);
    auto& raw = db.raw();
    std::set<std::string> known, named;
    for (Statement q(raw, "SELECT session_id FROM sessions"); q.step();) known.insert(q.text(0));
    for (const auto& r : ratings) {
      if (!known.count(r.session_id))
        throw Error(ErrorCode::Input, r.source + ": column session_id: session \"" + r.session_id +
                                          "\" is not in the study (psyface study status lists them); nothing imported");
      named.insert(r.session_id);
    }
    study::Transaction tx(raw);
    auto before = stored_ratings(raw, named);
    if (replace)
      for (const auto& id : named) Statement(raw, "DELETE FROM ratings WHERE session_id = ?1").bind(1, id).run();
    Statement ins(raw,
                  "INSERT OR REPLACE INTO ratings(session_id, start_sec, end_sec, rater, ceas_mode, ceas_peak, "
                  "primary_emotion, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (const auto& r : ratings) {
      const auto it = before.find({r.session_id, r.start_sec, r.end_sec, r.rater});
      if (it == before.end()) ++sum.added;
      else if (it->second == RatingValues{r.ceas_mode, r.ceas_peak, r.primary_emotion}) ++sum.unchanged;
      else ++sum.changed;
      if (it != before.end()) before.erase(it);
      ins.bind(1, r.session_id).bind(2, r.start_sec).bind(3, r.end_sec).bind(4, r.rater);
      ins.bind(5, r.ceas_mode).bind(6, r.ceas_peak);
      if (r.primary_emotion.empty()) ins.bind_null(7);
      else ins.bind(7, r.primary_emotion);
      ins.bind(8, r.source).run();
      ++sum.rows;
    }
    tx.commit();
    (replace ? sum.removed : sum.kept) = static_cast<int64_t>(before.size());
    if (!replace && !before.empty())
      sum.notes.push_back(std::to_string(before.size()) + " ratings of these sessions are not in the files and were "
                          "kept (--replace replaces the files' sessions as a whole)");
  }
  // measures for the rated segments (from the stored per-frame tables) when the study folder is complete
  if (std::filesystem::exists(study_dir / "sessions.csv")) sum.remeasured = study::refresh_measures(study_dir, journal);
  return sum;
}

ImportSummary import_outcomes(const std::filesystem::path& study_dir, const std::vector<OutcomeRecord>& outcomes,
                              const OutcomeImportOptions& options, const std::string& journal) {
  const auto file = study_database_file(study_dir);
  study::StudyDb db(file, false, journal);
  auto& raw = db.raw();
  std::set<std::string> patients;
  for (Statement q(raw, "SELECT DISTINCT patient_id FROM sessions"); q.step();) patients.insert(q.text(0));
  ImportSummary sum;
  std::vector<std::string> unknown, left;
  study::Transaction tx(raw);
  auto before = stored_outcomes(raw);
  sum.previous_lower_is_better = stored_direction(raw);
  choose_direction(sum, options.lower_is_better);
  if (options.replace) raw.exec("DELETE FROM outcomes");
  Statement ins(raw,
                "INSERT OR REPLACE INTO outcomes(patient_id, pre, post, dropout, covariates_json, source) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  for (const auto& o : outcomes) {
    const OutcomeValues values{o.pre, o.post, o.dropout, o.covariates.dump()};
    const auto it = before.find(o.patient_id);
    if (it == before.end()) ++sum.added;
    else if (it->second == values) ++sum.unchanged;
    else ++sum.changed;
    if (it != before.end()) before.erase(it);
    ins.bind(1, o.patient_id).bind(2, o.pre).bind(3, o.post);  // NaN binds NULL
    if (o.dropout < 0) ins.bind_null(4);
    else ins.bind(4, o.dropout);
    ins.bind(5, values.covariates_json).bind(6, o.source).run();
    ++sum.rows;
    if (!patients.count(o.patient_id)) unknown.push_back(o.patient_id);
  }
  Statement setting(raw, "INSERT OR REPLACE INTO settings(key, value) VALUES('outcome_lower_is_better', ?1)");
  setting.bind(1, std::string(sum.lower_is_better ? "1" : "0")).run();
  tx.commit();
  for (const auto& [id, v] : before) left.push_back(id);
  (options.replace ? sum.removed : sum.kept) = static_cast<int64_t>(left.size());
  if (!left.empty())
    sum.notes.push_back(std::to_string(left.size()) + " patients are not in the file: " +
                        (options.replace ? "removed from the study's outcomes (" : "kept (--replace removes them: ") +
                        list_ids(left) + ")");
  if (!unknown.empty())
    sum.notes.push_back(std::to_string(unknown.size()) + " patients have no sessions in the study yet: " + list_ids(unknown));
  return sum;
}

}  // namespace psyface::stats

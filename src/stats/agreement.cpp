#include "stats/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "psyface/error.hpp"
#include "stats/icc.hpp"
#include "stats/kappa.hpp"
#include "stats/rmcorr.hpp"
#include "stats/stat_rows.hpp"

namespace psyface::stats {
namespace {

const std::vector<std::string> kMachineClasses{"happy", "sad", "angry", "fearful", "disgusted", "surprised"};

struct RatedSegment {
  std::string session_id;
  double start_sec, end_sec;
  std::map<std::string, const HumanRating*> by_rater;
  long row = -1;  // matched measure row
};

std::vector<RatedSegment> group_ratings(const std::vector<HumanRating>& ratings) {
  std::map<std::tuple<std::string, long long, long long>, RatedSegment> segments;
  for (const auto& r : ratings) {
    auto& s = segments[{r.session_id, std::llround(r.start_sec * 1000), std::llround(r.end_sec * 1000)}];
    s.session_id = r.session_id, s.start_sec = r.start_sec, s.end_sec = r.end_sec;
    s.by_rater[r.rater] = &r;
  }
  std::vector<RatedSegment> out;
  for (auto& [k, s] : segments) out.push_back(std::move(s));
  return out;
}

// Closest measure row of the same session whose both ends lie within the tolerance.
void match_segments(std::vector<RatedSegment>& rated, const MeasureTable& t, double tolerance) {
  std::multimap<std::string, size_t> by_session;
  for (size_t i = 0; i < t.rows.size(); ++i) by_session.emplace(t.rows[i].session_id, i);
  for (auto& s : rated) {
    double best = tolerance + 1;
    const auto [lo, hi] = by_session.equal_range(s.session_id);
    for (auto it = lo; it != hi; ++it) {
      const auto& row = t.rows[it->second];
      const double d = std::max(std::fabs(row.start_sec - s.start_sec), std::fabs(row.end_sec - s.end_sec));
      if (d <= tolerance && d < best) best = d, s.row = static_cast<long>(it->second);
    }
  }
}

std::string list_some(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < 5; ++i) out += (i ? "; " : "") + items[i];
  if (items.size() > 5) out += "; ...";
  return out;
}

StatTable reliability_table(const std::vector<RatedSegment>& rated, const std::set<std::string>& raters,
                            std::vector<std::string>& notes) {
  StatTable t{"rater_reliability", "Inter-rater reliability of the human CEAS ratings",
              "ICC(2,1) (single rater) and ICC(2,k) (mean of the k raters), two-way random effects, absolute agreement "
              "(Shrout & Fleiss 1979; McGraw & Wong 1996 CIs), over the segments rated by every rater.", {}};
  for (const std::string target : {"ceas_mode", "ceas_peak"}) {
    std::vector<std::vector<double>> table;
    int64_t incomplete = 0;
    for (const auto& s : rated) {
      if (s.by_rater.size() != raters.size()) {
        ++incomplete;
        continue;
      }
      std::vector<double> row;
      for (const auto& [name, r] : s.by_rater) row.push_back(target == "ceas_mode" ? r->ceas_mode : r->ceas_peak);
      table.push_back(std::move(row));
    }
    if (incomplete > 0 && target == "ceas_mode")
      notes.push_back("reliability: " + std::to_string(incomplete) + " segments not rated by all " +
                      std::to_string(raters.size()) + " raters are left out of the ICC");
    const IccResult icc = icc_two_way_random(table);
    for (const bool average : {false, true}) {
      StatRow r;
      r.measure = "human raters", r.target = target, r.part = "segment";
      r.statistic = average ? "icc_2_k" : "icc_2_1";
      r.estimate = average ? icc.icc_average : icc.icc_single;
      r.ci_low = average ? icc.icc_average_low : icc.icc_single_low;
      r.ci_high = average ? icc.icc_average_high : icc.icc_single_high;
      r.test = "F", r.test_value = icc.f, r.df = icc.df1, r.p = icc.p, r.n = icc.n_targets;
      r.method = std::string(average ? "ICC(2,k)" : "ICC(2,1)") + " two-way random, absolute agreement, k = " +
                 std::to_string(icc.n_raters) + " raters; F test with df " + std::to_string(int(icc.df1)) + " and " +
                 std::to_string(int(icc.df2));
      r.note = icc.note;
      t.rows.push_back(r);
    }
  }
  return t;
}

StatTable kappa_table(const std::vector<RatedSegment>& rated, const MeasureTable& seg, const std::set<std::string>& raters,
                      const AgreementOptions& o, std::vector<std::string>& notes) {
  StatTable t{"kappa", "Machine dominant emotion against each rater's primary emotion",
              "Cohen's kappa (Fleiss, Cohen & Everitt 1969 SE) on six classes: the machine's dominant non-neutral "
              "emotion (largest " + o.emotion_prefix + "<class> of happy, sad, angry, fearful, disgusted, surprised) "
              "against the rater's primary emotion mapped joy->happy, sadness/hurt/grief->sad, anger->angry, "
              "fear->fearful, disgust->disgusted, surprise->surprised; contempt has no machine class and is left out.",
              {}};
  // each class's column: among the measures or, whatever --measures chose, among the auxiliary columns
  std::vector<std::pair<bool, size_t>> cols;  // (auxiliary, index)
  for (const auto& c : kMachineClasses) {
    const std::string name = o.emotion_prefix + c;
    if (const auto it = std::find(seg.measures.begin(), seg.measures.end(), name); it != seg.measures.end())
      cols.emplace_back(false, static_cast<size_t>(it - seg.measures.begin()));
    else if (const auto a = std::find(seg.auxiliary.begin(), seg.auxiliary.end(), name); a != seg.auxiliary.end())
      cols.emplace_back(true, static_cast<size_t>(a - seg.auxiliary.begin()));
  }
  const auto class_value = [&](size_t row, size_t k) {
    const auto [aux, c] = cols[k];
    return aux ? seg.auxiliary_values[row][c] : seg.values[row][c];
  };
  for (const auto& rater : raters) {
    StatRow r;
    r.measure = "dominant emotion", r.target = rater, r.part = "segment", r.statistic = "cohen_kappa";
    r.method = "Cohen's kappa, 6 classes, Fleiss-Cohen-Everitt SE, Wald CI, z test with the null SE";
    if (cols.size() != kMachineClasses.size()) {
      r.note = "the segment table has no " + o.emotion_prefix + "<class> columns for all six non-neutral classes";
      t.rows.push_back(r);
      continue;
    }
    std::vector<int> machine, human;
    int64_t contempt = 0, no_emotion = 0;
    for (const auto& s : rated) {
      const auto it = s.by_rater.find(rater);
      if (it == s.by_rater.end() || s.row < 0) continue;
      const std::string& e = it->second->primary_emotion;
      if (e.empty()) { ++no_emotion; continue; }
      const std::string mapped = rater_emotion_to_machine(e);
      if (mapped.empty()) { ++contempt; continue; }
      const auto row = static_cast<size_t>(s.row);
      int best = -1;
      for (size_t k = 0; k < cols.size(); ++k)
        if (std::isfinite(class_value(row, k)) && (best < 0 || class_value(row, k) > class_value(row, static_cast<size_t>(best))))
          best = static_cast<int>(k);
      if (best < 0) continue;
      machine.push_back(best);
      human.push_back(static_cast<int>(std::find(kMachineClasses.begin(), kMachineClasses.end(), mapped) - kMachineClasses.begin()));
    }
    const KappaResult k = cohen_kappa(machine, human, static_cast<int>(kMachineClasses.size()));
    r.estimate = k.kappa, r.ci_low = k.ci_low, r.ci_high = k.ci_high, r.se = k.se;
    r.test = "z", r.test_value = k.z, r.p = k.p, r.n = k.n;
    r.note = k.note;
    if (contempt + no_emotion > 0)
      r.note += std::string(r.note.empty() ? "" : "; ") + std::to_string(contempt) + " contempt and " +
                std::to_string(no_emotion) + " segments without primary emotion left out";
    t.rows.push_back(r);
  }
  (void)notes;
  return t;
}

}  // namespace

std::vector<std::string> kappa_columns(const AgreementOptions& o) {
  std::vector<std::string> out;
  for (const auto& c : kMachineClasses) out.push_back(o.emotion_prefix + c);
  return out;
}

std::string rater_emotion_to_machine(const std::string& e) {
  static const std::map<std::string, std::string> kMap{{"joy", "happy"},     {"sadness", "sad"},       {"hurt", "sad"},
                                                       {"grief", "sad"},     {"anger", "angry"},       {"fear", "fearful"},
                                                       {"disgust", "disgusted"}, {"surprise", "surprised"}};
  const auto it = kMap.find(e);
  return it == kMap.end() ? std::string{} : it->second;
}

StatsReport run_agreement(const std::vector<HumanRating>& ratings, const MeasureTable& seg,
                          const AgreementOptions& o) {
  if (!seg.has_times)
    throw Error(ErrorCode::Input, seg.source + ": the segment table needs start_sec and end_sec to match rated segments");
  StatsReport rep;
  rep.command = "agreement";
  rep.notes = seg.notes;
  auto rated = group_ratings(ratings);
  match_segments(rated, seg, o.time_tolerance_sec);
  std::set<std::string> raters;
  for (const auto& r : ratings) raters.insert(r.rater);
  std::vector<std::string> unmatched;
  for (const auto& s : rated)
    if (s.row < 0) unmatched.push_back(s.session_id + " " + std::to_string(s.start_sec) + "-" + std::to_string(s.end_sec) + " s");
  if (!unmatched.empty())
    rep.notes.push_back(std::to_string(unmatched.size()) + " of " + std::to_string(rated.size()) +
                        " rated segments have no measure row within " + std::to_string(o.time_tolerance_sec) +
                        " s: left out of the agreement (" + list_some(unmatched) + ")");
  std::set<long> used_rows;
  for (const auto& s : rated)
    if (s.row >= 0) used_rows.insert(s.row);
  if (used_rows.size() < seg.rows.size())
    rep.notes.push_back(std::to_string(seg.rows.size() - used_rows.size()) + " of " + std::to_string(seg.rows.size()) +
                        " segment rows have no rating: not used");
  if (!seg.has_patient_id)
    rep.notes.push_back("the segment table has no patient_id: sessions stand in for patients in rmcorr and the mixed model");
  // matched segments: patient index, human means, measure values
  std::map<std::string, int> patient_index;
  std::vector<int> patient;
  std::vector<double> mode, peak;
  std::vector<size_t> rows;
  for (const auto& s : rated) {
    if (s.row < 0) continue;
    const auto& row = seg.rows[static_cast<size_t>(s.row)];
    const std::string pid = seg.has_patient_id && !row.patient_id.empty() ? row.patient_id : row.session_id;
    patient.push_back(patient_index.emplace(pid, static_cast<int>(patient_index.size())).first->second);
    double m = 0, p = 0;
    for (const auto& [name, r] : s.by_rater) m += r->ceas_mode, p += r->ceas_peak;
    mode.push_back(m / static_cast<double>(s.by_rater.size()));
    peak.push_back(p / static_cast<double>(s.by_rater.size()));
    rows.push_back(static_cast<size_t>(s.row));
  }
  StatTable corr{"agreement_correlations", "Agreement of psyface measures with the human CEAS score",
                 "Per rated segment: the psyface measure against the mean over raters of CEAS Mode (ceas_mode) and Peak "
                 "(ceas_peak). Holm and BH adjust across the measures of one statistic and target.", {}};
  StatTable lmm{"agreement_mixed_models", "Mixed models: human score ~ measure + (1 | patient)",
                "REML fit; lmm_slope is the change of the human score per unit of the measure; var_patient and "
                "var_residual are the variance components; a singular fit is flagged in the note.", {}};
  for (size_t m = 0; m < seg.measures.size(); ++m) {
    std::vector<double> x;
    for (size_t r : rows) x.push_back(seg.values[r][m]);
    for (const auto* target : {&mode, &peak}) {
      const RowKey key{seg.measures[m], target == &mode ? "ceas_mode" : "ceas_peak", "segment"};
      corr.rows.push_back(correlation_row(key, "pearson", pearson(x, *target)));
      corr.rows.push_back(correlation_row(key, "spearman", spearman(x, *target)));
      corr.rows.push_back(correlation_row(key, "rmcorr", rmcorr(x, *target, patient)));
      for (auto& r : mixed_model_rows(key, fit_random_intercept(design_with_intercept(x), *target, patient), 1, "lmm_slope",
                                      key.target + " ~ " + key.measure + " + (1 | patient)"))
        lmm.rows.push_back(std::move(r));
    }
  }
  rep.tables = {std::move(corr), std::move(lmm), reliability_table(rated, raters, rep.notes),
                kappa_table(rated, seg, raters, o, rep.notes)};
  for (auto& t : rep.tables) adjust_p_values(t), ensure_notes(t);
  rep.inputs = {{"segments_table", seg.source}, {"measures", seg.measures}, {"ratings", ratings.size()},
                {"raters", raters}, {"rated_segments", rated.size()}, {"matched_segments", rows.size()},
                {"patients", patient_index.size()}};
  rep.options = {{"time_tolerance_sec", o.time_tolerance_sec}, {"emotion_prefix", o.emotion_prefix}};
  return rep;
}

}  // namespace psyface::stats

#include "stats/prediction_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "stats/distributions.hpp"
#include "stats/nested_lopo.hpp"
#include "stats/ridge_logistic.hpp"
#include "stats/roc_auc.hpp"
#include "util/atomic_file.hpp"

namespace psyface::stats {
namespace {

const char* kHonesty =
    "A research estimate from a small sample, not a clinical screening tool: the intervals are wide and a "
    "new sample may give a different figure.";

StatRow auc_row(const std::string& measure, const std::string& target, const std::string& part, const AucResult& a) {
  StatRow r;
  r.measure = measure, r.target = target, r.part = part, r.statistic = "auc";
  r.estimate = a.auc, r.ci_low = a.ci_low, r.ci_high = a.ci_high, r.se = a.se;
  r.test = "z", r.test_value = a.z, r.p = a.p;
  r.n = a.n_target + a.n_other, r.n_group1 = a.n_target, r.n_group2 = a.n_other;
  r.method = "AUC = P(target > other), ties 1/2, not flipped; DeLong 95% CI clipped to [0,1] (pROC ci.auc delong); "
             "z = (AUC - 0.5) / SE";
  r.note = a.note;
  return r;
}

// Unpenalised logistic fit of y on [1, lp] (slope) or [1] with offset lp (intercept); estimate and Wald CI.
StatRow calibration_row(const StatRow& key, const std::vector<double>& y, const std::vector<double>& lp, bool slope) {
  StatRow r = key;
  r.statistic = slope ? "calibration_slope" : "calibration_intercept";
  RidgeWorkspace ws(static_cast<int>(y.size()), slope ? 2 : 1);
  ws.penalised.setZero();
  for (size_t i = 0; i < y.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    ws.y[k] = y[i];
    if (slope) ws.z(k, 1) = lp[i];
    else ws.offset[k] = lp[i];
  }
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(slope ? 2 : 1);
  const bool ok = fit_penalised_logistic(ws, 0.0, theta);
  const Eigen::Index c = slope ? 1 : 0;
  r.method = slope ? "glm(target ~ logit(risk)): slope (1 = ideal), Wald 95% CI"
                   : "glm(target ~ 1, offset = logit(risk)): calibration-in-the-large (0 = ideal), Wald 95% CI";
  if (!ok || std::abs(theta[c]) > 50) {
    r.note = "the calibration fit did not converge (separation): no estimate";
    return r;
  }
  const double se = std::sqrt(logistic_covariance(ws, theta)(c, c));
  r.estimate = theta[c], r.se = se, r.ci_low = theta[c] - 1.959963984540054 * se, r.ci_high = theta[c] + 1.959963984540054 * se;
  r.test = "z", r.test_value = (theta[c] - (slope ? 1 : 0)) / se, r.p = normal_two_sided_p(r.test_value);
  return r;
}

// The per-measure AUC row over the patients with a target and a value of measure m.
StatRow measure_auc_row(const PredictionFeatures& f, const PredictionOptions& o, size_t m) {
  std::vector<double> t1, t0;
  bool constant = true;
  double first = NAN;
  for (size_t p = 0; p < f.patient_id.size(); ++p) {
    const double v = f.values[p][m];
    if (f.target[p] < 0 || !std::isfinite(v)) continue;
    (f.target[p] == 1 ? t1 : t0).push_back(v);
    if (std::isnan(first)) first = v;
    constant = constant && v == first;
  }
  auto row = auc_row(f.measures[m], o.target, o.part, auc_delong(t1, t0));
  if (constant && !std::isnan(first))
    row.note += std::string(row.note.empty() ? "" : "; ") + "the measure is constant: AUC 0.5 carries no information";
  return row;
}

// The nested model on the complete cases `used` and the varying `measures`: fills cv and brier, the
// per-patient risks into rep.patients; returns the logits of the LOPO risks (for the calibration rows).
std::vector<double> fit_model(const PredictionFeatures& f, const PredictionOptions& o, const std::vector<size_t>& used,
                              const std::vector<size_t>& measures, const std::vector<double>& y, int m0, int m1,
                              StatRow& cv, StatRow& brier, StatsReport& rep) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(used.size()), static_cast<Eigen::Index>(measures.size()));
  for (size_t i = 0; i < used.size(); ++i)
    for (size_t k = 0; k < measures.size(); ++k) x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = f.values[used[i]][measures[k]];
  NestedLopo lopo(x);
  LopoPredictions pred;
  PairComparisons pairs;
  lopo.run(y, pred);
  lopo.run_pairs(y, pairs);
  const auto a = auc_delong_from_psi(pairs.psi, static_cast<size_t>(m0));
  const auto perm = permutation_test(lopo, y, pairs.auc, o.permutations, o.seed);
  cv.estimate = a.auc, cv.ci_low = a.ci_low, cv.ci_high = a.ci_high, cv.se = a.se, cv.p = perm.p;
  cv.note = a.note;
  if (pred.not_converged + pairs.not_converged > 0)
    cv.note += std::string(cv.note.empty() ? "" : "; ") + std::to_string(pred.not_converged + pairs.not_converged) +
               " penalised fits did not converge";
  double b = 0;
  std::vector<double> lp;
  for (size_t i = 0; i < y.size(); ++i) {
    b += (pred.risk[i] - y[i]) * (pred.risk[i] - y[i]) / static_cast<double>(y.size());
    const double r = std::clamp(pred.risk[i], 1e-12, 1 - 1e-12);
    lp.push_back(std::log(r / (1 - r)));
    rep.patients.push_back({{"patient_id", f.patient_id[used[i]]}, {"target", static_cast<int>(y[i])},
                            {"risk", pred.risk[i]}, {"lambda", pred.lambda[i]}});
  }
  brier.estimate = b;
  brier.note = "prevalence-only reference: " + std::to_string(static_cast<double>(m1) / y.size() * (1 - static_cast<double>(m1) / y.size()));
  return lp;
}

}  // namespace

StatsReport run_prediction(const PredictionFeatures& f, const PredictionOptions& o) {
  StatsReport rep;
  rep.command = "predict";
  rep.notes = f.notes;
  StatTable tab{"prediction", "Early prediction of " + o.target + " from the first " + std::to_string(o.first_sessions) + " sessions",
                std::string(kHonesty) + " Features: patient means over the first " + std::to_string(o.first_sessions) +
                    " sessions (" + o.part + "). Group 1 = " + o.target + " patients (target), group 2 = the others.", {}};
  const size_t np = f.patient_id.size(), nm = f.measures.size();
  int targets = 0, others = 0;
  for (int t : f.target) targets += t == 1, others += t == 0;
  for (size_t m = 0; m < nm; ++m) tab.rows.push_back(measure_auc_row(f, o, m));
  // the model: complete cases only, constant measures left out
  std::vector<size_t> used, measures;
  for (size_t p = 0; p < np; ++p) {
    bool complete = f.target[p] >= 0;
    for (size_t m = 0; m < nm && complete; ++m) complete = std::isfinite(f.values[p][m]);
    if (complete) used.push_back(p);
  }
  int incomplete = 0;
  for (size_t p = 0; p < np; ++p) incomplete += f.target[p] >= 0 && f.sessions_used[p] > 0 &&
                                                std::find(used.begin(), used.end(), p) == used.end();
  if (incomplete) rep.notes.push_back(std::to_string(incomplete) + " patients miss a measure: left out of the model (kept in the per-measure AUCs that they have)");
  for (size_t m = 0; m < nm; ++m) {
    bool varies = false;
    for (size_t p : used) varies = varies || f.values[p][m] != f.values[used[0]][m];
    if (varies) measures.push_back(m);
    else if (!used.empty()) rep.notes.push_back("measure " + f.measures[m] + " is constant over the model's patients: left out of the model");
  }
  std::string model = "model(";
  for (size_t k = 0; k < measures.size(); ++k) model += (k ? "+" : "") + f.measures[measures[k]];
  model += ")";
  StatRow key;
  key.measure = model, key.target = o.target, key.part = o.part, key.statistic = "cv_auc";
  std::vector<double> y;
  for (size_t p : used) y.push_back(f.target[p]);
  int m1 = 0, m0 = 0;
  for (double v : y) m1 += v == 1, m0 += v == 0;
  key.n = static_cast<int64_t>(y.size()), key.n_group1 = m1, key.n_group2 = m0;
  StatRow cv = key, brier = key;
  brier.statistic = "brier";
  cv.method = "ridge logistic (glmnet alpha 0 scale), standardised and penalty chosen inside each training fold; "
              "leave-pair-out AUC with DeLong 95% CI on the pair comparisons; p: " + std::to_string(o.permutations) +
              " permutations of the whole nested procedure, (b+1)/(m+1) (Phipson & Smyth 2010)";
  brier.method = "mean (leave-one-patient-out risk - target)^2";
  std::vector<StatRow> calib;
  if (m1 < 3 || m0 < 3 || measures.empty()) {
    const std::string why = measures.empty() ? "no measure varies" :
        "fewer than 3 patients in a class (" + std::to_string(m1) + " " + o.target + ", " + std::to_string(m0) + " others)";
    cv.note = brier.note = "no model: " + why;
    rep.notes.push_back("no prediction model: " + why);
  } else {
    const auto lp = fit_model(f, o, used, measures, y, m0, m1, cv, brier, rep);
    calib = {calibration_row(key, y, lp, false), calibration_row(key, y, lp, true)};
  }
  tab.rows.push_back(cv);
  tab.rows.push_back(brier);
  for (auto& r : calib) tab.rows.push_back(std::move(r));
  if (std::min(targets, others) < 10)
    rep.notes.push_back("fewer than 10 patients in the smaller class (" + std::to_string(std::min(targets, others)) +
                        "): too few events for a stable model; read every figure as exploratory");
  if (targets == 0 || others == 0) rep.notes.push_back(std::string("one class is empty (") + (targets == 0 ? o.target : "others") + "): no AUC");
  rep.notes.insert(rep.notes.begin(), kHonesty);
  adjust_p_values(tab);
  ensure_notes(tab);
  rep.tables = {std::move(tab)};
  rep.inputs = {{"patients", np}, {"targets", targets}, {"others", others}, {"model_patients", y.size()},
                {"measures", f.measures}};
  rep.options = {{"target", o.target}, {"first_sessions", o.first_sessions}, {"part", o.part},
                 {"permutations", o.permutations}, {"seed", o.seed}, {"penalty_grid", penalty_grid()},
                 {"direction", direction_text(o.outcome.lower_is_better)}};
  return rep;
}

void write_prediction_risks_csv(const std::filesystem::path& dir, const StatsReport& report) {
  std::ostringstream out;
  out.precision(17);
  out << "patient_id,target,risk,lambda\n";
  for (const auto& p : report.patients)
    out << p["patient_id"].get<std::string>() << "," << p["target"].get<int>() << "," << p["risk"].get<double>() << ","
        << p["lambda"].get<double>() << "\n";
  util::write_file_atomic(dir / "prediction_risks.csv", out.str());
}

}  // namespace psyface::stats

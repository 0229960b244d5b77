#include "stats/stat_rows.hpp"

#include <cmath>

// One-letter test names are assigned as std::string("t"): GCC 12 at -O3 reports a false -Wrestrict for
// assigning a short literal to a std::string member here.
namespace psyface::stats {
namespace {
StatRow base(const RowKey& key, const std::string& statistic) {
  StatRow r;
  r.measure = key.measure, r.target = key.target, r.part = key.part, r.statistic = statistic;
  return r;
}
}  // namespace

StatRow correlation_row(const RowKey& key, const std::string& kind, const CorrelationResult& c) {
  StatRow r = base(key, kind == "pearson" ? "pearson_r" : kind == "spearman" ? "spearman_rho" : "rmcorr_r");
  r.estimate = c.r, r.ci_low = c.ci_low, r.ci_high = c.ci_high;
  r.test = std::string("t"), r.test_value = c.t, r.df = c.df, r.p = c.p, r.n = c.n;
  if (kind == "pearson") {
    r.method = "Pearson r, t test (n-2 df), Fisher-z CI";
  } else if (kind == "spearman") {
    r.method = "Spearman rho on mid-ranks, t approximation (n-2 df), Fisher-z CI with se sqrt(1.06/(n-3))";
  } else {
    r.groups = c.groups;
    r.method = "repeated-measures correlation (Bakdash & Marusich 2017), df = N-k-1, Fisher-z CI";
  }
  r.note = c.note;
  return r;
}

std::vector<StatRow> mixed_model_rows(const RowKey& key, const MixedModelFit& fit, size_t coefficient,
                                      const std::string& statistic, const std::string& formula) {
  const std::string method = "LMM " + formula + ", REML (lme4 formulation)";
  StatRow b = base(key, statistic);
  b.n = fit.n_obs, b.groups = fit.n_groups, b.method = method + ", Wald z CI and p", b.note = fit.note;
  StatRow vg = base(key, "var_patient"), ve = base(key, "var_residual");
  for (StatRow* v : {&vg, &ve}) {
    v->n = fit.n_obs, v->groups = fit.n_groups, v->method = method + ", variance component";
    v->note = fit.ok() ? "variance component: point estimate only (no CI or test)" : fit.note;
  }
  if (fit.ok()) {
    b.estimate = fit.beta[coefficient], b.se = fit.se[coefficient], b.ci_low = fit.ci_low[coefficient];
    b.ci_high = fit.ci_high[coefficient], b.test = std::string("z"), b.test_value = fit.z[coefficient];
    b.p = fit.p[coefficient];
    vg.estimate = fit.var_group, ve.estimate = fit.var_residual;
    if (fit.singular) vg.note = fit.note;
  }
  return {b, vg, ve};
}

std::vector<StatRow> group_comparison_rows(const RowKey& key, const std::vector<double>& group1,
                                           const std::vector<double>& group2, const std::string& groups_text,
                                           bool with_mann_whitney) {
  std::vector<StatRow> rows;
  const WelchResult w = welch_t(group1, group2);
  StatRow diff = base(key, "mean_difference");
  diff.estimate = w.difference, diff.ci_low = w.ci_low, diff.ci_high = w.ci_high;
  diff.test = std::string("t"), diff.test_value = w.t, diff.df = w.df, diff.p = w.p;
  diff.n = w.n1 + w.n2, diff.n_group1 = w.n1, diff.n_group2 = w.n2;
  diff.method = "Welch's t test, " + groups_text;
  diff.note = w.note;
  rows.push_back(diff);
  const EffectSize e = cohens_d(group1, group2);
  for (const bool hedges : {false, true}) {
    StatRow r = base(key, hedges ? "hedges_g" : "cohen_d");
    r.estimate = hedges ? e.g : e.d, r.ci_low = hedges ? e.g_low : e.d_low, r.ci_high = hedges ? e.g_high : e.d_high;
    r.test = std::string("t"), r.test_value = diff.test_value, r.df = diff.df, r.p = diff.p;  // Welch's test of the difference
    r.n = e.n1 + e.n2, r.n_group1 = e.n1, r.n_group2 = e.n2;
    r.method = std::string(hedges ? "Hedges' g (exact J)" : "Cohen's d (pooled SD)") +
               ", noncentral-t CI; p from Welch's t; " + groups_text;
    r.note = e.note;
    rows.push_back(r);
  }
  if (with_mann_whitney) {
    const MannWhitneyResult m = mann_whitney(group1, group2);
    StatRow r = base(key, "rank_biserial_r");
    r.estimate = m.rank_biserial, r.ci_low = m.rb_low, r.ci_high = m.rb_high;
    r.test = std::string("U"), r.test_value = m.u, r.p = m.p;
    r.n = m.n1 + m.n2, r.n_group1 = m.n1, r.n_group2 = m.n2;
    r.method = "Mann-Whitney U (normal approx., tie and continuity corrected); rank-biserial r = 2U/(n1 n2) - 1, "
               "positive = group 1 higher; " + groups_text;
    r.note = m.note;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace psyface::stats

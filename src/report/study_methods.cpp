// The study report's methods and provenance section (study_sections.hpp): a paragraph to paste into a
// methods section, its references, and the raw provenance as JSON.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "psyface/version.hpp"
#include "report/html_text.hpp"
#include "report/report_format.hpp"
#include "report/study_sections.hpp"
#include "study/manifest.hpp"

namespace psyface::report {
namespace {

const char* kReferences[][2] = {
    {"Bakdash", "Bakdash, J. Z., & Marusich, L. R. (2017). Repeated measures correlation. Frontiers in Psychology, 8, 456."},
    {"Bates", "Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. Journal of Statistical Software, 67(1)."},
    {"Benjamini", "Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. Journal of the Royal Statistical Society B, 57, 289–300."},
    {"Cohen1960", "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological Measurement, 20, 37–46."},
    {"Cohen1988", "Cohen, J. (1988). Statistical power analysis for the behavioral sciences (2nd ed.)."},
    {"Fisher", "Fisher, R. A. (1921). On the probable error of a coefficient of correlation deduced from a small sample. Metron, 1, 3–32."},
    {"Hedges", "Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size. Journal of Educational Statistics, 6, 107–128."},
    {"Holm", "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics, 6, 65–70."},
    {"Kerby", "Kerby, D. S. (2014). The simple difference formula. Comprehensive Psychology, 3."},
    {"Mann", "Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two random variables is stochastically larger than the other. Annals of Mathematical Statistics, 18, 50–60."},
    {"McGraw", "McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation coefficients. Psychological Methods, 1, 30–46."},
    {"Shrout", "Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater reliability. Psychological Bulletin, 86, 420–428."},
    {"Spearman", "Spearman, C. (1904). The proof and measurement of association between two things. American Journal of Psychology, 15, 72–101."},
    {"Steiger", "Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and the evaluation of statistical models. In What if there were no significance tests?"},
    {"Welch", "Welch, B. L. (1947). The generalization of \"Student's\" problem when several different population variances are involved. Biometrika, 34, 28–35."},
};

std::string join(const std::vector<std::string>& items, const std::string& last = " and ") {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i == 0 ? "" : i + 1 == items.size() ? last : ", ") + items[i];
  return s;
}

// Numbers with more digits than a reader needs ("0.050000000000000003", as options are stored so that
// their hash is exact) to 6 significant digits; everything else unchanged. Tokens end at ' ', ';' and '='.
std::string readable_numbers(const std::string& text) {
  std::string out, token;
  auto flush = [&] {
    double v = 0;
    const auto r = std::from_chars(token.data(), token.data() + token.size(), v);
    if (!token.empty() && r.ec == std::errc{} && r.ptr == token.data() + token.size() && token.size() > 8) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", v);
      token = buf;
    }
    out += token;
    token.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == ';' || c == '=') flush(), out += c;
    else token += c;
  }
  flush();
  return out;
}

std::string models_text(const StudyFacts& f) {
  std::vector<std::string> items;
  for (const auto& m : f.models)
    items.push_back(m.name + " (SHA-256 " + m.sha256.substr(0, 12) + "…" +
                    (m.licence.empty() ? ", licence not found in the models folder" : ", " + m.licence + " licence") +
                    (m.source.empty() ? "" : ", from " + m.source) + ")");
  return items.empty() ? "models not recorded" : join(items);
}

std::string analysis_options_text(const StudyFacts& f) {
  std::set<std::string> distinct;
  for (const auto& o : f.options) distinct.insert(o.options);
  if (distinct.empty()) return "no analysis options recorded";
  if (distinct.size() == 1) return "the analysis options " + readable_numbers(*distinct.begin());
  return std::to_string(distinct.size()) + " different sets of analysis options (" + f.options_warning + ")";
}

std::string sessions_text(const StudyFacts& f) {
  double hours = 0;
  int64_t analysed = 0, valid = 0;
  for (const auto& s : f.sessions)
    if (s.status == "done" && std::isfinite(s.duration_sec)) hours += s.duration_sec / 3600;
  for (const auto& r : f.roles) {
    if (std::isfinite(r.value("frames_analysed"))) analysed += std::llround(r.value("frames_analysed"));
    if (std::isfinite(r.value("frames_valid"))) valid += std::llround(r.value("frames_valid"));
  }
  std::vector<std::string> failed;
  for (const auto& s : f.sessions)
    if (s.status == "failed") failed.push_back(s.session_id);
  std::string t = "Of " + std::to_string(f.sessions.size()) + " sessions, " + std::to_string(f.count("done")) +
                  " were analysed (" + shown_number(hours) + " h of video); " + std::to_string(f.count("failed")) +
                  " failed" + (failed.empty() ? "" : " (" + join(failed) + "; reasons in the study overview)") + " and " +
                  std::to_string(f.count("pending") + f.count("running")) + " were not analysed and are left out. " +
                  "Over patient and therapist rows, " + std::to_string(analysed) + " frames were analysed, " +
                  std::to_string(analysed - valid) + " of them without a valid face, which the measures leave out.";
  return t;
}

std::string paragraph(const StudyFacts& f, const StudyStatistics& st, std::set<std::string>& cited) {
  const auto& mo = f.config.measures;
  std::set<std::string> versions;
  for (const auto& r : f.runs) versions.insert(r.psyface_version);
  std::vector<std::string> v(versions.begin(), versions.end());
  std::set<int> revisions;
  for (const auto& o : f.options) revisions.insert(o.measurement_revision);
  std::vector<std::string> rv;
  for (int r : revisions) rv.push_back(std::to_string(r));
  if (rv.empty()) rv.push_back(std::to_string(kMeasurementRevision));
  std::string p = "Facial expressions were measured offline with psyface " +
                  (v.empty() ? std::string(kVersion) : join(v)) + " (measurement revision" +
                  (rv.size() > 1 ? "s " : " ") + join(rv) + ")" +
                  ": faces were detected and tracked in each frame, assigned to patient and therapist, and the "
                  "probabilities of seven displayed emotion categories (neutral, happy, sad, angry, fearful, disgusted, "
                  "surprised) and a smile intensity were estimated with these models: " + models_text(f) + ". Videos were analysed with " +
                  analysis_options_text(f) + ". " + sessions_text(f) +
                  " Measures were computed per session and role (smile threshold " + plain_number(mo.smile_threshold) +
                  ", first " + plain_number(mo.first_min) + " minutes against the rest, windows of " +
                  plain_number(mo.window_min) + " min, smile synchrony at " + plain_number(mo.synchrony_rate_hz) +
                  " Hz with " + std::to_string(mo.synchrony_surrogates) + " surrogates; all options: " +
                  readable_numbers(study::measure_options_text(f.config)) + "). The pre-declared primary measures were " +
                  join(st.primary.measures) + " of the " + st.primary.role + "; source: " + st.primary.source + ".";
  if (st.agreement) {
    p += " Agreement with the Client Emotional Arousal Scale ratings (CEAS Mode and Peak, mean over " +
         std::to_string(f.raters) + " raters) of " + std::to_string(f.rated_segments) +
         " segments was assessed with Pearson correlations (CI by Fisher's z; Fisher, 1921), Spearman correlations "
         "(Spearman, 1904), repeated-measures correlations (Bakdash & Marusich, 2017) and linear mixed models with a "
         "random intercept per patient fitted by REML (Bates et al., 2015); the raters' reliability with ICC(2,1) and "
         "ICC(2,k) (Shrout & Fleiss, 1979; McGraw & Wong, 1996) and the agreement of the dominant emotion with each "
         "rater's primary emotion with Cohen's kappa (Cohen, 1960).";
    cited.insert({"Fisher", "Spearman", "Bakdash", "Bates", "Shrout", "McGraw", "Cohen1960"});
  }
  if (st.outcomes) {
    p += " Improvement was " + st.outcomes->options.value("improvement", std::string()) + " (" +
         st.outcomes->options.value("direction", std::string()) +
         "). Patient means of the measures were correlated with improvement (Pearson, Spearman); improvers (above the "
         "median improvement) were compared with non-improvers, and dropouts with completers, by Welch's t test "
         "(Welch, 1947) and Cohen's d and Hedges' g with noncentral-t confidence intervals (Cohen, 1988; Hedges, 1981; "
         "Steiger & Fouladi, 1997), dropouts also by the Mann–Whitney U test with the rank-biserial correlation (Mann & "
         "Whitney, 1947; Kerby, 2014); session-level measures by mixed models with a random intercept per patient.";
    cited.insert({"Fisher", "Spearman", "Welch", "Cohen1988", "Hedges", "Steiger", "Mann", "Kerby", "Bates"});
  }
  if (st.agreement || st.outcomes) {
    p += " p-values were adjusted across the " + std::to_string(st.primary.measures.size()) +
         " primary measures with Holm's procedure (Holm, 1979) and the Benjamini–Hochberg procedure (Benjamini & "
         "Hochberg, 1995). All confidence intervals are 95 %, all tests two-sided.";
    cited.insert({"Holm", "Benjamini"});
  }
  return p;
}

nlohmann::ordered_json provenance(const StudyFacts& f, const StudyStatistics& st) {
  nlohmann::ordered_json j;
  j["report_psyface_version"] = kVersion;
  j["study"] = f.dir.string();
  j["sessions"] = {{"listed", f.sessions.size()}, {"done", f.count("done")}, {"failed", f.count("failed")},
                   {"pending", f.count("pending")}, {"running", f.count("running")}};
  j["measure_options"] = study::measure_options_text(f.config);
  j["primary_measures"] = {{"measures", st.primary.measures}, {"role", st.primary.role}, {"source", st.primary.source}};
  auto models = nlohmann::ordered_json::array();
  for (const auto& m : f.models)
    models.push_back({{"name", m.name}, {"sha256", m.sha256}, {"sessions", m.sessions}, {"licence", m.licence},
                      {"source", m.source}, {"manifest_matches", m.manifest_matches}});
  j["models"] = models;
  j["options_warning"] = f.options_warning;
  auto runs = nlohmann::ordered_json::array();
  for (const auto& r : f.runs)
    runs.push_back({{"session_id", r.session_id}, {"psyface_version", r.psyface_version},
                    {"options_hash", r.options_hash}, {"models", r.model_checksums}, {"started", r.started_at},
                    {"finished", r.finished_at}});
  j["runs"] = runs;
  auto options = nlohmann::ordered_json::array();
  for (const auto& o : f.options)
    options.push_back({{"session_id", o.session_id}, {"options", o.options}, {"models", o.models},
                       {"measurement_revision", o.measurement_revision}});
  j["analysis_options"] = options;
  auto files = nlohmann::ordered_json::array();
  for (const auto& p : st.files) files.push_back(p.string());
  j["statistics_json"] = files;
  return j;
}

}  // namespace

std::string methods_section(const StudyFacts& f, const StudyStatistics& st) {
  std::set<std::string> cited;
  const std::string text = paragraph(f, st, cited);
  std::string body = "<p>For a methods section (select and copy):</p><blockquote class=\"methods\" id=\"methods-text\">" +
                     html_escape(text) + "</blockquote>";
  if (!cited.empty()) {
    body += "<h3>References</h3><ul class=\"references\">";
    for (const auto& r : kReferences)
      if (cited.count(r[0])) body += "<li>" + html_escape(r[1]) + "</li>";
    body += "</ul>";
  }
  if (f.models.empty()) body += "<p class=\"missing\">No model checksums recorded: no session is analysed yet.</p>";
  body += "<details class=\"provenance\"><summary>Raw provenance (JSON)</summary><pre id=\"provenance\">" +
          html_escape(provenance(f, st).dump(2)) + "</pre></details>";
  return section_html("methods", "Methods and provenance", body);
}

}  // namespace psyface::report

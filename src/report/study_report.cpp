// The study report page (study_report.hpp): the sections in order, inside one page with its styles.
#include "report/study_report.hpp"

#include <ctime>

#include "psyface/version.hpp"
#include "report/html_text.hpp"
#include "report/study_facts.hpp"
#include "report/study_sections.hpp"
#include "report/study_statistics.hpp"
#include "stats/study_database.hpp"
#include "util/atomic_file.hpp"

namespace psyface::report {
namespace fs = std::filesystem;
namespace {

// System fonts only (no font file to load); colours readable in print.
const char* kStyle = R"(
:root{--ink:#1d2733;--muted:#5b6672;--line:#d9dee4;--accent:#c0392b;--plain:#3b6ea8;--bg:#fbfcfd}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:18px 28px 10px;border-bottom:1px solid var(--line);background:#fff}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:var(--muted)}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:6px 28px;font-size:13px}
nav a{margin-right:14px;color:var(--plain);text-decoration:none}
main{padding:4px 28px 40px;max-width:1280px}
section{margin:22px 0;padding-bottom:8px;border-bottom:1px solid var(--line)}
h2{font-size:18px;margin:8px 0}
h3{font-size:15px;margin:16px 0 6px}
p.missing{color:var(--muted);font-style:italic}
section.missing h2{color:var(--muted)}
p.warning{color:var(--accent);font-weight:600}
table{border-collapse:collapse;margin:6px 0 12px;font-size:12.5px}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f1f4f7;font-weight:600;position:sticky;top:30px}
td[data-col=date]{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.flag td,tr.status-failed td{background:#fdf1ef}
tr.status-pending td,tr.status-running td,tr.unseen td{color:var(--muted)}
.plots{display:flex;flex-wrap:wrap;gap:12px}
figure.plot{margin:8px 0;background:#fff;border:1px solid var(--line);padding:8px;display:inline-block}
.plot-title{font-weight:600;margin-bottom:2px}
figcaption{color:var(--muted);font-size:12px;max-width:560px}
svg{display:block;max-width:100%;height:auto}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--ink)}
svg text.label{font-size:12px}
svg text.group{font-weight:600}
svg .grid{stroke:#e6e9ed}
svg .axis{stroke:#8a939c}
svg .reference{stroke:#8a939c;stroke-dasharray:4 3}
svg .trace{fill:none;stroke-width:1.5;opacity:.75}
svg .end-mark{stroke-width:2;fill:none}
svg .fit{stroke:var(--accent);stroke-width:2}
svg .ci{stroke:var(--ink);stroke-width:1.5}
svg .estimate{fill:var(--plain)}
svg .point{opacity:.85}
blockquote.methods{background:#fff;border-left:4px solid var(--plain);margin:8px 0;padding:10px 14px;max-width:900px;user-select:all}
pre{background:#fff;border:1px solid var(--line);padding:8px;overflow:auto;max-height:420px;font-size:12px}
@media print{nav{display:none}th{position:static}}
)";

const char* kSections[][2] = {{"overview", "Overview"},   {"quality", "Data quality"}, {"trajectories", "Trajectories"},
                              {"agreement", "Agreement"}, {"outcomes", "Outcome"},     {"synchrony", "Synchrony"},
                              {"methods", "Methods"}};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

std::string page(const StudyFacts& f, const std::vector<std::string>& sections) {
  const std::string name = fs::absolute(f.dir).lexically_normal().filename().string();
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                  "img-src data:\"><title>psyface study report: " + html_escape(name) + "</title><style>" + kStyle +
                  "</style></head><body><header><h1>Study report: " + html_escape(name) + "</h1><p>" +
                  html_escape(f.dir.string()) + " · made by psyface " + kVersion + " on " + utc_now() +
                  " · statistics in report/stats/ (agreement.json, outcomes.json)</p></header><nav>";
  for (const auto& [id, label] : kSections) s += "<a href=\"#" + std::string(id) + "\">" + label + "</a>";
  s += "</nav><main>";
  for (const auto& sec : sections) s += sec;
  return s + "</main></body></html>\n";
}

}  // namespace

StudyReportSummary write_study_report(const fs::path& dir, const StudyReportOptions& options) {
  // opened first: it brings out-of-date measures up to date, so the facts read next are the same rows
  const stats::StudyDatabaseSource source(dir);
  const StudyFacts facts = read_study_facts(dir, options.models_dir);
  const fs::path out = dir / "report";
  fs::create_directories(out);
  fs::remove_all(out / "stats");  // statistics of an earlier report whose data are gone must not stay beside it
  const StudyStatistics st = compute_study_statistics(source, facts.ratings > 0, !facts.outcomes.empty(), out / "stats");
  const std::vector<std::string> sections = {overview_section(facts),         quality_section(facts),
                                             trajectories_section(facts, st.primary), agreement_section(facts, st),
                                             outcomes_section(facts, st),     synchrony_section(facts),
                                             methods_section(facts, st)};
  StudyReportSummary sum;
  for (size_t i = 0; i < sections.size(); ++i)
    if (sections[i].find("class=\"missing\"><h2>") != std::string::npos) sum.missing.push_back(kSections[i][0]);
  const std::string html = page(facts, sections);
  sum.index = out / "index.html";
  util::write_file_atomic(sum.index, html);
  sum.bytes = static_cast<int64_t>(html.size());
  sum.stats_files = st.files;
  sum.warnings = source.warnings();
  sum.session_pages = write_study_session_pages(facts, out / "sessions");
  return sum;
}

}  // namespace psyface::report

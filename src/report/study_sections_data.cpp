// The study report's sections on the sessions themselves: overview, data quality, trajectories of the
// primary measures and synchrony (study_sections.hpp).
#include <cmath>
#include <map>
#include <set>

#include "report/html_text.hpp"
#include "report/report_format.hpp"
#include "report/session_links.hpp"
#include "report/study_sections.hpp"
#include "report/svg_plot.hpp"

namespace psyface::report {
namespace {

std::string th_row(const std::vector<std::string>& names) {
  std::string s = "<thead><tr>";
  for (const auto& n : names) s += "<th>" + html_escape(n) + "</th>";
  return s + "</tr></thead>";
}

std::set<std::string> dropouts(const StudyFacts& f) {
  std::set<std::string> out;
  for (const auto& o : f.outcomes)
    if (o.dropout == 1) out.insert(o.patient_id);
  return out;
}

bool any_dropout_known(const StudyFacts& f) {
  for (const auto& o : f.outcomes)
    if (o.dropout >= 0) return true;
  return false;
}

std::string no_sessions_line(const StudyFacts& f) {
  return "No session is analysed yet: " + command_text("study run", f) + " analyses them.";
}

std::string session_cell(const ReportSession& s) {
  if (s.status != "done") return text_cell(s.session_id, "session_id");
  return "<td data-col=\"session_id\"><a href=\"" + html_escape(session_page_href(s.session_id)) + "\">" +
         html_escape(s.session_id) + "</a></td>";
}

std::string role_totals(const StudyFacts& f) {
  struct Totals {
    int64_t sessions = 0, seen = 0, analysed = 0, valid = 0;
  };
  std::map<std::string, Totals> by_role;
  for (const auto& r : f.roles) {
    auto& t = by_role[r.role];
    ++t.sessions;
    t.seen += r.value("frames_valid") > 0;
    if (std::isfinite(r.value("frames_analysed"))) t.analysed += std::llround(r.value("frames_analysed"));
    if (std::isfinite(r.value("frames_valid"))) t.valid += std::llround(r.value("frames_valid"));
  }
  std::string s = "<table class=\"roles\">" +
                  th_row({"role", "sessions", "seen in", "frames analysed", "with a valid face",
                          "without a valid face", "valid-face share"}) + "<tbody>";
  for (const auto& [role, t] : by_role)
    s += "<tr data-role=\"" + html_escape(role) + "\">" + text_cell(role) + count_cell(t.sessions, "sessions") +
         count_cell(t.seen, "sessions_seen") +
         count_cell(t.analysed, "frames_analysed") + count_cell(t.valid, "frames_valid") +
         count_cell(t.analysed - t.valid, "frames_without_face") +
         number_cell(t.analysed ? static_cast<double>(t.valid) / static_cast<double>(t.analysed) : NAN, "valid_share") +
         "</tr>";
  return s + "</tbody></table>";
}

}  // namespace

std::string section_html(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\" data-section=\"" + id + "\"><h2>" + html_escape(title) + "</h2>" + body +
         "</section>\n";
}

std::string missing_section_html(const std::string& id, const std::string& title, const std::string& missing) {
  return "<section id=\"" + id + "\" data-section=\"" + id + "\" class=\"missing\"><h2>" + html_escape(title) +
         "</h2><p class=\"missing\">" + missing + "</p></section>\n";
}

std::string command_text(const std::string& what, const StudyFacts& f) {
  return "<code>psyface " + html_escape(what) + " " + html_escape(f.dir.string()) + "</code>";
}

std::string overview_section(const StudyFacts& f) {
  double hours = 0;
  for (const auto& s : f.sessions)
    if (s.status == "done" && std::isfinite(s.duration_sec)) hours += s.duration_sec / 3600;
  std::string body = "<table class=\"counts\">" + th_row({"sessions", "done", "failed", "pending", "running",
                                                          "hours of video analysed"}) +
                     "<tbody><tr>" + count_cell(static_cast<int64_t>(f.sessions.size()), "sessions") +
                     count_cell(f.count("done"), "done") + count_cell(f.count("failed"), "failed") +
                     count_cell(f.count("pending"), "pending") + count_cell(f.count("running"), "running") +
                     number_cell(hours, "video_hours") + "</tr></tbody></table>";
  if (f.roles.empty()) body += "<p class=\"missing\">" + no_sessions_line(f) + "</p>";
  else body += "<h3>Frames per role (done sessions, whole session)</h3>" + role_totals(f);
  if (!f.options_warning.empty()) body += "<p class=\"warning\">" + html_escape(f.options_warning) + "</p>";
  body += "<h3>Sessions</h3><p>Done sessions link to their session page.</p><table class=\"sessions\">" +
          th_row({"session", "patient", "no.", "date", "status", "video (min)", "reason / warnings"}) + "<tbody>";
  for (const auto& s : f.sessions) {
    body += "<tr data-session=\"" + html_escape(s.session_id) + "\" class=\"status-" + html_escape(s.status) + "\">" +
            session_cell(s) + text_cell(s.patient_id, "patient_id") + count_cell(s.session_number, "session_number") +
            text_cell(s.date, "date") + text_cell(s.status, "status") + number_cell(s.duration_sec / 60, "video_min") +
            text_cell(s.detail, "detail") + "</tr>";
  }
  return section_html("overview", "Study overview", body + "</tbody></table>");
}

std::string quality_section(const StudyFacts& f) {
  const std::string title = "Data quality per session and role";
  if (f.roles.empty()) return missing_section_html("quality", title, no_sessions_line(f));
  std::map<std::string, const ReportSession*> sessions;
  for (const auto& s : f.sessions) sessions[s.session_id] = &s;
  int low_valid = 0, low_fps = 0, not_seen = 0;
  std::string rows;
  for (const auto& r : f.roles) {
    const bool unseen = !(r.value("frames_valid") > 0);
    const bool bad_valid = !unseen && r.value("valid_share") < 0.5, bad_fps = !unseen && r.value("low_fps_flag") == 1;
    low_valid += bad_valid, low_fps += bad_fps, not_seen += unseen;
    std::string flags = unseen ? "no face of this role in the session" : bad_valid ? "valid-face share under 50 %" : "";
    if (bad_fps) flags += std::string(flags.empty() ? "" : "; ") + "low analysed rate: brief expressions NA";
    const auto it = sessions.find(r.session_id);
    const std::string warnings = it == sessions.end() ? "" : it->second->warnings;
    rows += "<tr data-session=\"" + html_escape(r.session_id) + "\" data-role=\"" + html_escape(r.role) + "\"" +
            (unseen ? " class=\"unseen\"" : flags.empty() ? "" : " class=\"flag\"") + ">" + text_cell(r.session_id) + text_cell(r.role) +
            count_cell(std::llround(r.value("frames_analysed")), "frames_analysed") +
            number_cell(r.value("valid_share"), "valid_share") + number_cell(r.value("mean_confidence"), "mean_confidence") +
            number_cell(r.value("analysed_fps"), "analysed_fps") + text_cell(flags, "flags") + text_cell(warnings, "warnings") +
            "</tr>";
  }
  const std::string summary = "<p>" + std::to_string(f.roles.size()) + " session × role rows; " +
                              std::to_string(low_valid) + " with a valid-face share under 50 %, " +
                              std::to_string(low_fps) +
                              " with an analysed rate below brief_min_fps (brief expressions are NA there); " +
                              std::to_string(not_seen) + " where the role's face is never seen (e.g. the therapist of "
                              "a one-person recording).</p>";
  return section_html("quality", title,
                      summary + "<table class=\"quality\">" +
                          th_row({"session", "role", "frames analysed", "valid-face share", "mean confidence",
                                  "analysed fps", "flags", "warnings"}) +
                          "<tbody>" + rows + "</tbody></table>");
}

std::string trajectories_section(const StudyFacts& f, const stats::PrimaryMeasures& primary) {
  const std::string title = "Trajectories of the primary measures";
  if (f.roles.empty()) return missing_section_html("trajectories", title, no_sessions_line(f));
  const auto dropped = dropouts(f);
  std::string body = "<p>The primary measures of the " + html_escape(primary.role) +
                     " over each patient's sessions (whole sessions), one line per patient. Primary measures from: " +
                     html_escape(primary.source) + ".";
  body += any_dropout_known(f)
              ? " Dropouts (outcomes table) in red, with a cross at their last analysed session.</p>"
              : "</p><p class=\"missing\">Dropouts are not marked: the study has no outcomes with a dropout column (" +
                    command_text("stats import outcomes --study", f) + " outcomes.csv).</p>";
  for (const auto& m : primary.measures) {
    LineChart c{"trajectory-" + m, m + " (" + primary.role + ")", "session number", m, "", {}, "completer", ""};
    if (!dropped.empty()) c.legend_highlight = "dropout";
    if (!any_dropout_known(f)) c.legend_plain.clear();
    std::map<std::string, PlotSeries> by_patient;
    for (const auto& r : f.roles) {
      if (r.role != primary.role) continue;
      auto& s = by_patient[r.patient_id];
      s.name = r.patient_id;
      s.highlight = s.mark_last = dropped.count(r.patient_id) > 0;
      s.points.push_back({static_cast<double>(r.session_number), r.value(m),
                          r.patient_id + " session " + std::to_string(r.session_number) + " (" + r.session_id +
                              "): " + m + " = " + shown_number(r.value(m))});
    }
    for (auto& [id, s] : by_patient) c.series.push_back(std::move(s));
    c.caption = std::to_string(c.series.size()) + " patients";
    body += line_chart_svg(c);
  }
  return section_html("trajectories", title, body);
}

std::string synchrony_section(const StudyFacts& f) {
  const std::string title = "Synchrony per session";
  std::map<std::string, std::vector<const RoleRow*>> by_session;
  for (const auto& r : f.roles) by_session[r.session_id].push_back(&r);
  std::vector<const RoleRow*> both;  // the patient row of sessions with both roles
  for (const auto& [id, rows] : by_session) {
    const RoleRow *patient = nullptr, *therapist = nullptr;
    for (const auto* r : rows) {  // a role counts when its face was seen (one-person videos have both rows)
      if (!(r->value("frames_valid") > 0)) continue;
      if (r->role == "patient") patient = r;
      if (r->role == "therapist") therapist = r;
    }
    if (patient && therapist) both.push_back(patient);
  }
  if (both.empty())
    return missing_section_html(
        "synchrony", title,
        f.roles.empty() ? no_sessions_line(f)
                        : "No analysed session has both a patient and a therapist face: synchrony needs both roles (a "
                          "split-screen, picture-in-picture or two-camera recording; layout and cameras in "
                          "sessions.csv, then " + command_text("study run", f) + ").");
  std::string rows;
  std::map<std::string, PlotSeries> by_patient;
  bool any = false;
  for (const auto* r : both) {
    const double sync = r->value("synchrony_smile"), p = r->value("synchrony_p");
    std::string why = std::isfinite(sync) ? "" : r->value("duration_sec") < 40
                                                     ? "NA: session shorter than one window plus two lags (40 s)"
                                                     : "NA: too few frames with both faces";
    if (std::isfinite(sync) && !std::isfinite(p))
      why = "p NA: too short for 10 shuffle segments, or synchrony_surrogates = 0";
    rows += "<tr data-session=\"" + html_escape(r->session_id) + "\">" + text_cell(r->session_id) +
            text_cell(r->patient_id) + count_cell(r->session_number) + number_cell(sync, "synchrony_smile") +
            number_cell(p, "synchrony_p") + text_cell(why) + "</tr>";
    any = any || std::isfinite(sync);
    auto& s = by_patient[r->patient_id];
    s.name = r->patient_id;
    s.points.push_back({static_cast<double>(r->session_number), sync,
                        r->session_id + ": synchrony_smile = " + shown_number(sync) + ", p = " + shown_number(p)});
  }
  std::string body = "<p>Smile synchrony of patient and therapist (windowed cross-lagged correlation, mean peak r; "
                     "surrogate p; docs/synchrony.md), " + std::to_string(both.size()) +
                     " sessions with both roles.</p>";
  if (any) {
    LineChart c{"synchrony", "synchrony_smile per session", "session number", "synchrony_smile (r)", "", {}, "", ""};
    for (auto& [id, s] : by_patient) c.series.push_back(std::move(s));
    c.caption = "One line per patient.";
    body += line_chart_svg(c);
  }
  body += "<table class=\"synchrony\">" +
          th_row({"session", "patient", "no.", "synchrony_smile", "synchrony_p", "note"}) + "<tbody>" + rows +
          "</tbody></table>";
  return section_html("synchrony", title, body);
}

}  // namespace psyface::report

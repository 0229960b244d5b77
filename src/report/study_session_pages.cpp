// The study report's session pages (study_session_pages.hpp).
#include "report/study_session_pages.hpp"

#include <map>
#include <set>

#include "psyface/error.hpp"
#include "report/annotation_table.hpp"
#include "report/html_text.hpp"
#include "report/session_links.hpp"
#include "report/session_page.hpp"
#include "study/frames_store.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "util/atomic_file.hpp"

namespace psyface::report {
namespace fs = std::filesystem;
namespace {

// The rating rows of each session grouped by segment (rows are ordered by session, start, end, rater).
std::map<std::string, std::vector<RatedSegment>> rated_by_session(const std::vector<ReportRating>& rows) {
  std::map<std::string, std::vector<RatedSegment>> out;
  for (const auto& r : rows) {
    auto& segments = out[r.session_id];
    if (segments.empty() || segments.back().start_sec != r.start_sec || segments.back().end_sec != r.end_sec)
      segments.push_back({r.start_sec, r.end_sec, {}});
    segments.back().scores.push_back({r.rater, r.ceas_mode, r.ceas_peak, r.primary_emotion});
  }
  return out;
}

// The session's whole-session and first-N-minutes rows of table measures (what the index and psyface study
// export show; brought up to date by the report before), in the order compute_measures gives them: the
// session window, then the first, each patient then therapist. Computing them again from the table would
// cost most of the page's time (synchrony surrogates): 55 s instead of 4 s for 400 50-min sessions.
std::vector<measures::RoleWindowMeasures> stored_measures(study::StudyDb& db, const std::string& session_id) {
  const auto& catalog = measures::measure_catalog();
  std::string sql = "SELECT role, window_kind, window_index, start_sec, end_sec";
  for (const auto& m : catalog) sql += ", " + m.name;
  sql += " FROM measures WHERE session_id = ? AND window_kind IN ('session', 'first') "
         "ORDER BY window_kind = 'first', role";
  study::Statement q(db.raw(), sql);
  q.bind(1, session_id);
  std::vector<measures::RoleWindowMeasures> rows;
  while (q.step()) {
    measures::RoleWindowMeasures r;
    r.role = q.text(0);
    r.window.kind = q.text(1);
    r.window.index = static_cast<int>(q.integer(2));
    r.window.start_sec = q.real(3), r.window.end_sec = q.real(4);
    for (size_t m = 0; m < catalog.size(); ++m) r.values.push_back(q.real(static_cast<int>(m) + 5));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<SessionVideo> videos_of(const StudyFacts& f, const ReportSession& s) {
  if (s.therapist_video.empty()) return {{"video", f.dir / s.video, 0}};
  return {{"patient camera", f.dir / s.video, 0}, {"therapist camera", f.dir / s.therapist_video, s.offset_sec}};
}

std::string unreadable_page(const ReportSession& s, const std::string& why) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
         "content=\"" + session_page_csp(false) + "\"><title>psyface session: " + html_escape(s.session_id) +
         "</title></head><body><p><a class=\"back\" href=\"../index.html\">&larr; study report</a></p><h1>" +
         html_escape(s.session_id) + "</h1><p class=\"warning\">This session's stored frames table cannot be read: " +
         html_escape(why) + "</p></body></html>\n";
}

}  // namespace

SessionPagesSummary write_study_session_pages(const StudyFacts& f, const fs::path& sessions_dir) {
  fs::create_directories(sessions_dir);
  std::map<std::string, std::vector<measures::Segment>> user_segments;
  if (!f.config.segments_file.empty())
    user_segments = study::read_segments_csv(f.dir / f.config.segments_file, study::read_sessions_csv(f.dir, false));
  const auto rated = rated_by_session(f.rating_rows);
  study::StudyDb db(f.dir / "study.sqlite", false);
  SessionPagesSummary sum;
  std::set<std::string> written;
  for (const auto& s : f.sessions) {
    if (s.status != "done") continue;
    const fs::path out = sessions_dir / session_page_name(s.session_id);
    written.insert(out.filename().string());
    SessionPageInput in;
    in.title = s.session_id;
    in.frames_source = s.frames_file;
    in.options = f.config.measures;
    in.stored_measures = stored_measures(db, s.session_id);
    in.back_href = "../index.html";
    in.videos = videos_of(f, s);
    if (auto it = user_segments.find(s.session_id); it != user_segments.end()) in.segments = it->second;
    if (auto it = rated.find(s.session_id); it != rated.end()) in.rated = it->second;
    try {
      in.frames_text = study::load_frames_table(f.dir / s.frames_file, s.frames_sha256);
      in.sidecar = sidecar_path_of(f.dir / s.frames_file);
      const auto r = write_session_page(in, out);
      for (const auto& w : r.warnings) sum.warnings.push_back(s.session_id + ": " + w);
      sum.bytes += r.bytes;
      sum.largest_bytes = std::max(sum.largest_bytes, r.bytes);
      sum.with_player += r.player;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Input) throw;
      const std::string html = unreadable_page(s, e.what());
      util::write_file_atomic(out, html);
      sum.bytes += html.size();
      sum.warnings.push_back(s.session_id + ": no session page: " + e.what());
    }
    ++sum.pages;
  }
  for (const auto& entry : fs::directory_iterator(sessions_dir)) {  // pages of sessions no longer done
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".html" && !written.count(name)) sum.removed += fs::remove(entry.path()) ? 1 : 0;
  }
  return sum;
}

}  // namespace psyface::report

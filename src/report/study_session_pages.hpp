// The session pages of a study report: DIR/report/sessions/<session_page_name>.html for every done session
// (the pages the index links to, report/session_links.hpp), each written by write_session_page from the
// session's stored frames table and sidecar, its measures as the study database holds them (the numbers of
// the index and of psyface study export), the study's measure options (its first-N-minutes window),
// the segments file's segments, the rated segments with their CEAS scores, the session's video(s) for the
// viewer and a link back to the index. Pages of sessions that are no longer done are removed.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "report/study_facts.hpp"

namespace psyface::report {

struct SessionPagesSummary {
  int pages = 0;                  // written
  int with_player = 0;            // of them, pages whose video is reachable (the viewer)
  int removed = 0;                // stale pages removed
  std::uintmax_t bytes = 0;       // all pages written
  std::uintmax_t largest_bytes = 0;
  std::vector<std::string> warnings;  // a session whose table could not be read (its page says so), decode warnings
};

// requires: facts read from the study folder facts.dir (read_study_facts).
// ensures: one page per done session in `sessions_dir` (created), written atomically; every other *.html
//          there removed afterwards. A session whose stored table cannot be read gets a page saying why (and
//          a warning) rather than failing the report.
// throws: Error(Output) when a page cannot be written; Error(Input) when the segments file does not validate.
SessionPagesSummary write_study_session_pages(const StudyFacts& facts, const std::filesystem::path& sessions_dir);

}  // namespace psyface::report

// The study report on synthetic study databases (no video analysed, no browser): what a study without
// ratings or outcomes, or without any analysed session, shows and says is missing; ids and reasons made of
// markup are escaped. The browser test (tests/report/) checks a real study against the statistics JSON.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "../cli/study_stats_support.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"
#include "report/report_format.hpp"
#include "report/study_report.hpp"
#include "stats/study_import.hpp"
#include "util/atomic_file.hpp"

namespace psyface::report {
namespace {
namespace fs = std::filesystem;

const std::string kMarkup = "<img src=x onerror=alert(1)>";

// A study of `sessions` sessions S1, S2, ... (patients P1, P1, P2, P2, ...); session `markup_index` gets
// the id kMarkup. The first `done` are stored as analysed (synthetic two-person tables), the next one
// failed with a reason made of markup, the rest pending.
fs::path make_study(const std::string& name, int sessions, int done, int markup_index = -1) {
  const fs::path dir = fs::temp_directory_path() / ("psyface_report_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "videos");
  std::string csv = "session_id,patient_id,therapist_id,session_number,date,video\n";
  auto id = [&](int k) { return k == markup_index ? kMarkup : test::session_id(k); };
  for (int k = 0; k < sessions; ++k) {
    util::write_file_atomic(dir / "videos" / ("v" + std::to_string(k) + ".mp4"), "not analysed in this test");
    csv += id(k) + "," + test::patient_id(k) + ",T1," + std::to_string(k % 2 + 1) + ",2024-03-0" +
           std::to_string(k % 9 + 1) + ",videos/v" + std::to_string(k) + ".mp4\n";
  }
  util::write_file_atomic(dir / "sessions.csv", csv);
  util::write_file_atomic(dir / "study.conf", "synchrony_surrogates = 20\n");
  const auto manifest = study::read_sessions_csv(dir);
  const auto config = study::read_study_config(dir);
  study::StudyDb db(dir / "study.sqlite", true);
  db.sync_sessions(manifest);
  for (int k = 0; k < done; ++k) {
    EXPECT_NE(k, markup_index) << "store_done_session names sessions S<k+1>";
    test::store_done_session(db, dir, k, {}, config);
  }
  if (done < sessions) {
    const auto st = db.session(id(done));
    const int64_t run = db.claim(id(done), st->claim_token, {"tok", "h", 1, 0}, "oh", "{}");
    db.finish_failed(id(done), run, 3, "cannot read video '<b>notes</b>.mp4'", "", 0.1);
  }
  return dir;
}

std::string section(const std::string& html, const std::string& id) {
  const size_t start = html.find("<section id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</section>", start) - start);
}

TEST(StudyReport, WithoutRatingsOrOutcomesShowsWhatItCanAndSaysWhatIsMissing) {
  const fs::path dir = make_study("no_ratings", 6, 4, 5);
  util::write_file_atomic(dir / "report" / "stats" / "agreement.json", "{}");  // an earlier report's, ratings since removed
  const auto sum = write_study_report(dir, {});
  EXPECT_EQ(sum.missing, (std::vector<std::string>{"agreement", "outcomes"}));
  EXPECT_TRUE(sum.stats_files.empty());
  EXPECT_FALSE(fs::exists(dir / "report" / "stats" / "agreement.json"));
  const std::string html = util::read_file(sum.index);
  EXPECT_EQ(sum.bytes, static_cast<int64_t>(html.size()));
  const std::string agreement = section(html, "agreement"), outcomes = section(html, "outcomes");
  EXPECT_NE(agreement.find("class=\"missing\""), std::string::npos);
  EXPECT_NE(agreement.find("psyface stats import ratings --study " + dir.string() + "</code> ratings.csv"), std::string::npos)
      << agreement;
  EXPECT_NE(outcomes.find("psyface stats import outcomes --study " + dir.string() + "</code> outcomes.csv"),
            std::string::npos) << outcomes;
  // what the study has is shown: counts, quality rows, trajectories, synchrony (two roles, 120 s sessions)
  const std::string overview = section(html, "overview");
  EXPECT_NE(overview.find("data-col=\"done\" data-v=\"4\""), std::string::npos);
  EXPECT_NE(overview.find("data-col=\"failed\" data-v=\"1\""), std::string::npos);
  EXPECT_NE(overview.find("data-col=\"pending\" data-v=\"1\""), std::string::npos);
  EXPECT_NE(overview.find("href=\"sessions/S1.html\""), std::string::npos);
  EXPECT_NE(html.find("data-plot=\"trajectory-share_happy\""), std::string::npos);
  EXPECT_NE(html.find("data-plot=\"synchrony\""), std::string::npos);
  EXPECT_NE(section(html, "trajectories").find("Dropouts are not marked"), std::string::npos);
  EXPECT_EQ(section(html, "quality").find("class=\"missing\""), std::string::npos);
  // the methods text cites the measurement revision the runs recorded
  EXPECT_NE(section(html, "methods").find("with psyface " + std::string(kVersion) + " (measurement revision " +
                                          std::to_string(kMeasurementRevision) + "):"),
            std::string::npos)
      << section(html, "methods");
  // markup from sessions.csv and from a failure reason is shown as text
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(overview.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(overview.find("&lt;b&gt;notes&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  fs::remove_all(dir);
}

TEST(StudyReport, WritesOnePagePerDoneSessionWithRatingsAndRemovesStalePages) {
  const fs::path dir = make_study("session_pages", 4, 3);  // S1-S3 done, S4 failed
  util::write_file_atomic(dir / "study.conf", "synchrony_surrogates = 20\nfirst_min = 1\n");
  fs::remove(dir / "videos" / "v1.mp4");  // S2's video archived after its analysis
  stats::import_ratings(dir, {{"S1", 10, 40, "R1", 3, 5, "joy", "t:2"}, {"S1", 10, 40, "R2", 4, 4, "", "t:3"}});
  const fs::path pages = dir / "report" / "sessions";
  util::write_file_atomic(pages / "S4.html", "a page of S4 from when it was done");
  util::write_file_atomic(pages / "notes.txt", "not a page: kept");
  const auto sum = write_study_report(dir, {});
  EXPECT_EQ(sum.session_pages.pages, 3);
  EXPECT_EQ(sum.session_pages.with_player, 2);
  EXPECT_EQ(sum.session_pages.removed, 1);
  EXPECT_FALSE(fs::exists(pages / "S4.html"));
  EXPECT_TRUE(fs::exists(pages / "notes.txt"));
  // every link of the index names a page that exists
  const std::string index = util::read_file(sum.index);
  int links = 0;
  for (size_t at = index.find("href=\"sessions/"); at != std::string::npos; at = index.find("href=\"sessions/", at + 1), ++links) {
    const size_t start = at + 6, end = index.find('"', start);
    EXPECT_TRUE(fs::exists(dir / "report" / index.substr(start, end - start))) << index.substr(start, end - start);
  }
  EXPECT_EQ(links, 3);
  const std::string s1 = util::read_file(pages / "S1.html");
  EXPECT_NE(s1.find("<a class=\"back\" href=\"../index.html\">"), std::string::npos);
  EXPECT_NE(s1.find("src=\"../../videos/v0.mp4\""), std::string::npos);
  EXPECT_NE(s1.find(">CEAS 3.5</text>"), std::string::npos);  // mean CEAS Mode of R1 and R2
  EXPECT_NE(s1.find("<td data-col=\"rater\">R2</td>"), std::string::npos);
  EXPECT_NE(s1.find("class=\"first-window\""), std::string::npos);  // first_min = 1 of study.conf, on a 2-min session
  EXPECT_NE(s1.find("(first 1 min)"), std::string::npos);
  // the measures are the study database's (not computed again): equal to compute_measures on the stored
  // table with the study's options, session window then first minute, patient then therapist
  study::StudyConfig config;
  config.measures.synchrony_surrogates = 20;
  config.measures.first_min = 1;
  const auto rows = measures::compute_measures(measures::read_role_table(test::frames_table(0), "S1"), {}, config.measures);
  const auto& catalog = measures::measure_catalog();
  const size_t m = static_cast<size_t>(std::find_if(catalog.begin(), catalog.end(), [](const auto& c) { return c.name == "mean_p_happy"; }) - catalog.begin());
  ASSERT_LT(m, catalog.size());
  for (const auto& r : rows)
    if (r.window.kind == "session" || r.window.kind == "first")
      EXPECT_NE(s1.find("data-col=\"" + r.role + "." + r.window.kind + ".mean_p_happy\" data-v=\"" + exact_number(r.values[m]) + "\""),
                std::string::npos) << r.role << " " << r.window.kind;
  EXPECT_NE(s1.find("<th>patient</th><th>therapist</th><th>patient (first 1 min)</th><th>therapist (first 1 min)</th>"), std::string::npos);
  const std::string s2 = util::read_file(pages / "S2.html");
  EXPECT_NE(s2.find("class=\"no-video\""), std::string::npos);
  EXPECT_EQ(s2.find("<script"), std::string::npos);
  EXPECT_EQ(s2.find("CEAS"), std::string::npos);  // S2 is not rated
  fs::remove_all(dir);
}

TEST(StudyReport, NoAnalysedSessionYetNamesStudyRun) {
  const fs::path dir = make_study("nothing_done", 3, 0);
  const auto sum = write_study_report(dir, {});
  EXPECT_EQ(sum.missing, (std::vector<std::string>{"quality", "trajectories", "agreement", "outcomes", "synchrony"}));
  const std::string html = util::read_file(sum.index);
  EXPECT_NE(section(html, "quality").find("No session is analysed yet: <code>psyface study run " + dir.string()),
            std::string::npos);
  EXPECT_NE(section(html, "overview").find("data-col=\"failed\" data-v=\"1\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"sessions/"), std::string::npos);  // no session page without an analysis
  fs::remove_all(dir);
}

TEST(StudyReport, WithoutAStudyDatabaseNamesStudyRun) {
  const fs::path dir = fs::temp_directory_path() / ("psyface_report_empty_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  try {
    write_study_report(dir, {});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("psyface study run"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "report" / "index.html"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface::report

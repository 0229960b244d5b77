// Issue 15, items 3, 4 and 7, end to end on a real study database (sessions stored as done through the
// study API, study_stats_support.hpp): exports, statistics and status say when done sessions were analysed
// with different options; --eaf-session is refused with more than one .eaf; the direction of improvement
// is kept across imports and stated by every output; --replace replaces what a re-import gives.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"
#include "tables/csv_reader.hpp"
#include "../stats/study_db_fixture.hpp"
#include "study_stats_support.hpp"

namespace psyface {
namespace {
namespace fs = std::filesystem;

constexpr int kSessions = 4;  // 2 patients x 2 sessions

// The analysis options a study run records for session k (batch_runner's options_json: the study-wide
// analyze options and models, then the session's own fields, which differ between sessions anyway, and
// the measurement revision; revision 0 leaves it out, as runs made before it was recorded).
std::string run_options(int k, const std::string& fps, int revision = kMeasurementRevision) {
  nlohmann::ordered_json j{{"analyze", {"--fps", fps, "--detector", "yunet", "--models", "/host" + std::to_string(k)}},
                           {"models", "0123456789abcdef"},
                           {"video", "videos/" + test::session_id(k) + ".mp4"},
                           {"layout", "auto"},
                           {"patient", k % 2 ? "left" : "right"},
                           {"therapist_video", ""},
                           {"offset_sec", 0.5 * k}};
  if (revision > 0) j["measurement_revision"] = revision;
  return j.dump();
}

// A study folder with kSessions sessions stored as done, session k with the options `fps(k)`, measured by
// `revision` (0: not recorded).
fs::path make_study(const std::string& name, const std::function<std::string(int)>& fps,
                    int revision = kMeasurementRevision) {
  const fs::path dir = test::temp_dir(name);
  std::string sessions = "session_id,patient_id,therapist_id,session_number,date,video\n";
  for (int k = 0; k < kSessions; ++k) {
    util::write_file_atomic(dir / "videos" / (test::session_id(k) + ".mp4"), "not analysed in this test");
    sessions += test::session_id(k) + "," + test::patient_id(k) + ",T1," + std::to_string(k % 2 + 1) +
                ",2024-03-01,videos/" + test::session_id(k) + ".mp4\n";
  }
  util::write_file_atomic(dir / "sessions.csv", sessions);
  util::write_file_atomic(dir / "study.conf", "synchrony_surrogates = 20\n");
  const auto manifest = study::read_sessions_csv(dir);
  const auto config = study::read_study_config(dir);
  study::StudyDb db(dir / "study.sqlite", true);
  db.sync_sessions(manifest);
  for (int k = 0; k < kSessions; ++k)
    test::store_done_session(db, dir, k, {}, config, run_options(k, fps(k), revision));
  return dir;
}

// The cells of one column of a CSV file, by the first column's value.
std::map<std::string, std::string> column(const fs::path& csv, const std::string& name) {
  tables::CsvReader r(csv);
  std::map<std::string, std::string> out;
  while (r.next()) out[r.fields()[0]] = r.fields()[r.column(name)];
  return out;
}

const std::string kMeasures = " --measures smile_share,mean_p_happy";

// Item 3: `--fps 1` then `--fps 2 --shard 1/2` left sessions analysed at two rates side by side in the
// export and the statistics, and nothing said so.
TEST(StudyImportCli, ExportStatsAndStatusSayWhenDoneSessionsWereAnalysedDifferently) {
  const fs::path dir = make_study("options_same", [](int) { return "1"; });
  util::write_file_atomic(dir / "outcomes.csv", "patient_id,pre,post\nP1,30,18\nP2,28,25\n");
  ASSERT_EQ(test::run("stats import outcomes --study " + dir.string() + " " + (dir / "outcomes.csv").string()).exit_code, 0);
  // same study-wide options (the sessions' own fields and the models folder differ): no warning, one hash
  auto r = test::run("study export " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("WARNING"), std::string::npos) << r.err;
  const auto same_hash = column(dir / "export" / "session_info.csv", "analysis_options_hash");
  const auto options = column(dir / "export" / "session_info.csv", "analysis_options");
  ASSERT_EQ(same_hash.size(), size_t(kSessions));
  for (const auto& [id, h] : same_hash) EXPECT_EQ(h, same_hash.begin()->second) << id;
  EXPECT_EQ(options.at("S1"), "--fps 1 --detector yunet");
  EXPECT_EQ(column(dir / "export" / "session_info.csv", "analysis_models").at("S4"), "0123456789abcdef");
  EXPECT_EQ(column(dir / "export" / "session_info.csv", "analysis_measurement_revision").at("S2"),
            std::to_string(kMeasurementRevision));
  const std::string dictionary = util::read_file(dir / "export" / "data_dictionary.csv");
  EXPECT_NE(dictionary.find("session_info.csv,analysis_options_hash,text"), std::string::npos);
  EXPECT_NE(dictionary.find("session_info.csv,analysis_measurement_revision,integer"), std::string::npos);
  {  // every row has the header's five fields (a description with a comma must be quoted)
    tables::CsvReader d(dir / "export" / "data_dictionary.csv");
    int rows = 0;
    while (d.next()) {
      EXPECT_EQ(d.fields().size(), 5u) << d.fields()[0] << "," << d.fields()[1];
      ++rows;
    }
    EXPECT_GT(rows, 20);
  }
  r = test::run("study status " + dir.string());
  EXPECT_EQ(r.out.find("WARNING"), std::string::npos) << r.out;
  fs::remove_all(dir);

  // S3 and S4 analysed again at --fps 2 (a second run with other options on part of the study)
  const fs::path mixed = make_study("options_mixed", [](int k) { return k >= 2 ? "2" : "1"; });
  util::write_file_atomic(mixed / "outcomes.csv", "patient_id,pre,post\nP1,30,18\nP2,28,25\n");
  ASSERT_EQ(test::run("stats import outcomes --study " + mixed.string() + " " + (mixed / "outcomes.csv").string()).exit_code, 0);
  r = test::run("study export " + mixed.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected = "--fps 1 in 2 (S1, S2); --fps 2 in 2 (S3, S4)";
  EXPECT_NE(r.err.find("psyface: WARNING: the done sessions were analysed with different options"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("--detector"), std::string::npos) << r.err;  // only what differs is named
  const auto hash = column(mixed / "export" / "session_info.csv", "analysis_options_hash");
  EXPECT_EQ(hash.at("S1"), hash.at("S2"));
  EXPECT_NE(hash.at("S2"), hash.at("S3"));
  EXPECT_EQ(column(mixed / "export" / "session_info.csv", "analysis_options").at("S3"), "--fps 2 --detector yunet");
  // the export stays byte-identical for the same analyses
  const std::string info = util::read_file(mixed / "export" / "session_info.csv");
  ASSERT_EQ(test::run("study export " + mixed.string() + " -o " + (mixed / "again").string()).exit_code, 0);
  EXPECT_EQ(util::read_file(mixed / "again" / "session_info.csv"), info);

  r = test::run("stats outcomes" + kMeasures + " --study " + mixed.string() + " -o " + (mixed / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("psyface: WARNING: the done sessions were analysed with different options"), std::string::npos) << r.err;
  const auto json = nlohmann::json::parse(util::read_file(mixed / "out" / "outcomes.json"));
  ASSERT_EQ(json["warnings"].size(), 1u) << json.dump().substr(0, 500);
  EXPECT_NE(json["warnings"][0].get<std::string>().find(expected), std::string::npos);
  EXPECT_NE(util::read_file(mixed / "out" / "outcomes.md").find("**WARNING:**"), std::string::npos);
  r = test::run("stats outcomes -q" + kMeasures + " --study " + mixed.string() + " -o " + (mixed / "out_q").string());
  EXPECT_NE(r.err.find("WARNING"), std::string::npos) << "--quiet must not hide it: " << r.err;

  r = test::run("study status " + mixed.string());
  EXPECT_NE(r.out.find("WARNING: the done sessions were analysed with different options"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("analysed with --fps 2 (other done sessions differ"), std::string::npos) << r.out;
  fs::remove_all(mixed);
}

// A study whose done sessions were all measured before measurement revisions were recorded (say, right
// after an upgrade): their options agree with each other, but the export, the status and the statistics
// say that this psyface measures differently and that study run would analyse them again;
// session_info.csv says 1.
TEST(StudyImportCli, ExportAndStatusSayWhenTheDoneSessionsWereMeasuredByAnOlderRevision) {
  const fs::path dir = make_study("revision_old", [](int) { return "1"; }, 0);
  const std::string expected = "done sessions were measured by another psyface measurement revision than this psyface's " +
                               std::to_string(kMeasurementRevision) +
                               ": 4 (S1, S2, S3, S4) by revision 1 (made before revisions were recorded). psyface "
                               "study run analyses them again";
  auto r = test::run("study export " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("psyface: WARNING: " + expected), std::string::npos) << r.err;
  EXPECT_EQ(column(dir / "export" / "session_info.csv", "analysis_measurement_revision").at("S3"), "1");
  r = test::run("study status " + dir.string());
  EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
  util::write_file_atomic(dir / "outcomes.csv", "patient_id,pre,post\nP1,30,18\nP2,28,25\n");
  ASSERT_EQ(test::run("stats import outcomes --study " + dir.string() + " " + (dir / "outcomes.csv").string()).exit_code, 0);
  r = test::run("stats outcomes -q" + kMeasures + " --study " + dir.string() + " -o " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  fs::remove_all(dir);
}

const char* kEafTemplate = R"(<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="START"/>
    <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="40000"/>
  </TIME_ORDER>
  <TIER TIER_ID="CEAS mode" ANNOTATOR="R1" LINGUISTIC_TYPE_REF="default">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>3</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="CEAS peak" ANNOTATOR="R1" LINGUISTIC_TYPE_REF="default">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>4</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
</ANNOTATION_DOCUMENT>
)";

// Item 4: with two .eaf files, --eaf-session matched the second file's ratings to the first session.
TEST(StudyImportCli, EafSessionWithTwoEafFilesIsRefusedAndNothingImported) {
  const fs::path dir = make_study("eaf", [](int) { return "1"; });
  std::string a = kEafTemplate, b = kEafTemplate;
  a.replace(a.find("START"), 5, "10000");
  b.replace(b.find("START"), 5, "20000");
  util::write_file_atomic(dir / "S1.eaf", a);
  util::write_file_atomic(dir / "S2.eaf", b);
  const std::string files = " " + (dir / "S1.eaf").string() + " " + (dir / "S2.eaf").string();
  auto r = test::run("stats import ratings --eaf-session S1 --study " + dir.string() + files);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--eaf-session S1 names the session of one .eaf file, but 2 are given (S1.eaf, S2.eaf)"),
            std::string::npos) << r.err;
  EXPECT_EQ(test::sql_count(dir / "study.sqlite", "SELECT COUNT(*) FROM ratings"), 0);
  r = test::run("stats import ratings --study " + dir.string() + files);  // each file its own session
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::sql_count(dir / "study.sqlite", "SELECT COUNT(*) FROM ratings WHERE session_id = 'S2'"), 1);
  fs::remove_all(dir);
}

// Item 7, direction: a re-import without --lower-is-better silently flipped the study to higher is better.
TEST(StudyImportCli, DirectionOfImprovementIsKeptUnlessChangedExplicitlyAndStatedEverywhere) {
  const fs::path dir = make_study("direction", [](int) { return "1"; });
  const std::string study = " --study " + dir.string() + " ";
  const std::string file = (dir / "outcomes.csv").string();
  util::write_file_atomic(dir / "outcomes.csv", "patient_id,pre,post\nP1,30,18\nP2,28,25\n");
  auto r = test::run("stats import outcomes --lower-is-better" + study + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("direction of improvement: lower is better (improvement = pre - post) (set by --lower-is-better)"),
            std::string::npos) << r.err;
  r = test::run("stats import outcomes" + study + file);  // a later import without the flag keeps it
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("lower is better (improvement = pre - post) (kept from the study; --higher-is-better changes it)"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("imported 2 outcomes into " + dir.string() + ": 0 added, 0 changed, 2 unchanged, 0 removed"),
            std::string::npos) << r.err;
  r = test::run("stats outcomes" + kMeasures + study + "-o " + (dir / "o1").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("direction of improvement: lower is better (improvement = pre - post), from the study's setting"),
            std::string::npos) << r.err;
  auto json = nlohmann::json::parse(util::read_file(dir / "o1" / "outcomes.json"));
  EXPECT_EQ(json["options"]["lower_is_better"], true);
  EXPECT_EQ(json["options"]["improvement"], "pre - post");
  EXPECT_NE(util::read_file(dir / "o1" / "median_split.md").find("Direction of improvement: lower is better"),
            std::string::npos);
  // a contradicting flag on one analysis is refused: the study has one direction
  r = test::run("stats outcomes --higher-is-better" + kMeasures + study + "-o " + (dir / "o2").string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--higher-is-better contradicts it"), std::string::npos) << r.err;
  // changed explicitly, and said so
  r = test::run("stats import outcomes --higher-is-better" + study + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("direction of improvement: changed from lower is better (improvement = pre - post) to higher is "
                       "better (improvement = post - pre) (by --higher-is-better)"),
            std::string::npos) << r.err;
  r = test::run("stats outcomes" + kMeasures + study + "-o " + (dir / "o3").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json = nlohmann::json::parse(util::read_file(dir / "o3" / "outcomes.json"));
  EXPECT_EQ(json["options"]["lower_is_better"], false);
  EXPECT_EQ(json["options"]["improvement"], "post - pre");
  fs::remove_all(dir);
}

// Item 7, removal: a corrected time code left the wrong segment in as an extra rated segment, and a
// patient dropped from outcomes.csv stayed in the analyses.
TEST(StudyImportCli, ReplaceRemovesRatingsAndOutcomesTheNewFilesNoLongerHave) {
  const fs::path dir = make_study("replace", [](int) { return "1"; });
  const std::string study = " --study " + dir.string() + " ";
  const std::string head = "session_id,start,end,rater,ceas_mode,ceas_peak\n";
  util::write_file_atomic(dir / "ratings.csv", head + "S1,40,70,R1,3,4\nS1,40,70,R2,2,4\nS2,40,70,R1,5,6\n");
  auto r = test::run("stats import ratings" + study + (dir / "ratings.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("3 added, 0 changed, 0 unchanged, 0 removed"), std::string::npos) << r.err;
  // S1's segment corrected to 45-70 s (R2's mode too); S2 is not in the file and stays as it is
  util::write_file_atomic(dir / "fixed.csv", head + "S1,45,70,R1,3,4\nS1,45,70,R2,3,4\n");
  r = test::run("stats import ratings --replace" + study + (dir / "fixed.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("imported 2 ratings into " + dir.string() + ": 2 added, 0 changed, 0 unchanged, 2 removed"),
            std::string::npos) << r.err;
  const auto db = dir / "study.sqlite";
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings WHERE session_id = 'S1' AND start_sec = 40"), 0);
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings WHERE session_id = 'S1' AND start_sec = 45"), 2);
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings WHERE session_id = 'S2'"), 1);
  ASSERT_EQ(test::run("study export " + dir.string()).exit_code, 0);
  {
    tables::CsvReader seg(dir / "export" / "segments.csv");
    std::multiset<std::string> s1;
    while (seg.next())
      if (seg.fields()[seg.column("session_id")] == "S1" && seg.fields()[seg.column("role")] == "patient")
        s1.insert(seg.fields()[seg.column("start_sec")]);
    EXPECT_EQ(s1, std::multiset<std::string>({"45"}));  // the wrong 40-70 s segment is gone
  }
  // without --replace a re-import adds and updates, keeps the rest and says so
  util::write_file_atomic(dir / "more.csv", head + "S1,45,70,R2,4,4\n");
  r = test::run("stats import ratings" + study + (dir / "more.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("0 added, 1 changed, 0 unchanged, 0 removed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 ratings of these sessions are not in the files and were kept"), std::string::npos) << r.err;

  util::write_file_atomic(dir / "outcomes.csv", "patient_id,pre,post\nP1,30,18\nP2,28,25\n");
  ASSERT_EQ(test::run("stats import outcomes" + study + (dir / "outcomes.csv").string()).exit_code, 0);
  util::write_file_atomic(dir / "outcomes2.csv", "patient_id,pre,post\nP1,30,17\n");
  r = test::run("stats import outcomes --replace" + study + (dir / "outcomes2.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("imported 1 outcomes into " + dir.string() + ": 0 added, 1 changed, 0 unchanged, 1 removed"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 patients are not in the file: removed from the study's outcomes (P2)"), std::string::npos) << r.err;
  r = test::run("stats outcomes" + kMeasures + study + "-o " + (dir / "o").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(util::read_file(dir / "o" / "outcomes.json"));
  EXPECT_EQ(json["inputs"]["patients"], 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface

// study run's integrity rules on a study analysed by a stand-in analyzer (fake_analyzer.hpp): a run whose
// claim was taken over leaves the new owner's files alone, a long session id is analysed and stops no
// other session, a damaged or missing stored table is analysed again, work folders of dead runs go.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include <nlohmann/json.hpp>

#include "fake_analyzer.hpp"
#include "measures/affect_measures.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"
#include "study/analysis_options.hpp"
#include "study/child_process.hpp"
#include "study/frames_store.hpp"
#include "study/study_db.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

using namespace psyface;
using namespace psyface::study;
namespace fs = std::filesystem;

namespace {

bool any_has(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

// run_study with every message it prints kept in `messages`.
StudyRunSummary run_keeping_messages(const fs::path& dir, const StudyRunOptions& o, std::vector<std::string>& messages) {
  StudyRunCallbacks cb;
  cb.on_message = [&](const std::string& m) { messages.push_back(m); };
  return run_study(dir, o, cb);
}

// Rewrites the options of session `id`'s done run (as another psyface would have recorded them) and the
// session's options hash to match; returns the new hash.
std::string rewrite_done_options(StudyDb& db, const std::string& id,
                                 const std::function<void(nlohmann::ordered_json&)>& change) {
  Statement q(db.raw(), "SELECT run_id, options_json FROM runs WHERE session_id = ? AND status = 'done'");
  q.bind(1, id);
  if (!q.step()) return "";
  const int64_t run = std::stoll(q.text(0));
  auto options = nlohmann::ordered_json::parse(q.text(1));
  change(options);
  const std::string json = options.dump(), hash = util::sha256_bytes(json);
  Statement(db.raw(), "UPDATE runs SET options_json = ?, options_hash = ? WHERE run_id = ?").bind(1, json).bind(2, hash).bind(3, run).run();
  Statement(db.raw(), "UPDATE sessions SET options_hash = ? WHERE session_id = ?").bind(1, hash).bind(2, id).run();
  return hash;
}

}  // namespace

// Issue 15 item 2: a runner stopped (SIGSTOP, a suspended laptop) past its lease; a second run took the
// session over and finished it; then the first one's analysis ends. It used to store its table under the
// final name before finding out it had lost the claim, so the database's checksum no longer matched the
// file and every export failed. The takeover is done here, while the first run's analysis is held, by
// the same database calls a second runner makes.
TEST(StudyRun, ARunTakenOverLeavesTheNewOwnersFilesAlone) {
  test::FakeStudy s("takeover", {"S1"});
  s.write("hold", "");
  s.write("owner.frames.csv", test::fake_frames_table(6, 0.2));
  std::string owner_sha;
  bool taken = false;
  std::vector<std::string> messages;
  StudyRunCallbacks cb;
  cb.on_message = [&](const std::string& m) { messages.push_back(m); };
  cb.on_progress = [&](const StudyProgress& p) {
    if (taken || p.running != 1) return;
    taken = true;
    StudyDb db(s.dir() / "study.sqlite", false);
    const auto st = db.session("S1");
    ASSERT_TRUE(st);
    const int64_t run = db.claim("S1", st->claim_token, {"owner-token", "other-host", 4242, unix_now() + 600}, "oh", "{}");
    ASSERT_GT(run, 0);
    AnalysisOutcome out;
    out.fingerprint = "owner";
    out.options_hash = "oh";
    out.options_json = "{}";
    out.frames_file = "frames/S1.frames.csv.gz";
    out.frames_sha256 = owner_sha = store_frames_table(s.dir() / "owner.frames.csv", s.dir() / out.frames_file);
    ASSERT_TRUE(db.finish_done("S1", run, out, "owner-measures", {}, 0));
    s.write("go", "");
  };
  const auto sum = run_study(s.dir(), s.options(), cb);
  ASSERT_TRUE(taken);
  EXPECT_EQ(sum.analysed, 0);
  EXPECT_EQ(sum.elsewhere, 1);
  EXPECT_TRUE(any_has(messages, "S1: taken over by another process")) << joined(messages);
  StudyDb db(s.dir() / "study.sqlite", false);
  const auto st = db.session("S1");
  EXPECT_EQ(st->status, "done");
  EXPECT_EQ(st->fingerprint, "owner");
  EXPECT_EQ(st->frames_sha256, owner_sha);
  const fs::path gz = s.dir() / "frames/S1.frames.csv.gz";
  EXPECT_EQ(util::sha256_bytes(util::read_file(gz)), owner_sha) << "the dropped run replaced the owner's table";
  EXPECT_EQ(load_frames_table(gz, st->frames_sha256), test::fake_frames_table(6, 0.2));
  EXPECT_FALSE(fs::exists(s.dir() / "frames/S1.analysis.json")) << "the dropped run stored its sidecar";
}

// Issue 15 item 5: a session id of 300 characters made "File name too long" escape the run, leaving the
// session running and the others pending, on every rerun.
TEST(StudyRun, ALongSessionIdIsAnalysedAndStopsNoOther) {
  const std::string long_id = "P01-" + std::string(300, 'x');
  test::FakeStudy s("long-id", {long_id, "S2", "S3"});
  StudyRunSummary sum;
  try {
    sum = run_study(s.dir(), s.options(2));
  } catch (const std::exception& e) {
    FAIL() << "run_study threw: " << e.what();
  }
  EXPECT_EQ(sum.analysed, 3);
  EXPECT_EQ(sum.failed, 0);
  StudyDb db(s.dir() / "study.sqlite", false);
  for (const auto& st : db.sessions()) {
    EXPECT_EQ(st.status, "done") << st.session_id.substr(0, 10) << ": " << st.error;
    EXPECT_LE(fs::path(st.frames_file).filename().string().size(), 200u);
    EXPECT_NO_THROW(load_frames_table(s.dir() / st.frames_file, st.frames_sha256));
  }
}

// A session's focal_px column (its gaze camera, e.g. -1 for a split screen that joins two cameras) replaces
// the study's --focal-px in that session's analyze call only; a session without it gets the study's value.
TEST(StudyRun, ASessionsFocalLengthReplacesTheStudysForThatSessionOnly) {
  test::FakeStudy s("focal", {"S1", "S2"});
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video,focal_px\n"
                          "S1,P1,1,2024-01-01,videos/v1.mp4,\n"
                          "S2,P1,2,2024-01-01,videos/v2.mp4,-1\n");
  // The stand-in analyzer, also recording its arguments beside itself, one file per video.
  std::string script = test::kFakeAnalyzer;
  script.insert(script.find("cp \"$here/fake.frames.csv\""), "echo \"$@\" > \"$here/args-$stem.txt\"\n");
  s.write("fake-analyze.sh", script);
  auto o = s.options();
  o.analyze_args = {"--fps", "2", "--focal-px", "0"};
  const auto sum = run_study(s.dir(), o);
  EXPECT_EQ(sum.analysed, 2);
  const std::string a1 = util::read_file(s.dir() / "args-v1.txt"), a2 = util::read_file(s.dir() / "args-v2.txt");
  EXPECT_NE(a1.find("--focal-px 0 "), std::string::npos) << a1;
  EXPECT_NE(a2.find("--focal-px -1 "), std::string::npos) << a2;
  EXPECT_EQ(a2.find("--focal-px 0"), std::string::npos) << a2;
  {  // the export's options record the focal length each session was analysed with, and say they differ
    StudyDb db(s.dir() / "study.sqlite", false);
    const auto done = done_session_options(db.raw());
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(done[0].values.at("--focal-px"), "0");
    EXPECT_EQ(done[1].values.at("--focal-px"), "-1");
    EXPECT_NE(done[0].options_hash, done[1].options_hash);
    EXPECT_NE(options_mismatch_warning(done).find("--focal-px"), std::string::npos) << options_mismatch_warning(done);
  }
  // Nothing changed: nothing is analysed again. Then only the session whose focal_px changed is.
  EXPECT_EQ(run_study(s.dir(), o).analysed, 0);
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video,focal_px\n"
                          "S1,P1,1,2024-01-01,videos/v1.mp4,800\n"
                          "S2,P1,2,2024-01-01,videos/v2.mp4,-1\n");
  fs::remove(s.dir() / "args-v1.txt");
  fs::remove(s.dir() / "args-v2.txt");
  EXPECT_EQ(run_study(s.dir(), o).analysed, 1);
  EXPECT_TRUE(fs::exists(s.dir() / "args-v1.txt"));
  EXPECT_FALSE(fs::exists(s.dir() / "args-v2.txt"));
  EXPECT_NE(util::read_file(s.dir() / "args-v1.txt").find("--focal-px 800 "), std::string::npos);
  // The study's --focal-px changes: both sessions have their own, which their analyze calls keep, so
  // neither is analysed again. Without its own value, S1 then takes the study's.
  o.analyze_args = {"--fps", "2", "--focal-px", "900"};
  EXPECT_EQ(run_study(s.dir(), o).analysed, 0);
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video,focal_px\n"
                          "S1,P1,1,2024-01-01,videos/v1.mp4,\n"
                          "S2,P1,2,2024-01-01,videos/v2.mp4,-1\n");
  fs::remove(s.dir() / "args-v1.txt");
  EXPECT_EQ(run_study(s.dir(), o).analysed, 1);
  EXPECT_NE(util::read_file(s.dir() / "args-v1.txt").find("--focal-px 900 "), std::string::npos);
  EXPECT_FALSE(fs::exists(s.dir() / "args-v2.txt"));
}

// A study analysed by a psyface that read non-square pixels as square (its sidecars have no
// video.pixel_aspect): after the upgrade, the session whose video has 64:45 pixels is analysed again, with
// the reason; the one with square pixels and the one whose file is no video are not; then all are done.
TEST(StudyRun, SessionsAnalysedBeforeSquarePixelsAreAnalysedAgainWhenTheirPixelsAreNot) {
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no ffmpeg";
  test::FakeStudy s("squeezed", {"S1", "S2", "S3"});
  for (const auto& [video, sar] : {std::pair<std::string, std::string>{"v1.mp4", "64/45"}, {"v2.mp4", "1"}}) {
    const std::string make = "ffmpeg -nostdin -v error -y -f lavfi -i color=c=gray:s=720x576:r=25:d=0.2 -vf setsar=" + sar +
                             " -c:v libx264 -preset ultrafast " + (s.dir() / "videos" / video).string();
    ASSERT_EQ(std::system(make.c_str()), 0) << make;
  }
  std::string old_analyzer = test::kFakeAnalyzer;
  const std::string now = "\"duration_sec\":4.0,\"pixel_aspect\":\"1:1\"";
  ASSERT_NE(old_analyzer.find(now), std::string::npos);
  old_analyzer.replace(old_analyzer.find(now), now.size(), "\"duration_sec\":4.0");
  s.write("fake-analyze.sh", old_analyzer);
  ASSERT_EQ(run_study(s.dir(), s.options()).analysed, 3);
  s.write("fake-analyze.sh", test::kFakeAnalyzer);  // the upgrade
  std::vector<std::string> messages;
  const auto sum = run_keeping_messages(s.dir(), s.options(), messages);
  EXPECT_EQ(sum.analysed, 1);
  EXPECT_EQ(sum.skipped, 2);
  EXPECT_TRUE(any_has(messages, "S1: v1.mp4 has pixels 64:45 wide, analysed before psyface scaled them to square ones; "
                                "analysing again"))
      << joined(messages);
  EXPECT_FALSE(any_has(messages, "S2:")) << joined(messages);
  EXPECT_EQ(run_study(s.dir(), s.options()).analysed, 0);
}

// A study analysed by a psyface of an older measurement revision (here: S1's run made as before revisions
// were recorded, so its options lack measurement_revision): the options warning (export, status,
// statistics) says the done sessions were measured differently, and the next study run analyses S1
// again, saying why, and then nothing more. A session measured by a newer psyface is refused instead.
TEST(StudyRun, SessionsMeasuredByAnOlderRevisionAreAnalysedAgainOnce) {
  test::FakeStudy s("revision", {"S1", "S2", "S3"});
  ASSERT_EQ(run_study(s.dir(), s.options()).analysed, 3);
  {
    StudyDb db(s.dir() / "study.sqlite", false);
    int recorded = 0;
    ASSERT_NE(rewrite_done_options(db, "S1", [&](nlohmann::ordered_json& o) {
                recorded = o.value("measurement_revision", 0);
                o.erase("measurement_revision");
              }),
              "");
    ASSERT_EQ(recorded, kMeasurementRevision);  // a study run records it
    const auto done = done_session_options(db.raw());
    ASSERT_EQ(done.size(), 3u);
    EXPECT_EQ(done[0].measurement_revision, 1);
    EXPECT_EQ(done[1].measurement_revision, kMeasurementRevision);
    EXPECT_NE(done[0].options_hash, done[1].options_hash);
    EXPECT_EQ(done[1].options_hash, done[2].options_hash);
    const std::string warning = options_mismatch_warning(done);
    EXPECT_NE(warning.find("measurement revision 1 in 1 (S1); measurement revision " +
                           std::to_string(kMeasurementRevision) + " in 2 (S2, S3)"),
              std::string::npos)
        << warning;
  }
  std::vector<std::string> messages;
  const auto sum = run_keeping_messages(s.dir(), s.options(), messages);
  EXPECT_EQ(sum.analysed, 1);
  EXPECT_EQ(sum.skipped, 2);
  EXPECT_TRUE(any_has(messages, "S1: measured by psyface's measurement revision 1 (made before revisions were "
                                "recorded), this psyface's is " +
                                    std::to_string(kMeasurementRevision) + " (docs/output-format.md); analysing again"))
      << joined(messages);
  EXPECT_FALSE(any_has(messages, "S2:")) << joined(messages);
  StudyDb db(s.dir() / "study.sqlite", false);
  EXPECT_EQ(options_mismatch_warning(done_session_options(db.raw())), "");
  EXPECT_EQ(run_study(s.dir(), s.options()).analysed, 0);
  // S2 measured by a newer psyface: this one would replace its results with the older method; refused
  const std::string newer_hash =
      rewrite_done_options(db, "S2", [](nlohmann::ordered_json& o) { o["measurement_revision"] = kMeasurementRevision + 1; });
  ASSERT_NE(newer_hash, "");
  try {
    run_study(s.dir(), s.options());
    ADD_FAILURE() << "a session of a newer measurement revision was not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("S2 was measured by a newer psyface (measurement revision " +
                                         std::to_string(kMeasurementRevision + 1)),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(db.session("S2")->status, "done");
  EXPECT_EQ(db.session("S2")->options_hash, newer_hash);  // left as the newer psyface made it
}

// Issue 15 item 8: after a power cut a done row can point to an empty or missing table; study run used
// to skip such a session as unchanged.
TEST(StudyRun, AnEmptyOrMissingStoredTableIsAnalysedAgain) {
  test::FakeStudy s("damaged", {"S1", "S2", "S3"});
  ASSERT_EQ(run_study(s.dir(), s.options()).analysed, 3);
  std::ofstream(s.dir() / "frames/S1.frames.csv.gz", std::ios::trunc).close();  // empty, as after a power cut
  fs::remove(s.dir() / "frames/S2.frames.csv.gz");
  std::vector<std::string> messages;
  const auto sum = run_keeping_messages(s.dir(), s.options(), messages);
  EXPECT_EQ(sum.analysed, 2);
  EXPECT_EQ(sum.skipped, 1);
  EXPECT_TRUE(any_has(messages, "S1: stored per-frame table")) << joined(messages);
  EXPECT_TRUE(any_has(messages, "S2: stored per-frame table")) << joined(messages);
  StudyDb db(s.dir() / "study.sqlite", false);
  for (const auto& st : db.sessions())
    EXPECT_NO_THROW(load_frames_table(s.dir() / st.frames_file, st.frames_sha256)) << st.session_id;
}

// Issue 15 item 8: commits reach the disk before a result is reported done (WAL with synchronous=NORMAL
// can lose the last commits in a power cut).
TEST(StudyDatabase, CommitsAreSynchronousFull) {
  test::TempStudy s("sync");
  StudyDb db(s.dir() / "study.sqlite", true);
  EXPECT_EQ(db.raw().query_int("PRAGMA synchronous"), 2);  // FULL
}

// Issue 16: a database made before a measure joined the catalogue (here: two measure columns dropped and
// an export view without them) gets those columns, and export views that show them, when it is opened.
TEST(StudyDatabase, MeasuresAddedToTheCatalogueLaterBecomeColumnsOnOpen) {
  test::TempStudy s("newcols");
  const std::string count =
      "SELECT count(*) FROM pragma_table_info('measures') WHERE name IN ('au45_r_mean', 'duchenne_smile_share')";
  {
    StudyDb db(s.dir() / "study.sqlite", true);
    db.raw().exec("DROP VIEW export_sessions; DROP VIEW export_windows; DROP VIEW export_segments;");
    db.raw().exec("CREATE VIEW export_sessions AS SELECT session_id, role FROM measures");
    db.raw().exec("ALTER TABLE measures DROP COLUMN au45_r_mean");
    db.raw().exec("ALTER TABLE measures DROP COLUMN duchenne_smile_share");
    ASSERT_EQ(db.raw().query_int(count), 0);
  }
  StudyDb db(s.dir() / "study.sqlite", false);
  EXPECT_EQ(db.raw().query_int(count), 2);
  EXPECT_EQ(db.raw().query_int("SELECT count(*) FROM pragma_table_info('export_sessions') WHERE name = 'au45_r_mean'"), 1);
  EXPECT_EQ(db.raw().query_int("SELECT count(*) FROM pragma_table_info('export_windows') WHERE name = 'au45_r_mean'"), 1);
}

// Issue 17: a database made before the speaking measures (every speaking column dropped, export views
// without them) gets all of them, in the export views too, when it is opened; older rows stay NULL (NA).
TEST(StudyDatabase, SpeakingMeasuresBecomeColumnsOfAnOlderDatabaseOnOpen) {
  test::TempStudy s("speakcols");
  std::vector<std::string> added;
  for (const auto& m : measures::measure_catalog())
    if (m.name.ends_with("_listening") || m.name.ends_with("_speaking") || m.name.starts_with("turn") ||
        m.name == "speaking_share" || m.name == "listening_share")
      added.push_back(m.name);
  ASSERT_EQ(added.size(), 53u);  // frames_listening/_speaking, 2 shares, 3 turn measures, 23 x 2 split
  std::string in;
  for (const auto& n : added) in += (in.empty() ? "'" : ",'") + n + "'";
  const std::string count = "SELECT count(*) FROM pragma_table_info('measures') WHERE name IN (" + in + ")";
  {
    StudyDb db(s.dir() / "study.sqlite", true);
    db.raw().exec("DROP VIEW export_sessions; DROP VIEW export_windows; DROP VIEW export_segments;");
    db.raw().exec("CREATE VIEW export_sessions AS SELECT session_id, role FROM measures");
    for (const auto& n : added) db.raw().exec("ALTER TABLE measures DROP COLUMN " + n);
    db.raw().exec("INSERT INTO measures(session_id, role, window_kind, window_index, start_sec, end_sec, share_happy) "
                  "VALUES('S1', 'patient', 'session', 0, 0, 60, 0.25)");
    ASSERT_EQ(db.raw().query_int(count), 0);
  }
  StudyDb db(s.dir() / "study.sqlite", false);
  EXPECT_EQ(db.raw().query_int(count), 53);
  for (const char* view : {"export_sessions", "export_windows", "export_segments"})
    EXPECT_EQ(db.raw().query_int(std::string("SELECT count(*) FROM pragma_table_info('") + view +
                                 "') WHERE name IN ('share_surprised_listening', 'speaking_share', 'turn_mean_sec')"),
              3) << view;
  EXPECT_EQ(db.raw().query_int("SELECT count(*) FROM measures WHERE share_surprised_listening IS NULL AND "
                               "speaking_share IS NULL AND share_happy = 0.25"), 1);
}

// Issue 15 item 9: work folders tmp/<session>+<host>+<pid> of runs that were killed stayed forever. A
// folder goes when its owner is known dead (this host, pid gone) or its session is done or claimed by
// another run; a folder of a live run on another host stays.
TEST(StudyRun, WorkFoldersOfDeadOrSupersededRunsAreRemoved) {
  test::FakeStudy s("workdirs", {"S1", "S2", "S3"});
  {
    StudyDb db(s.dir() / "study.sqlite", true);
    db.sync_sessions(read_sessions_csv(s.dir()));
    ASSERT_GT(db.claim("S3", "", {"live", "other-host", 99, unix_now() + 600}, "oh", "{}"), 0);
  }
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string here = host_name();
  // S1: a dead run of this host; S2: done by this run; S9: not in the study, a dead run of this host
  const std::vector<std::string> gone = {"S1+" + here + "+" + std::to_string(dead), "S2+other-host+77",
                                         "S9+" + here + "+" + std::to_string(dead)};
  // S3: held by its live owner; S8: unknown to this study, on a host whose processes cannot be seen
  const std::vector<std::string> kept = {"S3+other-host+99", "S8+other-host+5"};
  for (const auto& f : gone) s.write("tmp/" + f + "/v.frames.csv", "frame\n");
  for (const auto& f : kept) s.write("tmp/" + f + "/v.frames.csv", "frame\n");
  const auto sum = run_study(s.dir(), s.options());
  EXPECT_EQ(sum.analysed, 2);
  EXPECT_EQ(sum.elsewhere, 1);
  for (const auto& f : gone) EXPECT_FALSE(fs::exists(s.dir() / "tmp" / f)) << f;
  for (const auto& f : kept) EXPECT_TRUE(fs::exists(s.dir() / "tmp" / f)) << f;
  int left = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(s.dir() / "tmp")) ++left;
  EXPECT_EQ(left, 2);
}

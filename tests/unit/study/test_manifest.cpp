// sessions.csv, segments and study.conf validation: every problem with file, line and column.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "psyface/error.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "study_test_support.hpp"

using namespace psyface;
using namespace psyface::study;

namespace {

const std::string kHeader = "session_id,patient_id,therapist_id,session_number,date,video,layout,patient,therapist_video,offset_sec,site\n";

std::string error_of(const test::TempStudy& s) {
  try {
    read_sessions_csv(s.dir());
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    return e.what();
  }
  return "";
}

void expect_has(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "expected '" << part << "' in:\n" << text;
}

}  // namespace

TEST(StudyManifest, ReadsRowsWithBomCrlfQuotesCommentsAndFreeColumns) {
  test::TempStudy s("manifest-ok");
  s.write("v/a.mp4", "x");
  s.write("v/b.mp4", "x");
  s.write("v/c.mp4", "x");
  s.write("sessions.csv", "\xEF\xBB\xBF# comment line\r\n" + std::string("session_id,patient_id,session_number,date,video,therapist_video,offset_sec,\"site, city\"\r\n") +
                              "S1,P1,1,2024-01-15,v/a.mp4,,,\"Bern, CH\"\r\n"
                              "\"S \"\"2\"\"\",P1,2,2024-02-29,v/b.mp4,v/c.mp4,0.5,Basel\r\n");
  const auto m = read_sessions_csv(s.dir());
  ASSERT_EQ(m.sessions.size(), 2u);
  EXPECT_EQ(m.sessions[0].session_id, "S1");
  EXPECT_EQ(m.sessions[0].line, 3);
  EXPECT_EQ(m.sessions[0].layout, "auto");
  EXPECT_EQ(m.sessions[0].patient, "left");
  EXPECT_EQ(m.sessions[1].session_id, "S \"2\"");
  EXPECT_TRUE(m.sessions[1].two_cameras());
  EXPECT_EQ(m.sessions[1].layout, "two-cameras");
  EXPECT_DOUBLE_EQ(m.sessions[1].offset_sec, 0.5);
  ASSERT_EQ(m.extra_columns.size(), 1u);
  EXPECT_EQ(m.extra_columns[0], "site, city");
  EXPECT_EQ(m.sessions[0].extra[0].second, "Bern, CH");
  EXPECT_EQ(m.sessions[0].video_path, s.dir() / "v/a.mp4");
}

TEST(StudyManifest, ReportsEveryProblemWithLineAndColumn) {
  test::TempStudy s("manifest-bad");
  s.write("a.mp4", "x");
  s.write("sessions.csv", kHeader +
                              "S1,P1,T1,1,2024-01-15,a.mp4,auto,left,,,x\n"   // line 2: fine
                              "S1,P1,T1,2,2024-01-16,a.mp4,auto,left,,,x\n"   // 3: duplicate id
                              ",P1,T1,3,2024-01-17,a.mp4,auto,left,,,x\n"     // 4: empty id
                              "S4,,T1,x,2024-13-01,missing.mp4,auto,left,,,x\n"  // 5: empty patient, number, date, video
                              "S5,P1,T1,5,2024-01-18,a.mp4,diagonal,middle,,abc,x\n"  // 6: layout, patient, offset
                              "S6,P1,T1,6,2024-01-19,a.mp4,two-cameras,left,,,x\n"   // 7: two-cameras without video
                              "S7,P1,T1,7,2024-01-20,a.mp4\n"                     // 8: field count
                              "\"S8,P1,T1,8,2024-01-21,a.mp4,auto,left,,,x\n");   // 9: unterminated quote
  const std::string e = error_of(s);
  const std::string f = (s.dir() / "sessions.csv").string();
  expect_has(e, f + ":3:1: session_id: duplicate 'S1' (first on line 2)");
  expect_has(e, f + ":4:1: session_id: empty");
  expect_has(e, f + ":5:2: patient_id: empty");
  expect_has(e, f + ":5:4: session_number: 'x' is not a whole number");
  expect_has(e, f + ":5:5: date: '2024-13-01' is not a date");
  expect_has(e, f + ":5:6: video: file not found");
  expect_has(e, f + ":6:7: layout: unknown layout 'diagonal'");
  expect_has(e, f + ":6:8: patient: 'middle' is not left, right, largest or person:N");
  expect_has(e, f + ":6:10: offset_sec: 'abc' is not a number");
  expect_has(e, f + ":7:7: layout: two-cameras needs a therapist_video");
  expect_has(e, f + ":8: 6 fields, the header has 11");
  expect_has(e, f + ":9:1: unterminated quoted field");
  expect_has(e, "(12 problems)");
}

TEST(StudyManifest, PipLayoutAndInsetColumn) {
  test::TempStudy s("manifest-pip");
  s.write("a.mp4", "x");
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video,layout,inset\n"
                          "S1,P1,1,2024-01-15,a.mp4,pip,\n"
                          "S2,P1,2,2024-01-16,a.mp4,pip,patient\n");
  const auto m = read_sessions_csv(s.dir());
  ASSERT_EQ(m.sessions.size(), 2u);
  EXPECT_EQ(m.sessions[0].layout, "pip");
  EXPECT_EQ(m.sessions[0].inset, "therapist");
  EXPECT_EQ(m.sessions[1].inset, "patient");
  EXPECT_TRUE(m.extra_columns.empty()) << "inset is a known column, not a free one";
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video,layout,inset\n"
                          "S1,P1,1,2024-01-15,a.mp4,pip,other\n");
  expect_has(error_of(s), (s.dir() / "sessions.csv").string() + ":2:7: inset: 'other' is not therapist or patient");
}

TEST(StudyManifest, FocalLengthColumn) {
  test::TempStudy s("manifest-focal");
  s.write("a.mp4", "x");
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video,focal_px\n"
                          "S1,P1,1,2024-01-15,a.mp4,\n"
                          "S2,P1,2,2024-01-16,a.mp4,-1\n"
                          "S3,P1,3,2024-01-17,a.mp4,912.5\n");
  const auto m = read_sessions_csv(s.dir());
  ASSERT_EQ(m.sessions.size(), 3u);
  EXPECT_EQ(m.sessions[0].focal_px, "");
  EXPECT_EQ(m.sessions[1].focal_px, "-1");
  EXPECT_EQ(m.sessions[2].focal_px, "912.5");
  EXPECT_TRUE(m.extra_columns.empty()) << "focal_px is a known column, not a free one";
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video,focal_px\n"
                          "S1,P1,1,2024-01-15,a.mp4,-0.5\n"
                          "S2,P1,2,2024-01-16,a.mp4,nan\n"
                          "S3,P1,3,2024-01-17,a.mp4,wide\n"
                          "S4,P1,4,2024-01-18,a.mp4,1e39\n");
  const std::string e = error_of(s), f = (s.dir() / "sessions.csv").string();
  expect_has(e, f + ":2:6: focal_px: '-0.5' is not a focal length in pixels (1 to 1000000), 0 (OpenFace's guess) or "
                    "-1 (none)");
  expect_has(e, f + ":5:6: focal_px: '1e39' is not a focal length");
  expect_has(e, f + ":3:6: focal_px: 'nan' is not a focal length");
  expect_has(e, f + ":4:6: focal_px: 'wide' is not a focal length");
}

TEST(StudyManifest, MissingColumnsAndFile) {
  test::TempStudy s("manifest-cols");
  EXPECT_NE(error_of(s).find("sessions.csv not found"), std::string::npos);
  s.write("sessions.csv", "session_id,patient_id,date\nS1,P1,2024-01-01\n");
  const std::string e = error_of(s);
  expect_has(e, ":1: missing column 'session_number'");
  expect_has(e, ":1: missing column 'video'");
}

TEST(StudyManifest, TimesInSecondsOrClock) {
  double t = 0;
  EXPECT_TRUE(parse_time_sec("90.5", t));
  EXPECT_DOUBLE_EQ(t, 90.5);
  EXPECT_TRUE(parse_time_sec("1:30", t));
  EXPECT_DOUBLE_EQ(t, 90);
  EXPECT_TRUE(parse_time_sec("01:01:30.5", t));
  EXPECT_DOUBLE_EQ(t, 3690.5);
  EXPECT_FALSE(parse_time_sec("1:75", t));
  EXPECT_FALSE(parse_time_sec("abc", t));
  EXPECT_FALSE(parse_time_sec("1:2:3:4", t));
}

TEST(StudyManifest, SegmentsFileValidated) {
  test::TempStudy s("segments");
  s.write("a.mp4", "x");
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video\nS1,P1,1,2024-01-01,a.mp4\n");
  const auto m = read_sessions_csv(s.dir());
  s.write("seg.csv", "session_id,start,end,label\nS1,0:10,0:20,intro\nS1,30,45.5,work\n");
  const auto seg = read_segments_csv(s.dir() / "seg.csv", m);
  ASSERT_EQ(seg.at("S1").size(), 2u);
  EXPECT_DOUBLE_EQ(seg.at("S1")[0].start_sec, 10);
  EXPECT_DOUBLE_EQ(seg.at("S1")[1].end_sec, 45.5);
  s.write("bad.csv", "session_id,start,end,label\nS2,0,10,a\nS1,20,10,b\nS1,x,10,\n");
  try {
    read_segments_csv(s.dir() / "bad.csv", m);
    FAIL();
  } catch (const Error& e) {
    const std::string w = e.what();
    expect_has(w, "bad.csv:2:1: session_id: 'S2' is not in sessions.csv");
    expect_has(w, "bad.csv:3:3: end: end is not after start");
    expect_has(w, "bad.csv:4:2: start: 'x' is not seconds or hh:mm:ss");
    expect_has(w, "bad.csv:4:4: label: empty");
  }
}

TEST(StudyManifest, ConfigKeysAndErrors) {
  test::TempStudy s("conf");
  EXPECT_DOUBLE_EQ(read_study_config(s.dir()).measures.smile_threshold, 0.5);  // defaults without a file
  s.write("study.conf", config_template());
  EXPECT_EQ(measure_options_text(read_study_config(s.dir())), measure_options_text(StudyConfig{}));
  s.write("study.conf", "# c\nsmile_threshold = 0.4  # lower\nsegments = seg.csv\n");
  const auto c = read_study_config(s.dir());
  EXPECT_DOUBLE_EQ(c.measures.smile_threshold, 0.4);
  EXPECT_EQ(c.segments_file, "seg.csv");
  s.write("study.conf", "smile_threshold = high\nwindow = 2\n");
  try {
    read_study_config(s.dir());
    FAIL();
  } catch (const Error& e) {
    expect_has(e.what(), "study.conf:1: smile_threshold: 'high' is not a number");
    expect_has(e.what(), "study.conf:2: unknown key 'window'");
  }
  s.write("study.conf", "window_min = 0\n");  // parses, but an invalid measure option: an input error naming the file
  try {
    read_study_config(s.dir());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    expect_has(e.what(), "study.conf: ");
    expect_has(e.what(), "window_min");
  }
}

TEST(StudyDatabase, ClaimIsStaleWhenItsProcessIsGoneOrItsLeaseRanOut) {
  SessionState s;
  s.status = "running";
  s.claim_host = "this-host";
  s.claim_pid = ::getpid();  // alive
  s.lease_until = unix_now() + 600;
  EXPECT_FALSE(claim_is_stale(s, "this-host"));
  EXPECT_FALSE(claim_is_stale(s, "other-host"));
  s.lease_until = unix_now() - 1;  // a live pid with an expired lease: the pid was reused by another process
  EXPECT_TRUE(claim_is_stale(s, "this-host"));
  EXPECT_TRUE(claim_is_stale(s, "other-host"));
  s.lease_until = unix_now() + 600;
  s.claim_pid = 0x7ffffff0;  // no such process on this host; another host cannot tell before the lease ends
  EXPECT_TRUE(claim_is_stale(s, "this-host"));
  EXPECT_FALSE(claim_is_stale(s, "other-host"));
}

TEST(StudyDatabase, CreatesSchemaV1AndRefusesOtherVersions) {
  test::TempStudy s("db");
  const auto file = s.dir() / "study.sqlite";
  { StudyDb db(file, true); }
  {
    SqliteDb raw(file, false);
    Statement q(raw, "PRAGMA user_version");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.integer(0), kSchemaVersion);
    Statement j(raw, "PRAGMA journal_mode");
    ASSERT_TRUE(j.step());
    EXPECT_EQ(j.text(0), "wal");
    // the statistics' tables exist with the contract's columns
    raw.exec("INSERT INTO ratings VALUES('S1', 0, 10, 'r1', 4, 5, NULL, 'r.csv:2')");
    EXPECT_THROW(raw.exec("INSERT INTO ratings VALUES('S1', 0, 20, 'r1', 8, 5, NULL, 'r.csv:3')"), Error);
    raw.exec("INSERT INTO outcomes VALUES('P1', 10, NULL, 0, '{}', 'o.csv:2')");
    raw.exec("INSERT INTO settings VALUES('outcome_lower_is_better', '1')");
    raw.exec("PRAGMA user_version=2");
  }
  try {
    StudyDb db(file, true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    expect_has(e.what(), "schema version 2; this psyface reads version 1 (made by a newer psyface");
  }
  s.write("other.sqlite", "");
  {
    SqliteDb raw(s.dir() / "other.sqlite", false);
    raw.exec("CREATE TABLE t(x)");
  }
  EXPECT_THROW(StudyDb(s.dir() / "other.sqlite", true), Error);
}

// Slurm starts the tasks of an array within milliseconds of each other, each opening a study folder that
// has no database yet: every one must end up with the same schema (CI once saw "no schema version" here,
// from a process that read user_version before and sqlite_master after another one's create).
TEST(StudyDatabase, ProcessesCreatingItTogetherAllSucceed) {
  test::TempStudy s("create-race");
  const auto file = s.dir() / "study.sqlite";
  constexpr int kRounds = 40, kProcesses = 4;
  int failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(file.string() + suffix);
    std::vector<pid_t> pids;
    for (int p = 0; p < kProcesses; ++p) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        try {
          StudyDb db(file, true);
          ::_exit(0);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "round %d: %s\n", round, e.what());
          ::_exit(1);
        }
      }
      pids.push_back(pid);
    }
    for (pid_t pid : pids) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
    }
  }
  EXPECT_EQ(failures, 0) << "of " << kRounds * kProcesses << " processes";
  StudyDb db(file, false);  // the last round's database is a complete study database
  EXPECT_TRUE(db.sessions().empty());
}

// The journal mode belongs to the study: commands without --journal keep it (a study on a network
// filesystem stays in the rollback journal however its status is looked at); --journal switches it.
TEST(StudyDatabase, JournalModeIsKeptUnlessAskedFor) {
  test::TempStudy s("journal");
  const auto file = s.dir() / "study.sqlite";
  auto mode = [&] {
    SqliteDb raw(file, false);
    Statement j(raw, "PRAGMA journal_mode");
    EXPECT_TRUE(j.step());
    return j.text(0);
  };
  { StudyDb db(file, true); }  // a new study starts in WAL
  EXPECT_EQ(mode(), "wal");
  { StudyDb db(file, false, "delete"); }
  EXPECT_EQ(mode(), "delete");
  { StudyDb db(file, true); }  // run, status, export and stats without --journal
  EXPECT_EQ(mode(), "delete");
  { StudyDb db(file, false, "wal"); }
  EXPECT_EQ(mode(), "wal");
  { StudyDb db(file, false); }
  EXPECT_EQ(mode(), "wal");
  EXPECT_THROW(StudyDb(file, false, "memory"), Error);
  const auto fresh = s.dir() / "fresh.sqlite";
  { StudyDb db(fresh, true, "delete"); }  // created straight into the rollback journal
  SqliteDb raw(fresh, false);
  Statement j(raw, "PRAGMA journal_mode");
  ASSERT_TRUE(j.step());
  EXPECT_EQ(j.text(0), "delete");
}

TEST(StudyDatabase, ClaimIsCompareAndSwap) {
  test::TempStudy s("claim");
  s.write("a.mp4", "x");
  s.write("sessions.csv", "session_id,patient_id,session_number,date,video\nS1,P1,1,2024-01-01,a.mp4\n");
  StudyDb db(s.dir() / "study.sqlite", true);
  db.sync_sessions(read_sessions_csv(s.dir()));
  const auto before = db.session("S1");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, "pending");
  const int64_t run = db.claim("S1", before->claim_token, {"tok1", "h", 1, 0}, "oh", "{}");
  EXPECT_GT(run, 0);
  // a second process that saw the old token loses
  EXPECT_EQ(db.claim("S1", before->claim_token, {"tok2", "h", 2, 0}, "oh", "{}"), 0);
  EXPECT_EQ(db.session("S1")->claim_token, "tok1");
  // taking over a stale claim marks the old run interrupted
  const int64_t run2 = db.claim("S1", "tok1", {"tok3", "h", 3, 0}, "oh", "{}");
  EXPECT_GT(run2, run);
  EXPECT_EQ(db.count_runs("S1", "interrupted"), 1);
  // the first run ends late, after the take-over: its result is dropped, the new owner's claim stands
  EXPECT_FALSE(db.finish_failed("S1", run, 3, "late failure", "", 0.1));
  db.release("S1", run);
  EXPECT_EQ(db.session("S1")->status, "running");
  EXPECT_EQ(db.session("S1")->claim_token, "tok3");
  EXPECT_TRUE(db.finish_failed("S1", run2, 3, "not a video", "", 0.1));
  EXPECT_EQ(db.session("S1")->status, "failed");
  EXPECT_EQ(db.session("S1")->error, "not a video");
  EXPECT_EQ(db.count_runs("S1", "failed"), 1);
}

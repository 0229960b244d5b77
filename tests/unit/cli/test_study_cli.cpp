// psyface study end to end on a six-session study made from the dev videos: bad sessions reported,
// SIGKILL + rerun (leaving no work folder behind) and parallel shards give byte-identical exports, option
// changes redo exactly what they affect, a bad sessions.csv changes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "study/sqlite_db.hpp"
#include "study_cli_support.hpp"

namespace psyface {
namespace {

using namespace test;
namespace fs = std::filesystem;

#define REQUIRE_STUDY_INPUTS()                                           \
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");                  \
  if (!models_ready()) GTEST_SKIP() << "models not built";               \
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "ffmpeg not installed"

int64_t query_int(const fs::path& dir, const std::string& sql) {
  study::SqliteDb db(dir / "study.sqlite", false);
  study::Statement q(db, sql);
  EXPECT_TRUE(q.step()) << sql;
  const int64_t v = q.integer(0);
  while (q.step()) {}
  return v;
}

std::string query_text(const fs::path& dir, const std::string& sql) {
  study::SqliteDb db(dir / "study.sqlite", false);
  study::Statement q(db, sql);
  std::string out;
  while (q.step()) out += q.text(0) + "\n";
  return out;
}

// Processes whose command line mentions `text` (the analysis children of a study folder).
int processes_mentioning(const std::string& text) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find("analyze") != std::string::npos && cmd.find(text) != std::string::npos) ++n;
  }
  return n;
}

// One uninterrupted --jobs 2 run and its exports: the reference the other tests compare with.
struct Reference {
  fs::path dir;
  std::map<std::string, std::string> exports;
};

Reference reference_run() {
  Reference r;
  r.dir = make_study("reference");
  const auto result = run("study run " + r.dir.string() + " --jobs 2 " + study_run_args());
  EXPECT_EQ(result.exit_code, 1) << result.err;  // two sessions fail
  EXPECT_EQ(run("study export " + r.dir.string()).exit_code, 0);
  r.exports = read_exports(r.dir);
  return r;
}

TEST(StudyCli, HelpOnEveryStudyCommand) {
  for (const char* c : {"study", "study init", "study run", "study status", "study verify", "study export"}) {
    const auto r = run(std::string(c) + " --help");
    EXPECT_EQ(r.exit_code, 0) << c;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << c;
  }
}

TEST(StudyCli, InitWritesTemplatesThatValidate) {
  const fs::path dir = fs::temp_directory_path() / ("psyface-study-init-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ASSERT_EQ(run("study init " + dir.string()).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "sessions.csv"));
  EXPECT_TRUE(fs::exists(dir / "study.conf"));
  // the template lists no session yet: run says so with the file name, and no database is created
  const auto r = run("study run " + dir.string() + " --quiet");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("sessions.csv: no sessions listed"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "study.sqlite"));
  fs::remove_all(dir);
}

TEST(StudyCli, SixSessionsBadOnesReportedRestComplete) {
  REQUIRE_STUDY_INPUTS();
  const Reference ref = reference_run();
  const auto status = run("study status " + ref.dir.string());
  EXPECT_EQ(status.exit_code, 1) << status.out;
  EXPECT_NE(status.out.find("6 sessions: 4 done, 2 failed, 0 pending"), std::string::npos) << status.out;
  // the reasons: the truncated file and the text file
  EXPECT_NE(query_text(ref.dir, "SELECT error FROM sessions WHERE session_id='P03-S01'").find("is truncated or damaged"),
            std::string::npos);
  EXPECT_NE(query_text(ref.dir, "SELECT error FROM sessions WHERE session_id='P03-S02'").find("notes.mp4"),
            std::string::npos);
  // each good session analysed exactly once, its per-frame table stored with its checksum
  for (const char* id : {"P01-S01", "P01-S02", "P02-S01", "P02-S02"}) {
    EXPECT_EQ(query_int(ref.dir, std::string("SELECT count(*) FROM runs WHERE status='done' AND session_id='") + id + "'"), 1)
        << id;
    EXPECT_TRUE(fs::exists(ref.dir / "frames" / (std::string(id) + ".frames.csv.gz"))) << id;
  }
  // exports: two rows (patient, therapist) per done session, valid faces for the clips' people
  const std::string& s = ref.exports.at("sessions.csv");
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1 + 4 * 2);
  EXPECT_EQ(s.rfind("session_id,patient_id,therapist_id,session_number,date,role,duration_sec,", 0), 0u);
  EXPECT_GT(std::stod(export_value(s, "P01-S01", "patient", "valid_share")), 0.9);
  EXPECT_EQ(export_value(s, "P01-S01", "patient", "frames_analysed"), "20");  // 4 s at 5 fps
  EXPECT_EQ(export_value(s, "P01-S01", "therapist", "frames_valid"), "0");
  // two cameras: the therapist is the person of camera B
  EXPECT_GT(std::stod(export_value(s, "P01-S02", "therapist", "valid_share")), 0.9);
  // split screen of two people: both roles measured, shared smiling defined
  EXPECT_GT(std::stod(export_value(s, "P02-S02", "therapist", "frames_valid")), 5);
  EXPECT_NE(export_value(s, "P02-S02", "patient", "shared_smiles_per_min"), "NA");
  // 5 fps: brief expressions are not reported, and flagged
  EXPECT_EQ(export_value(s, "P01-S01", "patient", "brief_per_min"), "NA");
  EXPECT_EQ(export_value(s, "P01-S01", "patient", "low_fps_flag"), "1");
  EXPECT_NE(ref.exports.at("session_info.csv").find("P01-S01,done,Bern"), std::string::npos);
  EXPECT_NE(ref.exports.at("data_dictionary.csv").find("sessions.csv,valid_share,real,,"), std::string::npos);
  // a second run does nothing but retry the two failed sessions
  const auto again = run("study run " + ref.dir.string() + " --jobs 2 " + study_run_args());
  EXPECT_NE(again.err.find("0 analysed, 2 failed, 4 unchanged"), std::string::npos) << again.err;
  fs::remove_all(ref.dir);
}

TEST(StudyCli, KilledRunResumesToIdenticalExports) {
  REQUIRE_STUDY_INPUTS();
  const Reference ref = reference_run();

  // SIGKILL the run once at least one session is done, then run again. --jobs 2: two analyses are in
  // progress when it dies; their children die with it (PR_SET_PDEATHSIG).
  const fs::path killed = make_study("killed");
  const pid_t pid = start_psyface({"study", "run", killed.string(), "--jobs", "2", "--fps", "5", "--quiet"},
                                  killed / "run1.log");
  int64_t done_at_kill = 0;
  for (int i = 0; i < 1200 && done_at_kill == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (fs::exists(killed / "study.sqlite")) {
      try {
        done_at_kill = query_int(killed, "SELECT count(*) FROM sessions WHERE status='done'");
      } catch (...) {
      }
    }
  }
  ::kill(pid, SIGKILL);
  wait_exit(pid);
  ASSERT_GT(done_at_kill, 0);
  // the analyses in progress died with their parent (no orphan keeps writing into the study)
  int orphans = 1;
  for (int i = 0; i < 100 && orphans; ++i) {
    orphans = processes_mentioning(killed.string());
    if (orphans) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(orphans, 0);
  const int64_t done_before = query_int(killed, "SELECT count(*) FROM sessions WHERE status='done'");
  EXPECT_LT(done_before, 4) << "the run finished before it could be killed";
  const std::string done_ids = query_text(killed, "SELECT session_id FROM sessions WHERE status='done'");
  const auto rerun = run("study run " + killed.string() + " --jobs 2 " + study_run_args());
  EXPECT_EQ(rerun.exit_code, 1) << rerun.err;
  EXPECT_NE(rerun.err.find(std::to_string(done_before) + " unchanged"), std::string::npos) << rerun.err;
  ASSERT_EQ(run("study export " + killed.string()).exit_code, 0);
  EXPECT_EQ(read_exports(killed), ref.exports);
  // the killed run's work folders are gone: its pid is dead, and its sessions are done or failed now
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(killed / "tmp")) left.push_back(e.path().filename().string());
  EXPECT_TRUE(left.empty()) << left.size() << " left, e.g. tmp/" << (left.empty() ? "" : left[0]);
  // no session analysed twice: one successful run each, and the sessions done before the kill got no new run
  EXPECT_EQ(query_int(killed, "SELECT count(*) FROM (SELECT session_id FROM runs WHERE status='done' "
                              "GROUP BY session_id HAVING count(*) > 1)"),
            0);
  std::istringstream ids(done_ids);
  for (std::string id; std::getline(ids, id);)
    EXPECT_EQ(query_int(killed, "SELECT count(*) FROM runs WHERE session_id='" + id + "'"), 1) << id;
  for (const auto& d : {ref.dir, killed}) fs::remove_all(d);
}

TEST(StudyCli, SigtermStopsChildrenAndGivesSessionsBack) {
  REQUIRE_STUDY_INPUTS();
  const fs::path dir = make_study("sigterm");
  const pid_t pid = start_psyface({"study", "run", dir.string(), "--jobs", "2", "--fps", "5", "--quiet"}, dir / "run.log");
  int64_t running = 0;
  for (int i = 0; i < 600 && running == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      if (fs::exists(dir / "study.sqlite")) running = query_int(dir, "SELECT count(*) FROM sessions WHERE status='running'");
    } catch (...) {
    }
  }
  ASSERT_GT(running, 0);
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 130) << util::read_file(dir / "run.log");
  EXPECT_EQ(query_int(dir, "SELECT count(*) FROM sessions WHERE status='running'"), 0);
  EXPECT_GE(query_int(dir, "SELECT count(*) FROM runs WHERE status='interrupted'"), 1);
  EXPECT_EQ(processes_mentioning(dir.string()), 0);
  fs::remove_all(dir);
}

TEST(StudyCli, ParallelShardsEqualOneRun) {
  REQUIRE_STUDY_INPUTS();
  const Reference ref = reference_run();
  // --shard 1/2 and --shard 2/2 at the same time into one folder
  const fs::path sharded = make_study("sharded");
  const pid_t a = start_psyface({"study", "run", sharded.string(), "--shard", "1/2", "--fps", "5", "--quiet"},
                                sharded / "shard1.log");
  const pid_t b = start_psyface({"study", "run", sharded.string(), "--shard", "2/2", "--fps", "5", "--quiet"},
                                sharded / "shard2.log");
  EXPECT_EQ(wait_exit(a), 1);
  EXPECT_EQ(wait_exit(b), 1);
  ASSERT_EQ(run("study export " + sharded.string()).exit_code, 0);
  EXPECT_EQ(read_exports(sharded), ref.exports);
  EXPECT_EQ(query_int(sharded, "SELECT count(*) FROM runs"), 6);  // each session once
  for (const auto& d : {ref.dir, sharded}) fs::remove_all(d);
}

TEST(StudyCli, OptionChangesRedoExactlyWhatTheyAffect) {
  REQUIRE_STUDY_INPUTS();
  const fs::path dir = make_study("options");
  ASSERT_EQ(run("study run " + dir.string() + " --jobs 2 " + study_run_args()).exit_code, 1);
  ASSERT_EQ(run("study export " + dir.string()).exit_code, 0);
  const auto before = read_exports(dir);
  const int64_t runs = query_int(dir, "SELECT count(*) FROM runs WHERE status='done'");

  // a measure option: measures recomputed from the stored tables, nothing re-analysed
  std::ofstream(dir / "study.conf") << "synchrony_surrogates = 20\nsmile_threshold = 0.05\n";
  const auto m = run("study run " + dir.string() + " --jobs 2 " + study_run_args());
  EXPECT_NE(m.err.find("0 analysed, 2 failed, 0 unchanged, 4 measures recomputed"), std::string::npos) << m.err;
  EXPECT_EQ(query_int(dir, "SELECT count(*) FROM runs WHERE status='done'"), runs);
  ASSERT_EQ(run("study export " + dir.string()).exit_code, 0);
  const auto after = read_exports(dir);
  EXPECT_NE(after.at("sessions.csv"), before.at("sessions.csv"));
  EXPECT_EQ(export_value(after.at("sessions.csv"), "P01-S01", "patient", "frames_valid"),
            export_value(before.at("sessions.csv"), "P01-S01", "patient", "frames_valid"));

  // an analysis option of one session (sessions.csv): only that session is analysed again
  std::string sessions = kStudySessions;
  const std::string from = "P02-S01,P02,T2,1,2024-01-09,videos/laugh.mp4,single,,";
  sessions.replace(sessions.find(from), from.size(), "P02-S01,P02,T2,1,2024-01-09,videos/laugh.mp4,single,largest,");
  std::ofstream(dir / "sessions.csv") << sessions;
  const auto one = run("study run " + dir.string() + " --jobs 2 " + study_run_args());
  EXPECT_NE(one.err.find("1 analysed, 2 failed, 3 unchanged"), std::string::npos) << one.err;
  EXPECT_EQ(query_int(dir, "SELECT count(*) FROM runs WHERE status='done' AND session_id='P02-S01'"), 2);

  // a study-wide analysis option: every session again
  const auto all = run("study run " + dir.string() + " --jobs 2 --fps 4 --quiet");
  EXPECT_NE(all.err.find("4 analysed, 2 failed, 0 unchanged"), std::string::npos) << all.err;
  fs::remove_all(dir);
}

TEST(StudyCli, BadSessionsCsvChangesNothing) {
  REQUIRE_STUDY_INPUTS();
  const fs::path dir = make_study("bad");
  // a first run of one good session creates the database
  std::ofstream(dir / "sessions.csv") << "session_id,patient_id,session_number,date,video\nS1,P1,1,2024-01-01,videos/woman_a.mp4\n";
  ASSERT_EQ(run("study run " + dir.string() + " " + study_run_args()).exit_code, 0);
  const std::string db_before = util::read_file(dir / "study.sqlite");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"session_id,patient_id,session_number,date,video\nS1,P1,1,2024-01-01,videos/woman_a.mp4\nS1,P1,2,2024-01-02,videos/laugh.mp4\n",
       "sessions.csv:3:1: session_id: duplicate 'S1'"},
      {"session_id,patient_id,session_number,date,video\n,P1,1,2024-01-01,videos/woman_a.mp4\n", "sessions.csv:2:1: session_id: empty"},
      {"session_id,patient_id,session_number,date,video\nS1,P1,1,2024-01-01,videos/none.mp4\n", "sessions.csv:2:5: video: file not found"},
      {"session_id,patient_id,session_number,date,video\nS1,P1,1,01/02/2024,videos/woman_a.mp4\n", "sessions.csv:2:4: date: '01/02/2024'"},
      {"session_id,patient_id,session_number,date,video\nS1,P1,one,2024-01-01,videos/woman_a.mp4\n", "sessions.csv:2:3: session_number"},
      {"session_id,patient_id,session_number,date,video,layout\nS1,P1,1,2024-01-01,videos/woman_a.mp4,tiles\n", "sessions.csv:2:6: layout: unknown layout"},
      {"\xEF\xBB\xBFsession_id,patient_id,session_number,date,video\r\n\"S1,P1,1,2024-01-01,videos/woman_a.mp4\r\n", "sessions.csv:2:1: unterminated quoted field"},
  };
  for (const auto& [text, expected] : bad) {
    std::ofstream(dir / "sessions.csv", std::ios::binary) << text;
    const auto r = run("study run " + dir.string() + " " + study_run_args());
    EXPECT_EQ(r.exit_code, 3) << expected;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_EQ(util::read_file(dir / "study.sqlite"), db_before) << expected;
  }
  // a bad study.conf is refused the same way
  std::ofstream(dir / "sessions.csv") << "session_id,patient_id,session_number,date,video\nS1,P1,1,2024-01-01,videos/woman_a.mp4\n";
  std::ofstream(dir / "study.conf") << "smile_threshold = high\n";
  const auto r = run("study run " + dir.string() + " " + study_run_args());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("study.conf:1: smile_threshold"), std::string::npos) << r.err;
  EXPECT_EQ(util::read_file(dir / "study.sqlite"), db_before);
  fs::remove_all(dir);
}

TEST(StudyCli, SegmentsFromTheStudyConfig) {
  REQUIRE_STUDY_INPUTS();
  const fs::path dir = make_study("segments");
  std::ofstream(dir / "sessions.csv") << "session_id,patient_id,session_number,date,video\nS1,P1,1,2024-01-01,videos/woman_a.mp4\n";
  std::ofstream(dir / "segments.csv") << "session_id,start,end,label\nS1,0,2,opening\nS1,0:02,0:04,closing\n";
  std::ofstream(dir / "study.conf") << "segments = segments.csv\nfirst_min = 0.05\n";
  ASSERT_EQ(run("study run " + dir.string() + " " + study_run_args()).exit_code, 0);
  ASSERT_EQ(run("study export " + dir.string()).exit_code, 0);
  const auto e = read_exports(dir);
  EXPECT_NE(e.at("segments.csv").find("S1,P1,1,patient,opening,0,2,2,10,"), std::string::npos) << e.at("segments.csv");
  EXPECT_NE(e.at("segments.csv").find("S1,P1,1,patient,closing,2,4,2,10,"), std::string::npos) << e.at("segments.csv");
  // windows: one fixed minute, the first 3 s and the rest
  EXPECT_NE(e.at("windows.csv").find("S1,P1,1,patient,first,0,0,3,3,15,"), std::string::npos) << e.at("windows.csv");
  EXPECT_NE(e.at("windows.csv").find("S1,P1,1,patient,rest,0,3,4.004,1.004,5,"), std::string::npos) << e.at("windows.csv");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface

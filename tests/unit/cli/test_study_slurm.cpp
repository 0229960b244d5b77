// Cluster mode for real: a single-node Slurm (Debian's slurm-wlm and munge) started by the test in a
// temporary folder, the six-session study submitted as `sbatch --array=1-2 scripts/study-array.sbatch`;
// the exports must equal an unsharded run. Skips (with the reason) where Slurm cannot start.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "study_cli_support.hpp"

namespace psyface {
namespace {

using namespace test;
namespace fs = std::filesystem;

bool zombie_or_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// The daemons of one test cluster, stopped by PID when it goes out of scope.
class SlurmCluster {
 public:
  explicit SlurmCluster(fs::path dir) : dir_(std::move(dir)) {
    const std::string cmd = (source_dir() / "tests/fixtures/slurm/start_cluster.sh").string() + " " + dir_.string() +
                            " 2>" + (dir_ / "start.err").string();
    fs::create_directories(dir_);
    const int status = std::system(cmd.c_str());
    started_ = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    std::ifstream pids(dir_ / "pids");
    for (long p; pids >> p;) pids_.push_back(static_cast<pid_t>(p));
    if (!started_) reason_ = util::read_file(dir_ / "start.err");
  }
  ~SlurmCluster() {
    for (pid_t p : pids_) ::kill(p, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      bool all = true;
      for (pid_t p : pids_) all = all && zombie_or_gone(p);
      if (all) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (pid_t p : pids_)
      if (!zombie_or_gone(p)) ::kill(p, SIGKILL);
    fs::remove_all(dir_);
  }
  bool started() const { return started_; }
  const std::string& reason() const { return reason_; }
  std::string env() const { return "SLURM_CONF=" + (dir_ / "slurm.conf").string() + " "; }

 private:
  fs::path dir_;
  bool started_ = false;
  std::string reason_;
  std::vector<pid_t> pids_;
};

TEST(StudySlurm, ArrayJobEqualsAnUnshardedRun) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  if (!models_ready()) GTEST_SKIP() << "models not built";
  SlurmCluster cluster(fs::temp_directory_path() / ("psyface-slurm-" + std::to_string(::getpid())));
  if (!cluster.started()) {
    std::cout << "[  SKIPPED ] Slurm could not start here: " << cluster.reason() << std::endl;
    GTEST_SKIP() << "Slurm could not start: " << cluster.reason();
  }
  const fs::path single = make_study("slurm-reference");
  ASSERT_EQ(run("study run " + single.string() + " --jobs 2 " + study_run_args()).exit_code, 1);
  ASSERT_EQ(run("study export " + single.string()).exit_code, 0);

  const fs::path study = make_study("slurm");
  const std::string submit = cluster.env() + "PSYFACE=" + psyface_bin().string() +
                             " timeout 300 sbatch --wait --array=1-2 --cpus-per-task=1 --mem=0 --chdir=" +
                             study.string() + " " + (source_dir() / "scripts/study-array.sbatch").string() + " " +
                             study.string() + " --fps 5 >" + (study / "sbatch.out").string() + " 2>&1";
  const int status = std::system(submit.c_str());
  // sbatch --wait exits non-zero when a task failed: both tasks have a bad session, so 1 is expected
  EXPECT_TRUE(WIFEXITED(status)) << util::read_file(study / "sbatch.out");
  EXPECT_NE(util::read_file(study / "sbatch.out").find("Submitted batch job"), std::string::npos)
      << util::read_file(study / "sbatch.out");
  std::string tasks;  // what each array task printed, shown when the test fails
  for (const auto& e : fs::directory_iterator(study))
    if (e.path().filename().string().starts_with("psyface-study-"))
      tasks += "--- " + e.path().filename().string() + ":\n" + util::read_file(e.path());
  const auto exp = run("study export " + study.string());
  ASSERT_EQ(exp.exit_code, 0) << exp.err << tasks;
  EXPECT_EQ(read_exports(study), read_exports(single)) << tasks;
  const auto st = run("study status " + study.string());
  EXPECT_NE(st.out.find("6 sessions: 4 done, 2 failed, 0 pending"), std::string::npos) << st.out << tasks;
  fs::remove_all(single);
  fs::remove_all(study);
}

}  // namespace
}  // namespace psyface

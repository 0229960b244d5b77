// psyface synchrony on frames tables as psyface writes them: analysed rates below the resampling rate
// (issue 19 item 6) and two-camera tables whose camera B starts before A (item 9).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "../measures/coupled_dyad.hpp"
#include "cli_test_support.hpp"
#include "util/atomic_file.hpp"

namespace psyface {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHeader = "frame,face_id,person_id,role,timestamp,success,smile_intensity,emo_happy,valence\n";

std::string row(int frame, int face, const char* role, double t, double smile) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d,%d,%d,%s,%.4f,1,%.5f,%.5f,%.5f\n", frame, face, face, role, t, smile, smile,
                2 * smile - 1);
  return buf;
}

// A one-camera frames table of the coupled dyad analysed at `fps` (both faces in every frame).
void write_dyad_table(const fs::path& path, double fps) {
  std::ofstream out(path);
  out << kHeader;
  int frame = 0;
  for (const auto& f : measures::test::coupled_dyad_frames(fps, 600)) {
    out << row(frame, 0, "patient", f.t_sec, f.patient_smile) << row(frame, 1, "therapist", f.t_sec, f.therapist_smile);
    ++frame;
  }
}

// The `synchrony` column of each row of DIR/synchrony_<measure>.csv.
std::vector<double> synchrony_column(const fs::path& csv) {
  std::istringstream in(util::read_file(csv));
  std::vector<std::string> header;
  std::vector<double> values;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (header.empty()) {
      header = f;
      continue;
    }
    const size_t c = std::find(header.begin(), header.end(), "synchrony") - header.begin();
    values.push_back(f.at(c) == "NA" ? NAN : std::stod(f.at(c)));
  }
  return values;
}

TEST(CliSynchrony, CoupledDyadIsFiniteAtEveryAnalysedRateWithDefaults) {
  const auto dir = test::temp_dir("sync_rates");
  std::string tables;
  for (const double fps : {2.0, 3.0, 5.0, 10.0}) {
    const auto table = dir / ("fps" + std::to_string(int(fps)) + ".frames.csv");
    write_dyad_table(table, fps);
    tables += " " + table.string();
  }
  const auto r = test::run("synchrony" + tables + " --out " + dir.string() + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* measure : {"smile_intensity", "emo_happy", "valence"}) {
    const auto sync = synchrony_column(dir / (std::string("synchrony_") + measure + ".csv"));
    ASSERT_EQ(sync.size(), 4u);
    for (size_t k = 0; k < sync.size(); ++k) EXPECT_GT(sync[k], 0.8) << measure << " table " << k << "\n" << r.err;
  }
  EXPECT_NE(r.err.find("fps2: resampled at 2 Hz"), std::string::npos) << r.err;  // the rate follows the table
  EXPECT_NE(r.err.find("fps10: resampled at 10 Hz"), std::string::npos) << r.err;
  // An explicit rate above the table's analysed rate is used, and the user is told.
  const auto fast = test::run("synchrony " + (dir / "fps2.frames.csv").string() + " --rate 10 --surrogates 0 --out " +
                              dir.string() + " -q");
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  EXPECT_NE(fast.err.find("warning: fps2: --rate 10 Hz is above the analysed rate"), std::string::npos) << fast.err;
  EXPECT_GT(synchrony_column(dir / "synchrony_smile_intensity.csv").at(0), 0.8);
  fs::remove_all(dir);
}

// A two-camera table with --offset-sec -4.75: camera B's first rows are at A's -4.75 s. The study skips
// them; psyface synchrony refused the table with "bad timestamp".
TEST(CliSynchrony, TwoCameraTableWithNegativeOffsetIsRead) {
  const auto dir = test::temp_dir("sync_offset");
  const auto table = dir / "dyad.frames.csv";
  {
    std::ofstream out(table);
    out << "camera," << kHeader;
    const auto frames = measures::test::coupled_dyad_frames(5, 300);
    std::vector<std::pair<double, std::string>> rows;  // merged on A's clock
    int frame = 0;
    for (const auto& f : frames) {
      rows.push_back({f.t_sec, "A," + row(frame, 0, "patient", f.t_sec, f.patient_smile)});
      rows.push_back({f.t_sec - 4.75, "B," + row(frame, 0, "therapist", f.t_sec - 4.75, f.therapist_smile)});
      ++frame;
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [t, line] : rows) out << line;
  }
  const auto r = test::run("synchrony " + table.string() + " --measure smile_intensity --surrogates 0 --out " +
                           dir.string() + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("rows before 0 s"), std::string::npos) << r.err;
  const auto sync = synchrony_column(dir / "synchrony_smile_intensity.csv");
  ASSERT_EQ(sync.size(), 1u);
  EXPECT_TRUE(std::isfinite(sync[0])) << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface

// Picture-in-picture recordings end to end (issue 19, item 11): two dev clips composed as a video call,
// one as the 1280x720 main view and the other as a 320x180 inset in the bottom-right corner, both ways
// round. `psyface analyze --layout auto` must find the layout and give the main view's face the patient
// and the inset's the therapist (--inset patient: the other way round) in >= 99 % of face rows.
// Skipped when ../shared, ffmpeg or the models are absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../test_paths.hpp"
#include "cli_test_support.hpp"
#include "util/atomic_file.hpp"

namespace psyface {
namespace {

namespace fs = std::filesystem;

constexpr int kInsetX = 1280 - 320 - 16, kInsetY = 720 - 180 - 16;  // where ffmpeg puts the inset

bool have_inputs() {
  return !test::shared_dir().empty() && fs::exists(test::source_dir() / "models/facemesh/model.onnx") &&
         std::system("ffmpeg -version >/dev/null 2>&1") == 0;
}

fs::path clip(const std::string& name) { return test::shared_dir() / "data/videos" / name; }

// 6 s of `main` scaled (and padded) to 1280x720 with 6 s of `inset` at 320x180 over its bottom-right corner.
fs::path compose(const fs::path& dir, const std::string& main, const std::string& inset) {
  const auto out = dir / (fs::path(main).stem().string() + "+inset.mp4");
  auto fit = [](int w, int h) {
    const std::string s = std::to_string(w) + ":" + std::to_string(h);
    return "scale=" + s + ":force_original_aspect_ratio=decrease,pad=" + s + ":(ow-iw)/2:(oh-ih)/2,setsar=1,fps=30";
  };
  const std::string cmd = "ffmpeg -nostdin -v error -y -t 6 -i " + clip(main).string() + " -t 6 -i " +
                          clip(inset).string() + " -filter_complex \"[0:v]" + fit(1280, 720) + "[m];[1:v]" +
                          fit(320, 180) + "[s];[m][s]overlay=W-w-16:H-h-16:shortest=1\" -an -c:v libx264 -preset "
                          "ultrafast -pix_fmt yuv420p " + out.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return out;
}

struct RoleShare {
  int face_rows = 0, main_rows = 0, inset_rows = 0, right = 0;
  double share() const { return face_rows ? static_cast<double>(right) / face_rows : 0.0; }
};

// Face rows of a frames table whose role is the one of the region their box centre lies in.
RoleShare role_share(const fs::path& table, const std::string& main_role, const std::string& inset_role) {
  std::ifstream csv(table);
  std::string line;
  std::getline(csv, line);
  std::map<std::string, size_t> col;
  {
    std::stringstream ss(line);
    size_t i = 0;
    for (std::string h; std::getline(ss, h, ',');) col[h] = i++;
  }
  RoleShare s;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f.at(col.at("success")) != "1") continue;
    const double cx = std::stod(f.at(col.at("box_x"))) + std::stod(f.at(col.at("box_w"))) / 2;
    const double cy = std::stod(f.at(col.at("box_y"))) + std::stod(f.at(col.at("box_h"))) / 2;
    const bool in_inset = cx >= kInsetX && cy >= kInsetY;
    ++s.face_rows;
    ++(in_inset ? s.inset_rows : s.main_rows);
    s.right += f.at(col.at("role")) == (in_inset ? inset_role : main_role);
  }
  return s;
}

// Analyses `video` with --layout auto (and `extra`), checks the layout found, returns the role share.
RoleShare analyse(const fs::path& video, const fs::path& out, const std::string& extra, const std::string& main_role,
                  const std::string& inset_role) {
  const test::Result r = test::run("analyze " + video.string() + " --layout auto --fps 10 -q " + extra + " --out " +
                                   out.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto stem = video.stem().string();
  const auto sidecar = nlohmann::json::parse(util::read_file(out / (stem + ".analysis.json")));
  EXPECT_EQ(sidecar["persons"]["layout"], "pip") << sidecar["persons"].dump(2);
  const RoleShare s = role_share(out / (stem + ".frames.csv"), main_role, inset_role);
  std::cout << "[ figures  ] " << stem << extra << ": " << s.right << " of " << s.face_rows << " face rows ("
            << s.main_rows << " main, " << s.inset_rows << " inset) carry the right role = " << 100 * s.share()
            << " %\n";
  return s;
}

TEST(CliPip, AutoFindsTheInsetAndGivesMainViewAndInsetTheirRolesBothWaysRound) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  const auto dir = test::temp_dir("pip");
  const std::string woman = "fer_woman2.mp4", man = "openface_sample_2015-10-15-15-14.avi";
  for (const auto& [main, inset] : {std::pair{woman, man}, std::pair{man, woman}}) {
    const auto video = compose(dir, main, inset);
    const RoleShare s = analyse(video, dir / "out", "", "patient", "therapist");
    EXPECT_GE(s.main_rows, 40) << main;  // both faces found in most of the 60 analysed frames
    EXPECT_GE(s.inset_rows, 40) << main;
    EXPECT_GE(s.share(), 0.99) << main << " main, " << inset << " inset";
  }
  // --inset patient: the inset's person is the patient and the main view's the therapist.
  const RoleShare swapped =
      analyse(compose(dir, woman, man), dir / "out-inset-patient", " --inset patient", "therapist", "patient");
  EXPECT_GE(swapped.share(), 0.99);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface

// Study folders for the end-to-end study tests: short cuts of the dev videos (../shared/data/videos)
// made with ffmpeg at test time — single-person, two-person, two-camera, truncated and not-a-video
// sessions — and helpers to run psyface in the foreground or background.
#pragma once
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../test_paths.hpp"
#include "cli_test_support.hpp"
#include "util/atomic_file.hpp"

namespace psyface::test {

namespace fs = std::filesystem;

// Starts psyface in the background (stdout/stderr to `log`); returns its pid.
inline pid_t start_psyface(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "w");
    if (f) {
      ::dup2(fileno(f), 1);
      ::dup2(fileno(f), 2);
    }
    std::vector<std::string> a = {psyface_bin().string()};
    a.insert(a.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

inline int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline bool ffmpeg(const std::string& args) {
  return std::system(("ffmpeg -nostdin -loglevel error -y " + args).c_str()) == 0;
}

inline bool models_ready() { return fs::exists(source_dir() / "models/facemesh/model.onnx"); }

// The videos of the test study, made once per test process under a temp folder (about 1 MB).
inline fs::path study_videos() {
  static fs::path dir;
  if (!dir.empty()) return dir;
  const fs::path v = shared_dir() / "data/videos";
  const fs::path out = fs::temp_directory_path() / ("psyface-study-videos-" + std::to_string(::getpid()));
  fs::create_directories(out);
  // -movflags +faststart: the index first, so a cut file still decodes up to the cut (truncated, not unreadable)
  auto cut = [&](const char* src, double start, double len, const char* name) {
    const std::string cmd = "-ss " + std::to_string(start) + " -t " + std::to_string(len) + " -i " +
                            (v / src).string() + " -an -c:v libx264 -preset ultrafast -g 10 -movflags +faststart " +
                            (out / name).string();
    if (!ffmpeg(cmd)) ADD_FAILURE() << "ffmpeg failed: " << cmd;
  };
  cut("fer_woman2.mp4", 0, 4, "woman_a.mp4");
  cut("pyfeat_WolfgangLanger_Pexels.mp4", 10, 3, "laugh.mp4");
  cut("faceswap_test_video_03-2_faces.mp4", 0, 3, "two_people.mp4");
  cut("fer_woman2.mp4", 6, 3, "cam_patient.mp4");
  cut("pyfeat_WolfgangLanger_Pexels.mp4", 14, 3, "cam_therapist.mp4");
  cut("fer_woman2.mp4", 10, 4, "cut_source.mp4");
  {  // truncated: the first 60 % of the bytes
    const std::string all = util::read_file(out / "cut_source.mp4");
    std::ofstream(out / "truncated.mp4", std::ios::binary) << all.substr(0, all.size() * 60 / 100);
    fs::remove(out / "cut_source.mp4");
  }
  std::ofstream(out / "notes.mp4") << "session notes, not a video\n";
  dir = out;
  static struct RemoveAtExit {
    ~RemoveAtExit() { fs::remove_all(dir); }
  } remove_at_exit;
  return dir;
}

inline const char* kStudySessions =
    "session_id,patient_id,therapist_id,session_number,date,video,layout,patient,therapist_video,offset_sec,site\n"
    "P01-S01,P01,T1,1,2024-01-08,videos/woman_a.mp4,,,,,Bern\n"
    "P01-S02,P01,T1,2,2024-01-15,videos/cam_patient.mp4,,,videos/cam_therapist.mp4,0.5,Bern\n"
    "P02-S01,P02,T2,1,2024-01-09,videos/laugh.mp4,single,,,,Basel\n"
    "P02-S02,P02,T2,2,2024-01-16,videos/two_people.mp4,split,left,,,Basel\n"
    "P03-S01,P03,T2,1,2024-01-10,videos/truncated.mp4,,,,,Basel\n"
    "P03-S02,P03,T2,2,2024-01-17,videos/notes.mp4,,,,,Basel\n";

// A study folder with the six sessions above; videos copied from study_videos().
inline fs::path make_study(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("psyface-study-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "videos");
  for (const auto& e : fs::directory_iterator(study_videos())) {
    fs::copy_file(e.path(), dir / "videos" / e.path().filename());
    fs::last_write_time(dir / "videos" / e.path().filename(), fs::last_write_time(e.path()));
  }
  std::ofstream(dir / "sessions.csv") << kStudySessions;
  std::ofstream(dir / "study.conf") << "synchrony_surrogates = 20\n";
  return dir;
}

inline std::map<std::string, std::string> read_exports(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const char* f : {"sessions.csv", "windows.csv", "segments.csv", "session_info.csv", "data_dictionary.csv"})
    files[f] = util::read_file(dir / "export" / f);
  return files;
}

// Field `column` of the row of sessions.csv with this session and role.
inline std::string export_value(const std::string& csv, const std::string& session, const std::string& role,
                         const std::string& column) {
  std::istringstream in(csv);
  std::string header, line;
  std::getline(in, header);
  auto split = [](const std::string& s) {
    std::vector<std::string> f;
    std::stringstream ss(s);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    return f;
  };
  const auto h = split(header);
  const size_t col = std::find(h.begin(), h.end(), column) - h.begin();
  const size_t role_col = std::find(h.begin(), h.end(), "role") - h.begin();
  while (std::getline(in, line)) {
    const auto f = split(line);
    if (f[0] == session && f[role_col] == role) return col < f.size() ? f[col] : "";
  }
  return "";
}

// The analysis options every study test uses (fast: 5 frames per second, one thread per job).
inline std::string study_run_args() { return "--fps 5 --quiet"; }

}  // namespace psyface::test

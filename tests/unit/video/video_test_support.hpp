// Helpers for the video stage's tests: shared clips, a fresh temp dir, the ffmpeg CLI, reading a whole
// video into a list of (index, time, size) without keeping the pictures.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "../test_paths.hpp"
#include "video/video_types.hpp"

namespace psyface::video::test {

inline std::filesystem::path shared_video(const std::string& name) {
  return psyface::test::shared_dir() / "data" / "videos" / name;
}

// A new empty directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("psyface-video-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline bool have_ffmpeg_cli() { return std::system("ffmpeg -version > /dev/null 2>&1") == 0; }

// Runs ffmpeg quietly with the given arguments; true on success.
inline bool run_ffmpeg(const std::string& args) {
  return std::system(("ffmpeg -nostdin -hide_banner -loglevel error -y " + args).c_str()) == 0;
}

// Writes the first `fraction` of src's bytes to dst (a file cut short, as by a crash or full disk).
inline void copy_prefix(const std::filesystem::path& src, const std::filesystem::path& dst, double fraction) {
  std::ifstream in(src, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream out(dst, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() * fraction));
}

struct FrameStamp {
  int64_t frame_index;
  double t_sec;
  int width_px;
  int height_px;
  int type;
};

struct ReadResult {
  std::vector<FrameStamp> frames;
  DecodeReport report;
};

// Reads every frame `source` yields; keeps stamps only.
inline ReadResult read_all(FrameSource& source) {
  ReadResult result;
  Frame frame;
  while (source.next(frame))
    result.frames.push_back({frame.frame_index, frame.t_sec, frame.bgr.cols, frame.bgr.rows, frame.bgr.type()});
  result.report = source.report();
  return result;
}

}  // namespace psyface::video::test

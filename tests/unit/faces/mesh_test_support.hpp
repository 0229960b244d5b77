// Shared by the face-mesh and geometry tests: the models folder, a skip when facemesh is not built, and
// frames read from a shared dev video.
#pragma once
#include <gtest/gtest.h>

#include <opencv2/videoio.hpp>

#include <filesystem>
#include <vector>

#include "../test_paths.hpp"

namespace psyface::faces {

inline std::filesystem::path models_dir() { return test::source_dir() / "models"; }

// The first `count` frames (all when count < 0) of ../shared/<rel>.
inline std::vector<cv::Mat> read_frames(const char* rel, int count) {
  cv::VideoCapture cap((test::shared_dir() / rel).string());
  std::vector<cv::Mat> frames;
  cv::Mat f;
  while ((count < 0 || static_cast<int>(frames.size()) < count) && cap.read(f)) frames.push_back(f.clone());
  return frames;
}

}  // namespace psyface::faces

#define REQUIRE_FACEMESH_MODEL()                                                       \
  do {                                                                                 \
    if (!std::filesystem::exists(psyface::faces::models_dir() / "facemesh" / "model.onnx")) \
      GTEST_SKIP() << "models/facemesh not built (psyface models build)";             \
  } while (0)

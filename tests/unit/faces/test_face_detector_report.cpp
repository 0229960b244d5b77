// Measurement, not a check: recall of both face detectors on the shared dev videos (every 5th frame), under
// dimming and roll, smallest face found, frame-to-frame box jitter, and milliseconds per detect() call
// (single thread). Disabled by default; docs/faces-detection.md has the tables and the command:
//   build/det/test_faces --gtest_also_run_disabled_tests --gtest_filter='FaceDetectorReport.*'
// PSYFACE_DETECTOR_DUMP=1 also prints every sampled frame's detections; PSYFACE_DETECTOR_DRAW=<dir> writes
// every 10th sampled frame with boxes and numbered keypoints there, for eyeballing.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "../test_paths.hpp"
#include "faces/face_detector.hpp"
#include "faces/face_detector_decode.hpp"

namespace psyface::faces {
namespace {

std::filesystem::path models_dir() { return test::source_dir() / "models"; }
std::filesystem::path videos_dir() { return test::shared_dir() / "data/videos"; }

const std::vector<std::string> kModels = {"blazeface-back", "facemesh-detection-full"};
const std::vector<std::string> kVideos = {"fer_woman2.mp4", "openface_sample_2015-10-15-15-14.avi",
                                          "faceswap_test_video_03-2_faces.mp4",
                                          "face_recognition_short_hamilton_clip.mp4",
                                          "pyfeat_WolfgangLanger_Pexels.mp4"};

bool dump() { return std::getenv("PSYFACE_DETECTOR_DUMP") != nullptr; }

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void draw(const cv::Mat& frame, const std::vector<Detection>& faces, const std::filesystem::path& out) {
  cv::Mat canvas = frame.clone();
  for (const auto& f : faces) {
    cv::rectangle(canvas, f.box_px, cv::Scalar(0, 255, 0), 2);
    cv::putText(canvas, cv::format("%.2f", f.score), f.box_px.tl(), cv::FONT_HERSHEY_SIMPLEX, 0.6,
                cv::Scalar(0, 255, 0), 2);
    for (int k = 0; k < kFaceKeypointCount; ++k) {
      cv::circle(canvas, f.keypoints_px[k], 3, cv::Scalar(0, 0, 255), cv::FILLED);
      cv::putText(canvas, std::to_string(k), f.keypoints_px[k] + cv::Point2f(4, -4), cv::FONT_HERSHEY_SIMPLEX, 0.5,
                  cv::Scalar(255, 255, 0), 1);
    }
  }
  cv::imwrite(out.string(), canvas);
}

struct Recall {
  int sampled = 0, any = 0, one = 0, two_or_more = 0;
  double score_sum = 0, width_sum = 0;
  int boxes = 0;
};

// Optional perturbation of every frame first: darken (frame · brightness, a dim room) and rotate about
// the frame centre by roll_deg (a tilted head), borders black.
struct Perturbation {
  double brightness = 1, roll_deg = 0;
};

Recall measure_recall(FaceDetector& det, const std::filesystem::path& path, int every, Perturbation p = {}) {
  Recall r;
  cv::VideoCapture cap(path.string());
  cv::Mat frame;
  for (int i = 0; cap.grab(); ++i) {
    if (i % every != 0 || !cap.retrieve(frame)) continue;
    if (p.brightness != 1) frame.convertTo(frame, -1, p.brightness);
    if (p.roll_deg != 0) {
      const cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(frame.cols / 2.0f, frame.rows / 2.0f), p.roll_deg, 1);
      cv::warpAffine(frame, frame, rot, frame.size());
    }
    const auto faces = det.detect(frame);
    ++r.sampled;
    r.any += !faces.empty();
    r.one += faces.size() == 1;
    r.two_or_more += faces.size() >= 2;
    for (const auto& f : faces) {
      r.score_sum += f.score;
      r.width_sum += f.box_px.width;
      ++r.boxes;
    }
    if (const char* dir = std::getenv("PSYFACE_DETECTOR_DRAW"); dir && (r.sampled - 1) % 10 == 0)
      draw(frame, faces, std::filesystem::path(dir) / (det.options().model + "_" + path.stem().string() + "_" +
                                                       std::to_string(i) + ".png"));
    if (dump()) {
      std::printf("%s %s frame %d:", det.options().model.c_str(), path.filename().c_str(), i);
      for (const auto& f : faces)
        std::printf("  [%.0f,%.0f %.0fx%.0f s=%.2f]", f.box_px.x, f.box_px.y, f.box_px.width, f.box_px.height,
                    f.score);
      std::printf("\n");
    }
  }
  return r;
}

TEST(FaceDetectorReport, DISABLED_RecallOnDevVideos) {
  if (test::shared_dir().empty()) GTEST_SKIP() << "../shared not available";
  std::printf("\n| model | video | sampled | ≥1 face | exactly 1 | ≥2 faces | mean score | mean box width px |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (const auto& model : kModels) {
    if (!std::filesystem::exists(models_dir() / model / "model.onnx")) continue;
    DetectorOptions o;
    o.model = model;
    FaceDetector det(models_dir(), o);
    for (const auto& v : kVideos) {
      if (!std::filesystem::exists(videos_dir() / v)) continue;
      const Recall r = measure_recall(det, videos_dir() / v, 5);
      auto pct = [&](int n) { return 100.0 * n / std::max(1, r.sampled); };
      std::printf("| %s | %s | %d | %.1f %% | %.1f %% | %.1f %% | %.2f | %.0f |\n", model.c_str(), v.c_str(),
                  r.sampled, pct(r.any), pct(r.one), pct(r.two_or_more), r.score_sum / std::max(1, r.boxes),
                  r.width_sum / std::max(1, r.boxes));
    }
  }
}

TEST(FaceDetectorReport, DISABLED_RecallPerturbed) {
  if (test::shared_dir().empty()) GTEST_SKIP() << "../shared not available";
  const std::vector<Perturbation> perturbations = {{0.25, 0}, {0.12, 0}, {1, 20}, {1, 35}, {1, 50}};
  std::printf("\n| model | video | brightness | roll ° | sampled | ≥1 face | mean score |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const auto& model : kModels) {
    if (!std::filesystem::exists(models_dir() / model / "model.onnx")) continue;
    DetectorOptions o;
    o.model = model;
    FaceDetector det(models_dir(), o);
    for (const std::string v : {"fer_woman2.mp4", "openface_sample_2015-10-15-15-14.avi"}) {
      if (!std::filesystem::exists(videos_dir() / v)) continue;
      for (const auto& p : perturbations) {
        const Recall r = measure_recall(det, videos_dir() / v, 5, p);
        std::printf("| %s | %s | %.2f | %.0f | %d | %.1f %% | %.2f |\n", model.c_str(), v.c_str(), p.brightness,
                    p.roll_deg, r.sampled, 100.0 * r.any / std::max(1, r.sampled),
                    r.score_sum / std::max(1, r.boxes));
      }
    }
  }
}

// Frame-to-frame box jitter on every frame of the single-speaker clips: median |Δ centre| and |Δ width|
// between consecutive frames that both have exactly one face, weighted vs plain NMS.
TEST(FaceDetectorReport, DISABLED_BoxJitter) {
  if (test::shared_dir().empty()) GTEST_SKIP() << "../shared not available";
  std::printf("\n| model | NMS | video | frame pairs | median Δcentre px | median Δwidth px |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& model : kModels) {
    if (!std::filesystem::exists(models_dir() / model / "model.onnx")) continue;
    for (bool weighted : {true, false}) {
      DetectorOptions o;
      o.model = model;
      o.weighted_nms = weighted;
      FaceDetector det(models_dir(), o);
      for (const std::string v : {"fer_woman2.mp4", "openface_sample_2015-10-15-15-14.avi"}) {
        if (!std::filesystem::exists(videos_dir() / v)) continue;
        cv::VideoCapture cap((videos_dir() / v).string());
        cv::Mat frame;
        std::vector<double> d_centre, d_width;
        std::optional<Detection> previous;
        while (cap.read(frame)) {
          const auto faces = det.detect(frame);
          std::optional<Detection> current;
          if (faces.size() == 1) current = faces[0];
          if (previous && current) {
            const cv::Rect2f &p = previous->box_px, &c = current->box_px;
            d_centre.push_back(cv::norm((p.tl() + p.br()) / 2 - (c.tl() + c.br()) / 2));
            d_width.push_back(std::abs(p.width - c.width));
          }
          previous = current;
        }
        std::printf("| %s | %s | %s | %zu | %.2f | %.2f |\n", model.c_str(), weighted ? "weighted" : "plain",
                    v.c_str(), d_centre.size(), median(d_centre), median(d_width));
      }
    }
  }
}

cv::Mat frame_of(const std::string& file, int index) {
  cv::VideoCapture cap((videos_dir() / file).string());
  cv::Mat frame;
  for (int i = 0; i <= index; ++i) cap.read(frame);
  return frame;
}

// Smallest face each model finds in a 640×480 frame: the OpenFace sample frame (face box ≈ 190 px)
// shrunk and pasted in the centre of a mid-grey 640×480 canvas.
TEST(FaceDetectorReport, DISABLED_SmallestFace) {
  const std::string file = "openface_sample_2015-10-15-15-14.avi";
  if (test::shared_dir().empty() || !std::filesystem::exists(videos_dir() / file))
    GTEST_SKIP() << "../shared/data/videos/" << file << " not available";
  const cv::Mat vga = frame_of(file, 300);
  std::printf("\n| model | shrink | box width px (score), 0 = not found |\n|---|---|---|\n");
  for (const auto& model : kModels) {
    if (!std::filesystem::exists(models_dir() / model / "model.onnx")) continue;
    DetectorOptions o;
    o.model = model;
    o.min_face_px = 0;
    FaceDetector det(models_dir(), o);
    for (double shrink : {1.0, 0.5, 0.35, 0.25, 0.2, 0.17, 0.14, 0.12, 0.1}) {
      cv::Mat canvas(vga.size(), vga.type(), cv::Scalar::all(128)), small;
      cv::resize(vga, small, cv::Size(), shrink, shrink, cv::INTER_AREA);
      small.copyTo(canvas(cv::Rect((canvas.cols - small.cols) / 2, (canvas.rows - small.rows) / 2, small.cols,
                                   small.rows)));
      const auto faces = det.detect(canvas);
      std::printf("| %s | %.2f | %.0f (%.2f) |\n", model.c_str(), shrink, faces.empty() ? 0.0 : faces[0].box_px.width,
                  faces.empty() ? 0.0 : faces[0].score);
    }
  }
}

// Median ms of detect() and of its stages (letterbox, preprocessing + network, decode + NMS) over `calls`
// calls. The stages are timed on a second copy of the network right after each detect(); "rest" (decode,
// NMS, mapping) is the difference of medians, so it is approximate.
void time_detector(FaceDetector& det, models::DnnModel& net, const cv::Mat& frame, int calls) {
  std::vector<double> total, letterbox, make_blob, forward;
  cv::Mat square;
  for (int i = 0; i < calls + 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    const auto faces = det.detect(frame);
    const double t_total = ms_since(t0);

    t0 = std::chrono::steady_clock::now();
    const Letterbox lb = letterbox_to_square(frame, net.manifest().input_width, square);
    const double t_letterbox = ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    const cv::Mat reference_blob = net.make_blob(square);  // for comparison only
    const double t_make_blob = ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    const auto outs = net.run_image(square);  // what detect() does: preprocessing into the input, network
    const double t_forward = ms_since(t0);
    if (i < 5) continue;  // warm-up
    total.push_back(t_total);
    letterbox.push_back(t_letterbox);
    make_blob.push_back(t_make_blob);
    forward.push_back(t_forward);
    (void)lb;
    (void)faces;
    (void)outs;
  }
  const double rest = median(total) - median(letterbox) - median(forward);
  std::printf("| %s | %dx%d | %d | %.2f | %.2f | (%.2f) | %.2f | %.2f |\n", det.options().model.c_str(),
              frame.cols, frame.rows, calls, median(total), median(letterbox), median(make_blob),
              median(forward), std::max(0.0, rest));
}

TEST(FaceDetectorReport, DISABLED_MillisecondsPerDetect) {
  const std::string file = "openface_sample_2015-10-15-15-14.avi";
  if (test::shared_dir().empty() || !std::filesystem::exists(videos_dir() / file))
    GTEST_SKIP() << "../shared/data/videos/" << file << " not available";
  const int threads = std::getenv("PSYFACE_THREADS") ? std::atoi(std::getenv("PSYFACE_THREADS")) : 1;
  cv::setNumThreads(threads);
  const cv::Mat vga = frame_of(file, 300);  // 640×480, one face
  cv::Mat hd;
  cv::resize(vga, hd, cv::Size(1280, 720), 0, 0, cv::INTER_LINEAR);
  std::ifstream loadavg("/proc/loadavg");
  std::string load;
  std::getline(loadavg, load);
  std::printf("\nOpenCV %s, cv::setNumThreads(%d), load average before: %s\n", CV_VERSION, threads, load.c_str());
  std::printf("| model | frame | calls | detect() median ms | letterbox | (make_blob) | preprocessing + network |"
              " decode+NMS (rest) |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  constexpr int kCalls = 100;
  for (const auto& model : kModels) {
    if (!std::filesystem::exists(models_dir() / model / "model.onnx")) continue;
    DetectorOptions o;
    o.model = model;
    FaceDetector det(models_dir(), o);
    models::DnnModel net = models::DnnModel::load(models_dir(), model);
    time_detector(det, net, vga, kCalls);
    time_detector(det, net, hd, kCalls);
  }
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::printf("load average after: %s\n", load.c_str());
}

}  // namespace
}  // namespace psyface::faces

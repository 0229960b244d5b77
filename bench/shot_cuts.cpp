// bench_shot_cuts: cost per frame of shot-cut detection at 1280x720 (frames of a real clip scaled up), and,
// for any videos given, the cuts found with their scores and the largest scores that were not cuts.
// Prints figures; never fails on speed. Usage: bench_shot_cuts CLIP_FOR_TIMING [VIDEO...]
#include <opencv2/imgproc.hpp>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "video/display_orientation.hpp"
#include "video/shot_cut_detector.hpp"
#include "video/video_reader.hpp"

using namespace psyface;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_shot_cuts CLIP_FOR_TIMING [VIDEO...]\n");
    return 2;
  }
  {
    video::ReadOptions ro;
    ro.detect_shot_cuts = false;
    video::VideoReader reader(argv[1], ro);
    std::vector<cv::Mat> frames;
    video::Frame f;
    while (frames.size() < 120 && reader.next(f)) {
      cv::Mat big;
      cv::resize(f.bgr, big, {1280, 720}, 0, 0, cv::INTER_LINEAR);
      frames.push_back(big);
    }
    video::ShotCutDetector det;
    for (size_t k = 0; k < frames.size(); ++k) det.update(frames[k], k / 30.0);  // warm-up
    std::vector<double> ms;
    // CPU time of this thread as well: on a shared, loaded machine wall times include waiting for a core.
    const auto cpu_ms = [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
    };
    const double cpu0 = cpu_ms();
    for (int rep = 0; rep < 20; ++rep)
      for (size_t k = 0; k < frames.size(); ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        det.update(frames[k], (rep * frames.size() + k) / 30.0);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
    const double cpu_per_frame = (cpu_ms() - cpu0) / static_cast<double>(ms.size());
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms) sum += v;
    std::printf("shot-cut detection, 1280x720 BGR, %zu frames of %s: CPU %.4f ms per frame; wall mean %.4f ms, "
                "median %.4f ms, p99 %.4f ms\n",
                ms.size(), argv[1], cpu_per_frame, sum / ms.size(), ms[ms.size() / 2], ms[ms.size() * 99 / 100]);
    for (int deg : {90, 180}) {  // turning a frame upright (only for videos with a rotation)
      const double c0 = cpu_ms();
      for (const auto& f : frames) cv::Mat shown = video::apply_orientation(f, {deg, false});
      std::printf("turning a 1280x720 frame by %d degrees: CPU %.3f ms per frame\n", deg,
                  (cpu_ms() - c0) / static_cast<double>(frames.size()));
    }
  }
  for (int a = 2; a < argc; ++a) {
    video::ReadOptions ro;
    ro.detect_shot_cuts = false;
    if (const char* fps = std::getenv("PSYFACE_BENCH_FPS")) ro.sample_fps = std::atof(fps);
    video::VideoReader reader(argv[a], ro);
    video::ShotCutDetector det;
    video::Frame f;
    std::vector<std::pair<double, double>> top;  // (histogram distance, t) of non-cuts
    std::vector<std::pair<double, std::pair<double, double>>> top_thumb;  // (thumbnail, (ratio, t)) of non-cuts
    int n = 0;
    std::printf("%s:\n", argv[a]);
    while (reader.next(f)) {
      const auto s = det.update(f.bgr, f.t_sec);
      ++n;
      if (s.cut)
        std::printf("  cut at t=%.3f s: histogram %.3f (recent mean %.3f), thumbnail %.3f\n", f.t_sec,
                    s.histogram_distance, s.recent_mean, s.thumbnail_difference);
      else {
        top.push_back({s.histogram_distance, f.t_sec});
        top_thumb.push_back({s.thumbnail_difference, {s.thumbnail_difference / std::max(1e-6, s.recent_thumbnail), f.t_sec}});
      }
      if (std::getenv("PSYFACE_BENCH_TRACE"))
        std::printf("  t=%.3f hist %.3f median %.3f thumb %.3f median %.3f\n", f.t_sec, s.histogram_distance,
                    s.recent_mean, s.thumbnail_difference, s.recent_thumbnail);
    }
    std::sort(top.rbegin(), top.rend());
    std::printf("  largest non-cut thumbnail / recent median:");
    std::sort(top_thumb.rbegin(), top_thumb.rend());
    for (size_t k = 0; k < std::min<size_t>(3, top_thumb.size()); ++k)
      std::printf(" %.3f (ratio %.1f)@%.2fs", top_thumb[k].first, top_thumb[k].second.first, top_thumb[k].second.second);
    std::printf("\n");
    std::printf("  %d frames; largest non-cut histogram distances:", n);
    for (size_t k = 0; k < std::min<size_t>(5, top.size()); ++k) std::printf(" %.3f@%.2fs", top[k].first, top[k].second);
    std::printf("\n");
  }
  return 0;
}

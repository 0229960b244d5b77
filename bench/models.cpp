// bench_models: per-model inference latency, OpenCV DNN and XNNPACK side by side, 1 and 2 threads,
// batch 1 and the batch analyze uses for the emotion and identity models (per face). Prints figures and
// the per-face cost of the emotion pair + face mesh in both engines; never fails on speed.
// Usage: bench_models [models_dir] [max iterations] [batch] [model]
//   (each configuration also stops after ~1 s; batch defaults to models::kMaxEmotionBatch)
#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "models/emotion_classifier.hpp"
#include "models/dnn_model.hpp"
#include "models/model_catalog.hpp"

using namespace psyface;

namespace {

using Clock = std::chrono::steady_clock;

// Median ms per call of model.run(blob) with `threads` threads.
double median_ms(models::DnnModel& m, const cv::Mat& blob, int threads, int max_iters) {
  cv::setNumThreads(threads);
  models::set_xnnpack_threads(threads);
  for (int k = 0; k < 5; ++k) m.run(blob);
  std::vector<double> ms;
  const auto start = Clock::now();
  while (static_cast<int>(ms.size()) < max_iters &&
         (ms.size() < 10 || std::chrono::duration<double>(Clock::now() - start).count() < 1.0)) {
    const auto t0 = Clock::now();
    m.run(blob);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

cv::Mat batch_of(const cv::Mat& blob, int n) {
  std::vector<int> sz{n, blob.size[1], blob.size[2], blob.size[3]};
  cv::Mat b(4, sz.data(), CV_32F);
  for (int k = 0; k < n; ++k) std::memcpy(b.ptr<float>() + k * blob.total(), blob.ptr<float>(), blob.total() * 4);
  return b;
}

bool batched(const std::string& name) {
  return name == "mini-xception" || name == "face-api" || name == "faceres" || name == "mobilefacenet";
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : models::default_models_dir();
  const int iters = argc > 2 ? std::atoi(argv[2]) : 200;
  const int B = argc > 3 ? std::atoi(argv[3]) : models::kMaxEmotionBatch;
  const std::string only = argc > 4 ? argv[4] : "";
  std::printf("machine: %d logical cores; OpenCV %s; XNNPACK (libxnnpack-dev); median of up to %d calls "
              "(1 s cap) after 5 warm-up runs; load %s\n",
              cv::getNumberOfCPUs(), CV_VERSION, iters, [] {
                static char buf[64] = "?";
                if (FILE* f = std::fopen("/proc/loadavg", "r")) {
                  if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
                  std::fclose(f);
                  buf[std::strcspn(buf, "\n")] = 0;
                }
                return buf;
              }());
  std::printf("ms per face; batch %d columns are per face of a batch of %d (emotion and identity models)\n", B, B);
  std::printf("%-24s %-8s %8s %10s %10s %12s %12s\n", "model", "engine", "input", "b1 1t", "b1 2t",
              ("b" + std::to_string(B) + " 1t").c_str(), ("b" + std::to_string(B) + " 2t").c_str());
  std::map<std::string, std::map<models::Engine, double>> per_face_1t;  // best per-face figure used by analyze
  for (const auto& e : models::model_catalog()) {
    const std::string& name = e.manifest.name;
    if (!only.empty() && name != only) continue;
    if (models::is_audio_kind(e.manifest.output_kind)) continue;  // not an image model (bench_voice times it)
    for (auto engine : {models::Engine::OpenCV, models::Engine::Xnnpack}) {
      auto m = models::DnnModel::load(dir, name, engine);
      cv::Mat img(m.manifest().input_height, m.manifest().input_width, CV_8UC3);
      cv::randu(img, 0, 255);
      const cv::Mat blob = m.make_blob(img);
      const double b1_1 = median_ms(m, blob, 1, iters), b1_2 = median_ms(m, blob, 2, iters);
      double bb_1 = 0, bb_2 = 0;
      if (batched(name)) {
        const cv::Mat bb = batch_of(blob, B);
        bb_1 = median_ms(m, bb, 1, iters) / B;
        bb_2 = median_ms(m, bb, 2, iters) / B;
        std::printf("%-24s %-8s %4dx%-3d %10.3f %10.3f %12.3f %12.3f\n", name.c_str(),
                    models::engine_name(m.engine()).c_str(), m.manifest().input_width, m.manifest().input_height, b1_1,
                    b1_2, bb_1, bb_2);
      } else {
        std::printf("%-24s %-8s %4dx%-3d %10.3f %10.3f %12s %12s\n", name.c_str(), models::engine_name(m.engine()).c_str(),
                    m.manifest().input_width, m.manifest().input_height, b1_1, b1_2, "-", "-");
      }
      // analyze runs every model on one thread (its pipeline threads fill the cores); the emotion models
      // in batches with the XNNPACK engine.
      per_face_1t[name][engine] = (batched(name) && engine == models::Engine::Xnnpack) ? bb_1 : b1_1;
    }
    std::fflush(stdout);
  }
  if (!only.empty()) return 0;
  const auto pair = [&](models::Engine en) {
    return per_face_1t["mini-xception"][en] + per_face_1t["face-api"][en] + per_face_1t["facemesh"][en];
  };
  const double ocv = pair(models::Engine::OpenCV), xnn = pair(models::Engine::Xnnpack);
  std::printf("\nemotion pair + face mesh per face, 1 thread (as analyze runs them): OpenCV DNN %.3f ms (batch 1), "
              "XNNPACK %.3f ms (emotion batch %d): %.2fx less (%.0f %% of the OpenCV time; target <= 33 %%)\n",
              ocv, xnn, B, ocv / xnn, 100.0 * xnn / ocv);
  return 0;
}

// bench_models: per-model inference latency (OpenCV DNN, CPU) with 1 and 2 threads. Prints figures;
// never fails on speed. Usage: bench_models [models_dir] [iterations]
#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "models/dnn_model.hpp"
#include "models/model_catalog.hpp"

using namespace psyface;

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : models::default_models_dir();
  const int iters = argc > 2 ? std::atoi(argv[2]) : 200;
  std::printf("machine: %d logical cores; OpenCV %s; %d iterations after 10 warm-up runs\n", cv::getNumberOfCPUs(),
              CV_VERSION, iters);
  std::printf("%-24s %8s %12s %12s %12s\n", "model", "input", "1 thread ms", "2 threads ms", "p90 (2t) ms");
  for (const auto& e : models::model_catalog()) {
    auto m = models::DnnModel::load(dir, e.manifest.name);
    cv::Mat img(m.manifest().input_height, m.manifest().input_width, CV_8UC3);
    cv::randu(img, 0, 255);
    const cv::Mat blob = m.make_blob(img);
    double med[2] = {0, 0}, p90 = 0;
    for (int t = 1; t <= 2; ++t) {
      cv::setNumThreads(t);
      for (int k = 0; k < 10; ++k) m.run(blob);
      std::vector<double> ms;
      for (int k = 0; k < iters; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        m.run(blob);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      std::sort(ms.begin(), ms.end());
      med[t - 1] = ms[ms.size() / 2];
      if (t == 2) p90 = ms[ms.size() * 9 / 10];
    }
    std::printf("%-24s %4dx%-3d %12.3f %12.3f %12.3f\n", e.manifest.name.c_str(), m.manifest().input_width,
                m.manifest().input_height, med[0], med[1], p90);
  }
  return 0;
}

// bench_analyze: end-to-end `psyface analyze` throughput on one video: frames/s, × real time, time per
// stage per frame, peak RSS. Prints figures; never fails on speed. Writes the CSV like the CLI does.
//   bench_analyze VIDEO [--fps N] [--models DIR] [--model ensemble|mini-xception|face-api]
//                 [--engine xnnpack|opencv] [--tta none|flip] [--face-actions 0|1]
// --face-actions 0 leaves out the action units, gaze and head motion (their features in the pass and the
// session columns after it), to measure what they cost (docs/action-units.md, "Cost").
// bench/run_analyze.sh makes the synthetic long session and runs the whole set (docs/benchmarks.md).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "analysis/face_session.hpp"
#include "analysis/session_analyzer.hpp"
#include "models/dnn_model.hpp"
#include "models/model_catalog.hpp"
#include "tables/frames_csv.hpp"

using namespace psyface;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_analyze VIDEO [--fps N] [--models DIR] [--model NAME] [--detect-every K] "
                         "[--engine xnnpack|opencv] [--tta none|flip]\n");
    return 2;
  }
  const std::filesystem::path video = argv[1];
  std::filesystem::path models_dir = models::default_models_dir();
  analysis::AnalyzeOptions o;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--fps")) o.read.sample_fps = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--models")) models_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--model")) o.emotion.model = argv[i + 1];
    else if (!std::strcmp(argv[i], "--detect-every")) o.tracker.detect_every_frames = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--decoder-threads")) o.read.decoder_threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--engine")) models::set_default_engine(models::parse_engine(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--tta")) o.emotion.tta_flip = !std::strcmp(argv[i + 1], "flip");
    else if (!std::strcmp(argv[i], "--face-actions")) o.face_actions = std::atoi(argv[i + 1]) != 0;
  }
  const auto csv_path = std::filesystem::temp_directory_path() / ("bench_analyze_" + std::to_string(::getpid()) + ".csv");
  tables::FramesCsvWriter writer(csv_path, false);
  analysis::AnalyzeCallbacks cb;
  analysis::FaceSessionColumns session_columns;
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) {
    writer.write_frame(rows);
    if (o.face_actions)
      for (const auto& r : rows)
        if (r.success) session_columns.add(r);
  };
  const auto s = analysis::analyze_video(video, models_dir, o, cb);
  writer.commit();
  const auto t_session = std::chrono::steady_clock::now();
  std::string session_text;
  if (o.face_actions) {  // the session columns (baselines, head motion) as `psyface analyze` makes them
    session_columns.finish(s.persons);
    for (size_t k = 0; k < session_columns.rows(); ++k) session_columns.append_row(k, session_text), session_text.clear();
  }
  const double session_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_session).count();
  std::filesystem::remove(csv_path);

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double n = static_cast<double>(s.frames_analysed);
  const double video_sec = s.decode.last_t_sec + (s.video.nominal_fps > 0 ? 1.0 / s.video.nominal_fps : 0);
  const double cpu_sec = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  std::printf("video            %s (%dx%d, %s, %.1f s, %lld frames decoded)\n", video.filename().c_str(),
              s.video.width_px, s.video.height_px, s.video.codec_name.c_str(), video_sec,
              static_cast<long long>(s.decode.frames_decoded));
  std::printf("options          --fps %g, --model %s, --tta %s, --engine %s, detect every %d frames, detector %s\n",
              o.read.sample_fps, o.emotion.model.c_str(), o.emotion.tta_flip ? "flip" : "none",
              models::engine_name(models::default_engine()).c_str(), o.tracker.detect_every_frames,
              o.tracker.detector.model.c_str());
  std::printf("frames analysed  %lld (%lld face rows, %lld without a face, %d tracks)\n",
              static_cast<long long>(s.frames_analysed), static_cast<long long>(s.face_rows),
              static_cast<long long>(s.no_face_rows), s.tracks);
  const double wall = s.wall_sec + session_sec;
  std::printf("end-to-end       %.1f frames/s, %.2f x real time, wall %.1f s, CPU %.1f s (face actions %s, session columns %.3f s)\n",
              n / wall, video_sec / wall, wall, cpu_sec, o.face_actions ? "on" : "off", session_sec);
  std::printf("per frame (ms)   decode-wait %.2f | detect %.2f (%lld runs) | mesh %.2f | crop+geometry %.2f | emotion %.2f | write %.3f\n",
              s.times.decode_wait_ms / n, s.times.detect_ms / n, static_cast<long long>(s.tracking.detector_runs),
              s.times.mesh_ms / n, s.times.crop_geometry_ms / n, s.times.emotion_ms / n, s.times.write_ms / n);
  std::printf("peak RSS         %.1f MB\n", ru.ru_maxrss / 1024.0);
  return 0;
}

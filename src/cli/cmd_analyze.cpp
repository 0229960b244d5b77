// psyface analyze VIDEO --out DIR — per-frame facial affect for a session video.
#include <csignal>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <atomic>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "analysis/session_analyzer.hpp"
#include "cli/cli_common.hpp"
#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"
#include "report/frames_csv.hpp"
#include "util/atomic_file.hpp"
#include "util/progress.hpp"
#include "video/probe.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace psyface::cli {
namespace {

struct AnalyzeCliOptions {
  std::string video;
  std::string out_dir = "psyface-out";
  analysis::AnalyzeOptions a;
  std::string tta = "none";
  ModelRunOptions run;
};

AnalyzeCliOptions g_opts;
std::atomic<bool> g_interrupted{false};

void on_sigint(int) {
  g_interrupted = true;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

nlohmann::json options_json() {
  const auto& a = g_opts.a;
  return {{"fps", a.read.sample_fps},
          {"start_sec", a.read.start_sec},
          {"end_sec", a.read.end_sec},
          {"detector", a.tracker.detector.model},
          {"detect_every", a.tracker.detect_every_frames},
          {"min_face_px", a.tracker.detector.min_face_px},
          {"detection_threshold", a.tracker.detector.score_threshold},
          {"max_faces", a.tracker.detector.max_faces},
          {"min_presence", a.tracker.mesh.min_presence},
          {"model", a.emotion.model},
          {"tta", g_opts.tta},
          {"crop_px", a.emotion_crop_px},
          {"crop_margin", a.crop_margin},
          {"low_confidence", a.low_confidence},
          {"large_yaw_deg", a.large_yaw_deg},
          {"landmarks", a.landmarks}};
}

nlohmann::json summary_json(const analysis::AnalyzeSummary& s, const std::string& started) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : s.models) models.push_back({{"name", m.name}, {"sha256", m.sha256}, {"source", m.source}});
  const auto& v = s.video;
  const auto& d = s.decode;
  const auto& t = s.times;
  return {{"format", "psyface-analysis"},
          {"format_version", 1},
          {"psyface_version", kVersion},
          {"started", started},
          {"finished", now_iso8601()},
          {"options", options_json()},
          {"models", models},
          {"video",
           {{"path", v.path}, {"container", v.container_format}, {"codec", v.codec_name}, {"width_px", v.width_px},
            {"height_px", v.height_px}, {"nominal_fps", v.nominal_fps}, {"duration_sec", v.duration_sec},
            {"frame_count_estimate", v.frame_count_estimate}, {"frames_decoded", d.frames_decoded},
            {"frames_analysed", s.frames_analysed}, {"frames_corrupt", d.frames_corrupt},
            {"decode_errors", d.decode_errors}, {"timestamps_repaired", d.timestamps_repaired},
            {"truncated", d.truncated}, {"undecoded_sec", d.undecoded_sec}, {"last_t_sec", d.last_t_sec},
            {"first_error", d.first_error}}},
          {"rows", {{"face", s.face_rows}, {"no_face", s.no_face_rows}}},
          {"tracking",
           {{"tracks_started", s.tracking.tracks_started}, {"reacquisitions", s.tracking.reacquisitions},
            {"detector_runs", s.tracking.detector_runs}, {"mesh_runs", s.tracking.mesh_runs}}},
          {"timing_ms",
           {{"wall", s.wall_sec * 1000}, {"decode_wait", t.decode_wait_ms}, {"detect", t.detect_ms},
            {"mesh", t.mesh_ms}, {"crop_geometry", t.crop_geometry_ms}, {"emotion", t.emotion_ms},
            {"write", t.write_ms}}},
          {"cancelled", s.cancelled}};
}

// Mean emotion probabilities and smile per track, printed to stdout when the run ends.
struct TrackMeans {
  int64_t rows = 0;
  std::array<double, kEmotionCount> p{};
  double smile = 0;
};

void print_track_means(const std::map<int, TrackMeans>& tracks, int64_t frames) {
  std::printf("%-6s %7s %7s", "track", "frames", "share");
  for (auto n : kEmotionNames) std::printf(" %9.9s", std::string(n).c_str());
  std::printf(" %7s\n", "smile");
  for (const auto& [id, t] : tracks) {
    std::printf("%-6d %7lld %7.3f", id, static_cast<long long>(t.rows), frames ? double(t.rows) / frames : 0.0);
    for (double v : t.p) std::printf(" %9.3f", v / t.rows);
    std::printf(" %7.3f\n", t.smile / t.rows);
  }
}

void run_analyze() {
  const auto models_dir = apply_model_run_options(g_opts.run);
  av_log_set_level(AV_LOG_ERROR);
  g_opts.a.emotion.tta_flip = g_opts.tta == "flip";
  const std::filesystem::path video = g_opts.video;
  if (!std::filesystem::exists(video)) throw Error(ErrorCode::Input, "video not found: " + video.string());
  const std::filesystem::path out = g_opts.out_dir;
  const std::string stem = video.stem().string();
  const std::string started = now_iso8601();

  // Written as <stem>.frames.csv.tmp-<pid> and renamed at the end; an interrupted run is kept as
  // <stem>.frames.partial.csv so it never replaces an earlier complete result.
  report::FramesCsvWriter writer(out / (stem + ".frames.partial.csv"), g_opts.a.landmarks);
  const video::VideoInfo info = video::probe(video);  // throws Error(Input) naming the file for a non-video
  const double end = g_opts.a.read.end_sec > 0 ? std::min(g_opts.a.read.end_sec, info.duration_sec) : info.duration_sec;
  const double span = std::max(0.0, end - g_opts.a.read.start_sec);
  const int64_t expected = g_opts.a.read.sample_fps > 0 ? static_cast<int64_t>(span * g_opts.a.read.sample_fps)
                           : info.duration_sec > 0 ? static_cast<int64_t>(info.frame_count_estimate * span / info.duration_sec)
                                                   : 0;
  util::ProgressLine progress("analyze " + video.filename().string(), expected, "frames", !g_opts.run.quiet);
  analysis::AnalyzeCallbacks cb;
  std::map<int, TrackMeans> means;
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) {
    writer.write_frame(rows);
    for (const auto& o : rows) {
      if (!o.success) continue;
      auto& m = means[o.track_id];
      ++m.rows;
      for (int k = 0; k < kEmotionCount; ++k) m.p[k] += o.emotion.p[k];
      m.smile += o.smile_intensity;
    }
  };
  cb.on_progress = [&](int64_t done, double) { progress.update(done); };
  cb.should_stop = [] { return g_interrupted.load(); };
  std::signal(SIGINT, on_sigint);
  const auto summary = analysis::analyze_video(video, models_dir, g_opts.a, cb);
  std::signal(SIGINT, SIG_DFL);
  progress.finish();
  writer.commit();

  const bool partial = summary.cancelled;
  const auto final_csv = out / (stem + (partial ? ".frames.partial.csv" : ".frames.csv"));
  if (!partial) std::filesystem::rename(out / (stem + ".frames.partial.csv"), final_csv);
  const auto sidecar = out / (stem + (partial ? ".analysis.partial.json" : ".analysis.json"));
  util::write_file_atomic(sidecar, summary_json(summary, started).dump(2) + "\n");

  std::cerr << "psyface: " << summary.frames_analysed << " frames analysed (" << summary.face_rows << " face rows, "
            << summary.no_face_rows << " frames without a face, " << summary.tracks << " tracks) in "
            << util::format_duration(summary.wall_sec) << " = "
            << (summary.wall_sec > 0 ? summary.frames_analysed / summary.wall_sec : 0) << " frames/s\n"
            << "psyface: wrote " << final_csv.string() << " and " << sidecar.string() << "\n";
  print_track_means(means, summary.frames_analysed);
  if (partial) {
    std::cerr << "psyface: interrupted: results up to t=" << summary.decode.last_t_sec << " s kept as partial files\n";
    set_exit_status(130);
  } else if (summary.decode.truncated) {
    std::cerr << "psyface: error: " << video.string() << " is truncated or damaged: decoded up to t="
              << summary.decode.last_t_sec << " s, about " << summary.decode.undecoded_sec
              << " s could not be decoded (" << summary.decode.first_error << "); results up to the cut were written\n";
    set_exit_status(static_cast<int>(ErrorCode::Input));
  }
}

Registrar reg([](CLI::App& app) {
  auto& o = g_opts;
  auto* cmd = app.add_subcommand("analyze", "Per-frame facial affect for a session video → DIR/<stem>.frames.csv");
  cmd->add_option("VIDEO", o.video, "Video file (any format FFmpeg reads)")->required();
  cmd->add_option("-o,--out", o.out_dir, "Output folder")->capture_default_str();
  cmd->add_option("--fps", o.a.read.sample_fps, "Analyse N frames per second (0 = every frame)")->capture_default_str();
  cmd->add_option("--start", o.a.read.start_sec, "Start time in seconds")->capture_default_str();
  cmd->add_option("--end", o.a.read.end_sec, "End time in seconds (-1 = to the end)")->capture_default_str();
  cmd->add_option("--detector", o.a.tracker.detector.model, "Face detector: blazeface-back or facemesh-detection-full")
      ->check(CLI::IsMember({"blazeface-back", "facemesh-detection-full"}))
      ->capture_default_str();
  cmd->add_option("--detect-every", o.a.tracker.detect_every_frames,
                  "Run the detector at least every K analysed frames (and whenever a face is lost)")
      ->capture_default_str();
  cmd->add_option("--min-face", o.a.tracker.detector.min_face_px, "Minimum face size in pixels")->capture_default_str();
  cmd->add_option("--max-faces", o.a.tracker.detector.max_faces, "Most faces tracked at once")->capture_default_str();
  cmd->add_option("--detection-threshold", o.a.tracker.detector.score_threshold, "Detector score threshold (0..1)")
      ->capture_default_str();
  cmd->add_option("--model", o.a.emotion.model, "Emotion model: mini-xception, face-api or ensemble")
      ->check(CLI::IsMember({"mini-xception", "face-api", "ensemble"}))
      ->capture_default_str();
  cmd->add_option("--tta", o.tta, "Emotion test-time augmentation: none or flip")
      ->check(CLI::IsMember({"none", "flip"}))
      ->capture_default_str();
  cmd->add_option("--large-yaw", o.a.large_yaw_deg, "flag_large_yaw above this |yaw| in degrees")->capture_default_str();
  cmd->add_flag("--landmarks", o.a.landmarks, "Also write the 468 landmark positions (x_0..x_467, y_0..y_467)");
  add_model_run_options(cmd, o.run);
  cmd->callback(run_analyze);
});

}  // namespace
}  // namespace psyface::cli

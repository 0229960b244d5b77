// psyface annotate VIDEO --out FILE.mp4 [--frames TABLE] [--blur-faces] — the video with what the analysis
// saw drawn on it (report/annotated_video.hpp). The output shows faces: written only when asked for.
#include <csignal>

#include <atomic>
#include <iostream>

#include "cli/cli_common.hpp"
#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "report/annotated_video.hpp"
#include "report/annotation_analysis.hpp"
#include "util/progress.hpp"
#include "video/probe.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace psyface::cli {
namespace {

struct AnnotateCliOptions : SessionAnalysisCliOptions {
  std::string video, out, frames;
  bool blur_faces = false;
  int crf = 20;
  std::string layout = "auto", patient = "left", inset = "therapist";
  ModelRunOptions run;
  CLI::App* analysis_group = nullptr;
};

AnnotateCliOptions g_opts;
std::atomic<bool> g_interrupted{false};

void on_sigint(int) {
  g_interrupted = true;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

void check_paths(const std::filesystem::path& video, const std::filesystem::path& out) {
  if (!std::filesystem::exists(video)) throw Error(ErrorCode::Input, "video not found: " + video.string());
  std::error_code ec;
  if (std::filesystem::equivalent(video, out, ec)) throw Error(ErrorCode::Usage, "--out would replace the input video");
}

// Without --frames: the analysis of `psyface analyze` with the options given here.
report::AnalysedAnnotation analyse(const std::filesystem::path& video, const video::VideoInfo& info) {
  const auto models_dir = apply_model_run_options(g_opts.run);
  auto a = g_opts.a;
  a.emotion = g_opts.emotion.to_options();
  a.persons.enabled = !g_opts.no_persons;
  a.persons.layout = faces::parse_layout(g_opts.layout);
  a.persons.roles.patient = faces::parse_patient_rule(g_opts.patient);
  a.persons.roles.inset = faces::parse_inset_role(g_opts.inset);
  a.read.rotation_deg = g_opts.rotation == "auto" ? -1 : std::stoi(g_opts.rotation);
  const double fps = a.read.sample_fps;
  util::ProgressLine progress("analyze " + video.filename().string(),
                              fps > 0 ? int64_t(info.duration_sec * fps) + 1 : info.frame_count_estimate, "frames",
                              !g_opts.run.quiet);
  analysis::AnalyzeCallbacks cb;
  cb.on_progress = [&](int64_t done, double) { progress.update(done); };
  cb.should_stop = [] { return g_interrupted.load(); };
  auto result = report::analyse_for_annotation(video, models_dir, a, cb);
  progress.finish();
  return result;
}

void report_summary(const report::AnnotateSummary& s, const std::filesystem::path& out) {
  std::cerr << "psyface: wrote " << out.string() << " (" << s.frames_written << " frames, " << s.codec << ", "
            << s.boxes_drawn << " face boxes; " << s.frames_held << " frames show the nearest earlier analysed frame, "
            << s.frames_not_analysed << " frames were not analysed); no audio\n";
  if (g_opts.blur_faces && s.frames_not_analysed + s.frames_without_face > 0)
    std::cerr << "psyface: warning: --blur-faces blurs only the faces the analysis found: " << s.frames_without_face
              << " frames where it found no face and " << s.frames_not_analysed
              << " frames it did not analyse are not blurred; watch the video before showing it\n";
  if (s.decode.truncated) {
    std::cerr << "psyface: error: the video is truncated or damaged: decoded up to t=" << s.decode.last_t_sec << " s ("
              << s.decode.first_error << "); the annotated video ends there\n";
    set_exit_status(static_cast<int>(ErrorCode::Input));
  }
}

void run_annotate() {
  av_log_set_level(AV_LOG_ERROR);
  const std::filesystem::path video = g_opts.video, out = g_opts.out;
  size_t analysis_options_given = 0;
  for (const auto* option : g_opts.analysis_group->get_options()) analysis_options_given += option->count();
  if (!g_opts.frames.empty() && analysis_options_given > 0)
    throw Error(ErrorCode::Usage, "analysis options are for annotate without --frames; the table's analysis is drawn as it is");
  check_paths(video, out);
  const video::VideoInfo info = video::probe(video);  // throws Error(Input) naming a file that is not a video
  std::signal(SIGINT, on_sigint);
  report::AnalysedAnnotation analysed;
  if (g_opts.frames.empty()) {
    analysed = analyse(video, info);
  } else {
    analysed.table = report::read_annotation_table(g_opts.frames);
  }
  if (g_interrupted || analysed.summary.cancelled) {
    std::cerr << "psyface: interrupted: nothing written\n";
    set_exit_status(130);
    return;
  }
  report::AnnotateOptions options;
  options.blur_faces = g_opts.blur_faces;
  options.writer.crf = g_opts.crf;
  util::ProgressLine progress("annotate " + video.filename().string(), info.frame_count_estimate, "frames",
                             !g_opts.run.quiet);
  report::AnnotateCallbacks cb;
  cb.on_progress = [&](int64_t done) { progress.update(done); };
  cb.should_stop = [] { return g_interrupted.load(); };
  const report::AnnotateSummary s = report::annotate_video(video, analysed.table, out, options, cb);
  std::signal(SIGINT, SIG_DFL);
  progress.finish();
  if (s.cancelled) {
    std::cerr << "psyface: interrupted: nothing written (" << out.string() << " not created)\n";
    set_exit_status(130);
    return;
  }
  report_summary(s, out);
}

Registrar reg([](CLI::App& app) {
  auto& o = g_opts;
  auto* cmd = app.add_subcommand(
      "annotate",
      "The video with face boxes, person and role labels, emotion and smile bars drawn per face → FILE.mp4. "
      "PRIVACY: the output shows the faces (use --blur-faces for showing outside the team)");
  cmd->add_option("VIDEO", o.video, "Session video (any format FFmpeg reads)")->required();
  cmd->add_option("-o,--out", o.out, "Annotated video to write (.mp4, .mov or .mkv); holds face images")
      ->required()
      ->check([](const std::string& s) {
        const auto ext = std::filesystem::path(s).extension().string();
        return ext == ".mp4" || ext == ".mov" || ext == ".mkv" ? std::string() : "--out must end in .mp4, .mov or .mkv";
      });
  cmd->add_option("--frames", o.frames,
                  "Draw this frames table of VIDEO (<stem>.frames.csv, or a study's .frames.csv.gz) instead of "
                  "analysing again; its sidecar <stem>.analysis.json, when beside it, is checked against VIDEO");
  cmd->add_flag("--blur-faces", o.blur_faces,
                "Blur every face box the analysis found (for showing outside the team; faces it missed stay visible)");
  cmd->add_option("--crf", o.crf, "H.264 quality, 0 (lossless) to 51 (lower = better and larger)")
      ->check(CLI::Range(0, 51))
      ->capture_default_str();
  o.analysis_group = cmd->add_option_group("Analysis", "Analysis options, only without --frames (as psyface analyze)");
  add_session_analysis_options(o.analysis_group, o);
  o.analysis_group->add_option("--layout", o.layout, "auto, split, single or pip (as psyface analyze)")
      ->check(CLI::IsMember({"auto", "split", "single", "pip"}))
      ->capture_default_str();
  o.analysis_group->add_option("--patient", o.patient, "Who is the patient: left, right, largest or person:N")
      ->capture_default_str();
  o.analysis_group->add_option("--inset", o.inset, "pip: the role of the person in the small inset")
      ->check(CLI::IsMember({"therapist", "patient"}))
      ->capture_default_str();
  add_model_run_options(cmd, o.run);
  cmd->callback(run_annotate);
});

}  // namespace
}  // namespace psyface::cli

#include "cli/cli_common.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include <opencv2/core.hpp>

#include "faces/focal_length.hpp"
#include "models/dnn_model.hpp"
#include "models/model_catalog.hpp"

namespace psyface::cli {

void add_session_analysis_options(CLI::App* cmd, SessionAnalysisCliOptions& o) {
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
  add_emotion_options(cmd, o.emotion);
  cmd->add_option("--large-yaw", o.a.large_yaw_deg, "flag_large_yaw above this |yaw| in degrees")->capture_default_str();
  cmd->add_option("--focal-px", o.a.focal_px,
                  "Gaze camera: its focal length in pixels; 0 = OpenFace's guess from the frame size (principal "
                  "point at the frame's centre); -1 = none, gaze along each face's line of sight (for split-screen "
                  "and picture-in-picture composites)")
      ->check([](const std::string& s) {
        double v = 0;
        return faces::parse_focal_px(s, v) ? std::string()
                                           : "--focal-px must be a focal length in pixels (1 to 1000000), 0 "
                                             "(OpenFace's guess) or -1 (none)";
      })
      ->capture_default_str();
  cmd->add_option("--rotation", o.rotation,
                  "Turn frames upright: auto (the file's display matrix or rotate tag) or 0, 90, 180, 270 "
                  "(degrees clockwise, replacing what the file says)")
      ->check(CLI::IsMember({"auto", "0", "90", "180", "270"}))
      ->capture_default_str();
  cmd->add_option("--min-presence", o.a.persons.roles.min_presence,
                  "Persons in a smaller share of analysed frames get role 'other'")
      ->capture_default_str();
  cmd->add_option("--person-similarity", o.a.persons.identity.min_similarity,
                  "Cosine similarity at which two tracks are the same person")
      ->capture_default_str();
  cmd->add_flag("--no-persons", o.no_persons,
                "No identity embeddings: person_id = -1, role unknown (so no per-role study measures)");
  cmd->add_flag("--landmarks", o.a.landmarks, "Also write the 468 landmark positions (x_0..x_467, y_0..y_467)");
}

void add_model_run_options(CLI::App* cmd, ModelRunOptions& o) {
  cmd->add_option("--models", o.models_dir, "Folder of built models (default: $PSYFACE_MODELS or <repo>/models)");
  cmd->add_option("--threads", o.threads,
                  "Inference threads, 0 = all cores (OpenCV DNN) / one (XNNPACK, which needs an explicit N)")
      ->capture_default_str();
  cmd->add_option("--engine", o.engine,
                  "Inference engine: xnnpack, or opencv (OpenCV DNN, the reference path; same results within 1e-5)")
      ->check(CLI::IsMember({"xnnpack", "opencv"}))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", o.quiet, "No progress line");
}

void add_emotion_options(CLI::App* cmd, EmotionCliOptions& o) {
  cmd->add_option("--model", o.model, "Emotion model: mini-xception, face-api or ensemble (mean of both)")
      ->check(CLI::IsMember({"mini-xception", "face-api", "ensemble"}))
      ->capture_default_str();
  cmd->add_option("--tta", o.tta, "Test-time augmentation: none or flip (average with the mirrored crop)")
      ->check(CLI::IsMember({"none", "flip"}))
      ->capture_default_str();
}

std::filesystem::path apply_model_run_options(const ModelRunOptions& o) {
  cv::setNumThreads(o.threads > 0 ? o.threads : cv::getNumberOfCPUs());
  models::set_default_engine(models::parse_engine(o.engine));
  models::set_xnnpack_threads(o.threads > 0 ? o.threads : 1);
  return o.models_dir.empty() ? models::default_models_dir() : std::filesystem::path(o.models_dir);
}

}  // namespace psyface::cli

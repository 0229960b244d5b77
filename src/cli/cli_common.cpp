#include "cli/cli_common.hpp"

#include <opencv2/core.hpp>

#include "models/dnn_model.hpp"
#include "models/model_catalog.hpp"

namespace psyface::cli {

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

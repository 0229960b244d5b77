// Options shared by the commands that run models.
#pragma once
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

#include "models/emotion_classifier.hpp"

namespace psyface::cli {

struct ModelRunOptions {
  std::string models_dir;  // empty = models::default_models_dir()
  int threads = 0;         // 0 = all cores
  std::string engine = "xnnpack";  // xnnpack or opencv (models::Engine)
  bool quiet = false;
};

void add_model_run_options(CLI::App* cmd, ModelRunOptions& o);

// --model and --tta, shared by analyze, classify and eval.
struct EmotionCliOptions {
  std::string model = "ensemble";  // mini-xception, face-api or ensemble
  std::string tta = "none";        // none or flip
  bool flip() const { return tta == "flip"; }
  models::EmotionOptions to_options() const { return {model, flip()}; }
};

void add_emotion_options(CLI::App* cmd, EmotionCliOptions& o);

// Applies threads (both engines) and the engine choice; returns the models folder to use.
std::filesystem::path apply_model_run_options(const ModelRunOptions& o);

}  // namespace psyface::cli

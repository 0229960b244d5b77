// Options shared by the commands that run models.
#pragma once
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

#include "analysis/session_analyzer.hpp"
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

// The per-video analysis options that `analyze` and `study run` share (the study passes them on to every
// session's analyze): frame sampling, detection, flags, persons, rotation, landmarks; with --model/--tta.
struct SessionAnalysisCliOptions {
  analysis::AnalyzeOptions a;
  EmotionCliOptions emotion;
  std::string rotation = "auto";  // auto (from the file) or 0, 90, 180, 270 clockwise
  bool no_persons = false;
};

void add_session_analysis_options(CLI::App* cmd, SessionAnalysisCliOptions& o);

// Applies threads (both engines) and the engine choice; returns the models folder to use.
std::filesystem::path apply_model_run_options(const ModelRunOptions& o);

}  // namespace psyface::cli

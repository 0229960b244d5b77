// Options shared by the commands that run models.
#pragma once
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace psyface::cli {

struct ModelRunOptions {
  std::string models_dir;  // empty = models::default_models_dir()
  int threads = 0;         // 0 = all cores
  bool quiet = false;
};

void add_model_run_options(CLI::App* cmd, ModelRunOptions& o);

// Applies threads to OpenCV; returns the models folder to use.
std::filesystem::path apply_model_run_options(const ModelRunOptions& o);

}  // namespace psyface::cli

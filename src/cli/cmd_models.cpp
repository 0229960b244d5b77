// psyface models build|list|verify — convert the npm TensorFlow.js weights to ONNX and check them.
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "audio/silero_vad.hpp"
#include "models/dnn_model.hpp"
#include "models/model_catalog.hpp"
#include "psyface/error.hpp"

namespace psyface::cli {
namespace {

struct ModelsOptions {
  std::string sources_dir;             // default: models::default_sources_dir()
  std::string models_dir;              // default: models::default_models_dir()
  std::vector<std::string> only;       // empty = all
};

ModelsOptions g_opts;

std::filesystem::path models_dir() {
  return g_opts.models_dir.empty() ? models::default_models_dir() : std::filesystem::path(g_opts.models_dir);
}

std::vector<const models::CatalogEntry*> selected() {
  std::vector<const models::CatalogEntry*> out;
  if (g_opts.only.empty())
    for (const auto& e : models::model_catalog()) out.push_back(&e);
  for (const auto& name : g_opts.only) out.push_back(&models::catalog_entry(name));
  return out;
}

void run_build() {
  const auto sources = g_opts.sources_dir.empty() ? models::default_sources_dir() : std::filesystem::path(g_opts.sources_dir);
  const auto out = models_dir();
  std::cerr << "converting TensorFlow.js models from " << sources.string() << " into " << out.string() << "\n";
  for (const auto* e : selected()) {
    const auto r = models::build_model(*e, sources, out);
    std::printf("%-24s %8.1f KB  %.2f s  sha256 %s\n", r.manifest.name.c_str(), r.onnx_bytes / 1024.0, r.seconds,
                r.manifest.sha256.c_str());
  }
}

void run_verify(bool load) {
  const auto dir = models_dir();
  int bad = 0;
  for (const auto* e : selected()) {
    const std::string& name = e->manifest.name;
    try {
      if (load && models::is_audio_kind(e->manifest.output_kind)) {  // checked and read by its own runner
        const auto vad = audio::SileroVad::load(dir);
        const auto& m = vad.manifest();
        std::printf("%-24s ok       sha256 %s  %s@%s (%s)\n", name.c_str(), m.sha256.c_str(), m.source_package.c_str(),
                    m.source_version.c_str(), m.licence.c_str());
      } else if (load) {
        auto m = models::DnnModel::load(dir, name);
        std::printf("%-24s ok       sha256 %s  %s@%s (%s)\n", name.c_str(), m.checksum().c_str(),
                    m.manifest().source_package.c_str(), m.manifest().source_version.c_str(), m.manifest().licence.c_str());
      }
    } catch (const Error& err) {
      ++bad;
      std::printf("%-24s FAILED   %s\n", name.c_str(), err.what());
    }
  }
  if (bad) throw Error(ErrorCode::Model, std::to_string(bad) + " model(s) missing or not matching their manifest");
}

void add_common(CLI::App* cmd) {
  cmd->add_option("--models", g_opts.models_dir, "Folder of built models (default: $PSYFACE_MODELS or <repo>/models)");
  cmd->add_option("--only", g_opts.only, "Only these models (default: all)");
}

Registrar reg([](CLI::App& app) {
  auto* models = app.add_subcommand("models", "Build, list and verify the converted models");
  models->require_subcommand(1);
  auto* build = models->add_subcommand("build", "Convert the npm TensorFlow.js weights to ONNX in C++ (the voice-activity ONNX file is copied) and write manifests");
  build->add_option("--sources", g_opts.sources_dir, "node_modules folder holding the weight packages (default: <repo>/node_modules)");
  add_common(build);
  build->callback(run_build);
  auto* verify = models->add_subcommand("verify", "Check every model's checksum against its manifest and load it");
  add_common(verify);
  verify->callback([] { run_verify(true); });
  auto* list = models->add_subcommand("list", "List models with source, licence and checksum (verifies them)");
  add_common(list);
  list->callback([] { run_verify(true); });
});

}  // namespace
}  // namespace psyface::cli

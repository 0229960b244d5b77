// The models psyface knows: where each comes from (npm package, version, file) and how it is fed.
// `psyface models build` converts each to models/<name>/model.onnx + manifest.json.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "models/manifest.hpp"

namespace psyface::models {

// OnnxFile: an ONNX file shipped as is in the package (the voice-activity model), copied byte for byte.
enum class SourceKind { TfjsGraphModel, FaceApiExpressionWeights, OnnxFile };

struct CatalogEntry {
  Manifest manifest;                  // everything but sha256 / outputs, which the build fills in
  SourceKind kind = SourceKind::TfjsGraphModel;
  std::vector<std::string> outputs;   // TF node names to expose; empty = the model's signature/sinks
};

const std::vector<CatalogEntry>& model_catalog();

// throws Error(Usage) listing the known names when name is unknown.
const CatalogEntry& catalog_entry(const std::string& name);

// Where built models live: $PSYFACE_MODELS, else <exe>/../../models or <exe>/../share/psyface/models, else ./models.
std::filesystem::path default_models_dir();
// Where the npm packages are: $PSYFACE_NODE_MODULES, else <exe>/../../node_modules, else ./node_modules.
std::filesystem::path default_sources_dir();

struct BuildResult {
  Manifest manifest;
  int64_t onnx_bytes = 0;
  double seconds = 0;
};

// requires: sources_dir holds the npm packages named in the entry.
// ensures: models_dir/<name>/model.onnx and manifest.json written atomically (never half-written).
// throws Error(Model) when the source is missing or cannot be converted, Error(Output) when unwritable.
BuildResult build_model(const CatalogEntry& entry, const std::filesystem::path& sources_dir,
                        const std::filesystem::path& models_dir);

}  // namespace psyface::models

// Reading TensorFlow.js model files: graph-model JSON (GraphDef nodes + weights manifest) and
// layers-style weights manifests (face-api). Weights are decoded to float32/int32:
// float16 → float32; uint8 quantised → q·scale + min computed in double.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/tensor.hpp"

namespace psyface::models {

struct TfNode {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // "node" or "node:k"; control inputs ("^x") removed
  nlohmann::json attr;              // raw attr object from model.json
};

struct TfjsGraph {
  std::vector<TfNode> nodes;                   // in file order
  std::map<std::string, HostTensor> weights;  // by tensor name
  std::vector<std::string> signature_outputs;  // node names from the signature ("x:0" → "x"), if any
};

// requires: weights_manifest is the JSON array of {paths, weights}; paths relative to dir.
// ensures: every listed tensor decoded. throws Error(Model) on a missing/short file or unknown dtype.
std::map<std::string, HostTensor> read_tfjs_weights(const nlohmann::json& weights_manifest,
                                                    const std::filesystem::path& dir);

// requires: model_json is a TensorFlow.js graph-model file. throws Error(Model).
TfjsGraph read_tfjs_graph_model(const std::filesystem::path& model_json);

// Attribute helpers (TF GraphDef JSON encoding: strings are base64, ints are decimal strings).
std::string attr_string(const TfNode& n, const std::string& key, const std::string& fallback = "");
std::vector<std::string> attr_string_list(const TfNode& n, const std::string& key);
std::vector<int64_t> attr_int_list(const TfNode& n, const std::string& key);
int64_t attr_int(const TfNode& n, const std::string& key, int64_t fallback);
bool attr_bool(const TfNode& n, const std::string& key, bool fallback);
float attr_float(const TfNode& n, const std::string& key, float fallback);

}  // namespace psyface::models

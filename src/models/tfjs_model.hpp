// Reading TensorFlow.js model files: graph-model JSON (GraphDef nodes + weights manifest) and
// layers-style weights manifests (face-api). Weights are decoded to float32/int32:
// float16 → float32; uint8 quantised → q·scale + min computed in double.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/json_field.hpp"
#include "models/tensor.hpp"

namespace psyface::models {

struct TfNode {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // "node" or "node:k"; control inputs ("^x") removed
  nlohmann::json attr;              // raw attr object from model.json
  std::string file;                 // the model.json it came from ("" when built in code), for messages
  std::string where;                // its place there, e.g. "modelTopology.node[12]"
};

struct TfjsGraph {
  std::vector<TfNode> nodes;                   // in file order
  std::map<std::string, HostTensor> weights;  // by tensor name
  std::vector<std::string> signature_outputs;  // node names from the signature ("x:0" → "x"), if any
  std::string file;                            // the model.json read ("" when built in code)
};

// requires: weights_manifest is the JSON array of {paths, weights}; paths relative to dir.
// ensures: every listed tensor decoded; each group's files hold exactly the bytes its weights use.
// throws Error(Model) naming the file and field on a missing field or file, a wrong JSON type, a
// negative or overflowing shape, an unknown dtype or quantisation, a duplicate name, or a byte count
// that does not match (too short, or trailing bytes).
std::map<std::string, HostTensor> read_tfjs_weights(const JsonField& weights_manifest,
                                                    const std::filesystem::path& dir);

// requires: model_json is a TensorFlow.js graph-model file.
// ensures: nodes have non-empty unique names, string ops and inputs; attr is an object.
// throws Error(Model) naming the file and field for anything else, and as read_tfjs_weights.
TfjsGraph read_tfjs_graph_model(const std::filesystem::path& model_json);

// Attribute helpers (TF GraphDef JSON encoding: strings are base64, ints are decimal strings). An absent
// attribute gives the fallback (or an empty list); a present one of the wrong type or an unparsable
// integer throws Error(Model) naming the node's file and the attribute.
// The attribute's value object (named by file and field in errors), or nothing when the node lacks it.
std::optional<JsonField> attr_field(const TfNode& n, const std::string& key);
std::string attr_string(const TfNode& n, const std::string& key, const std::string& fallback = "");
std::vector<std::string> attr_string_list(const TfNode& n, const std::string& key);
std::vector<int64_t> attr_int_list(const TfNode& n, const std::string& key);
int64_t attr_int(const TfNode& n, const std::string& key, int64_t fallback);
bool attr_bool(const TfNode& n, const std::string& key, bool fallback);
float attr_float(const TfNode& n, const std::string& key, float fallback);

}  // namespace psyface::models

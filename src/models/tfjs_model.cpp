#include "models/tfjs_model.hpp"

#include <optional>
#include <set>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/json_file.hpp"

namespace psyface::models {
namespace {

std::string base64_decode(const std::string& in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    auto pos = kChars.find(c);
    if (pos == std::string::npos) break;
    val = ((val << 6) + static_cast<int>(pos)) & 0xffffff;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

TfNode read_node(const JsonField& jn) {
  TfNode n;
  n.name = jn["name"].str();
  if (n.name.empty()) jn["name"].fail("empty node name");
  n.op = jn["op"].str();
  if (jn.has("input")) {
    const JsonField inputs = jn["input"];
    for (size_t k = 0; k < inputs.size(); ++k) {
      const std::string s = inputs[k].str();
      if (s.empty() || s == "^" || s[0] == ':') inputs[k].fail("empty input name");
      if (s[0] != '^') n.inputs.push_back(s);
    }
  }
  if (jn.has("attr")) n.attr = jn["attr"].object();
  n.file = jn.file();
  n.where = jn.path();
  return n;
}

}  // namespace

TfjsGraph read_tfjs_graph_model(const std::filesystem::path& model_json) {
  const nlohmann::json j = util::read_json_file(model_json, ErrorCode::Model);
  const JsonField root(j, model_json.string());
  const JsonField nodes = root["modelTopology"]["node"];
  TfjsGraph g;
  g.file = model_json.string();
  std::set<std::string> names;
  for (size_t k = 0; k < nodes.size(); ++k) {
    TfNode n = read_node(nodes[k]);
    if (!names.insert(n.name).second) nodes[k]["name"].fail("node '" + n.name + "' is defined twice");
    g.nodes.push_back(std::move(n));
  }
  if (root.has("signature") && root["signature"].has("outputs")) {
    const JsonField outputs = root["signature"]["outputs"];
    for (auto& [key, out] : outputs.object().items()) {
      const JsonField o = outputs[key];
      const std::string name = o.has("name") ? o["name"].str() : key;
      const auto colon = name.find(':');
      const std::string node = colon == std::string::npos ? name : name.substr(0, colon);
      if (node.empty()) o.fail("empty output name");
      g.signature_outputs.push_back(node);
    }
  }
  g.weights = read_tfjs_weights(root["weightsManifest"], model_json.parent_path());
  return g;
}

std::optional<JsonField> attr_field(const TfNode& n, const std::string& key) {
  if (!n.attr.is_object() || !n.attr.contains(key)) return std::nullopt;
  return JsonField(n.attr, n.file.empty() ? "graph built in code" : n.file,
                   (n.where.empty() ? "node '" + n.name + "'" : n.where) + ".attr")[key];
}

std::string attr_string(const TfNode& n, const std::string& key, const std::string& fallback) {
  const auto a = attr_field(n, key);
  return a && a->has("s") ? base64_decode((*a)["s"].str()) : fallback;
}

std::vector<std::string> attr_string_list(const TfNode& n, const std::string& key) {
  std::vector<std::string> out;
  const auto a = attr_field(n, key);
  if (!a || !a->has("list") || !(*a)["list"].has("s")) return out;
  const JsonField list = (*a)["list"]["s"];
  for (size_t k = 0; k < list.size(); ++k) out.push_back(base64_decode(list[k].str()));
  return out;
}

std::vector<int64_t> attr_int_list(const TfNode& n, const std::string& key) {
  std::vector<int64_t> out;
  const auto a = attr_field(n, key);
  if (!a || !a->has("list") || !(*a)["list"].has("i")) return out;
  const JsonField list = (*a)["list"]["i"];
  for (size_t k = 0; k < list.size(); ++k) out.push_back(list[k].tf_integer());
  return out;
}

int64_t attr_int(const TfNode& n, const std::string& key, int64_t fallback) {
  const auto a = attr_field(n, key);
  return a && a->has("i") ? (*a)["i"].tf_integer() : fallback;
}

bool attr_bool(const TfNode& n, const std::string& key, bool fallback) {
  const auto a = attr_field(n, key);
  return a && a->has("b") ? (*a)["b"].boolean() : fallback;
}

float attr_float(const TfNode& n, const std::string& key, float fallback) {
  const auto a = attr_field(n, key);
  return a && a->has("f") ? static_cast<float>((*a)["f"].number()) : fallback;
}

}  // namespace psyface::models

#include "models/faceapi_expression.hpp"

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/json_file.hpp"

namespace psyface::models {
namespace {

std::string base64(const std::string& in) {
  static const char* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kChars[(val >> bits) & 0x3f]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kChars[((val << 8) >> (bits + 8)) & 0x3f]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

nlohmann::json s_attr(const std::string& s) { return {{"s", base64(s)}}; }
nlohmann::json ints_attr(std::vector<int> v) {
  nlohmann::json list = nlohmann::json::array();
  for (int x : v) list.push_back(std::to_string(x));
  return {{"list", {{"i", list}}}};
}

class GraphWriter {
 public:
  explicit GraphWriter(TfjsGraph& g) : g_(g) {}
  std::string node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                   nlohmann::json attr = nlohmann::json::object()) {
    g_.nodes.push_back({name, op, std::move(inputs), std::move(attr), "", ""});
    return name;
  }
  std::string weight(const std::string& name) {
    if (!g_.weights.count(name)) throw Error(ErrorCode::Model, g_.file + ": face-api expression weights lack " + name);
    return node(name, "Const", {});
  }
  // 3×3 depthwise (carries the stride, no bias) → 1×1 pointwise + bias.
  std::string separable(const std::string& prefix, const std::string& x, int stride) {
    std::string dw = node(prefix + "/depthwise", "DepthwiseConv2dNative", {x, weight(prefix + "/depthwise_filter")},
                          {{"padding", s_attr("SAME")}, {"strides", ints_attr({1, stride, stride, 1})}});
    return node(prefix + "/pointwise", "_FusedConv2D", {dw, weight(prefix + "/pointwise_filter"), weight(prefix + "/bias")},
                {{"padding", s_attr("SAME")}, {"strides", ints_attr({1, 1, 1, 1})},
                 {"fused_ops", {{"list", {{"s", {base64("BiasAdd")}}}}}}});
  }
  std::string dense_block(const std::string& p, const std::string& x, bool first) {
    std::string c0 = first ? node(p + "/conv0", "_FusedConv2D", {x, weight(p + "/conv0/filters"), weight(p + "/conv0/bias")},
                                  {{"padding", s_attr("SAME")}, {"strides", ints_attr({1, 2, 2, 1})},
                                   {"fused_ops", {{"list", {{"s", {base64("BiasAdd")}}}}}}})
                           : separable(p + "/conv0", x, 2);
    std::string o1 = node(p + "/o1", "Relu", {c0});
    std::string o2 = separable(p + "/conv1", o1, 1);
    std::string s12 = node(p + "/s12", "AddV2", {o1, o2});
    std::string o3 = separable(p + "/conv2", node(p + "/r12", "Relu", {s12}), 1);
    std::string s123 = node(p + "/s123", "AddV2", {s12, o3});
    std::string o4 = separable(p + "/conv3", node(p + "/r123", "Relu", {s123}), 1);
    return node(p + "/out", "Relu", {node(p + "/s1234", "AddV2", {s123, o4})});
  }

 private:
  TfjsGraph& g_;
};

}  // namespace

TfjsGraph build_faceapi_expression_graph(const std::filesystem::path& manifest_json) {
  const nlohmann::json manifest = util::read_json_file(manifest_json, ErrorCode::Model);
  TfjsGraph g;
  g.file = manifest_json.string();
  g.weights = read_tfjs_weights(JsonField(manifest, manifest_json.string()), manifest_json.parent_path());
  GraphWriter w(g);
  nlohmann::json shape = {{"shape", {{"dim", {{{"size", "1"}}, {{"size", "112"}}, {{"size", "112"}}, {{"size", "3"}}}}}}};
  std::string x = w.node("input", "Placeholder", {}, {{"shape", shape}});
  for (int k = 0; k < 4; ++k) x = w.dense_block("dense" + std::to_string(k), x, k == 0);
  std::string pool = w.node("avg_pool", "AvgPool", {x}, {{"padding", s_attr("VALID")}, {"ksize", ints_attr({1, 7, 7, 1})},
                                                         {"strides", ints_attr({1, 2, 2, 1})}});
  std::string flat = w.node("flatten", "Squeeze", {pool});
  w.node("logits", "_FusedMatMul", {flat, w.weight("fc/weights"), w.weight("fc/bias")},
         {{"fused_ops", {{"list", {{"s", {base64("BiasAdd")}}}}}}});
  w.node("probabilities", "Softmax", {"logits"});
  g.signature_outputs = {"logits", "probabilities"};
  return g;
}

}  // namespace psyface::models

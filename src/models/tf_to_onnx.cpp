#include "models/tf_to_onnx.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "models/onnx_builder.hpp"
#include "models/tf_graph_ops.hpp"
#include "psyface/error.hpp"

namespace psyface::models {
namespace {

std::vector<std::string> graph_sinks(const TfjsGraph& g) {
  std::set<std::string> used;
  for (const auto& n : g.nodes)
    for (const auto& in : n.inputs) used.insert(base_name(in));
  std::vector<std::string> sinks;
  for (const auto& n : g.nodes)
    if (!used.count(n.name) && n.op != "Const") sinks.push_back(n.name);
  return sinks;
}

// "<file>: " for messages about the graph ("" when it was built in code).
std::string graph_origin(const TfjsGraph& g) { return g.file.empty() ? "" : g.file + ": "; }

// Nodes needed for the outputs, inputs before users (depth first, inputs in order; iterative, so a long
// chain of nodes cannot overflow the stack).
std::vector<const TfNode*> topo_order(const TfjsGraph& g, const std::vector<std::string>& outputs) {
  std::map<std::string, const TfNode*> by_name;
  for (const auto& n : g.nodes) by_name[n.name] = &n;
  auto find = [&](const std::string& name, const TfNode* user) {
    auto it = by_name.find(name);
    if (it == by_name.end())
      throw Error(ErrorCode::Model, graph_origin(g) + (user ? user->where + ": node '" + user->name + "' has input"
                                                             : std::string("output")) +
                                        " '" + name + "', which is not a node of the graph");
    return it->second;
  };
  struct Frame {
    const TfNode* node;
    size_t next_input;
  };
  std::vector<const TfNode*> order;
  std::set<std::string> done, active;
  for (const auto& o : outputs) {
    if (done.count(o)) continue;
    std::vector<Frame> stack{{find(o, nullptr), 0}};
    active.insert(o);
    while (!stack.empty()) {
      const TfNode* node = stack.back().node;
      if (stack.back().next_input < node->inputs.size()) {
        const std::string in = base_name(node->inputs[stack.back().next_input++]);
        if (done.count(in)) continue;
        if (!active.insert(in).second) throw Error(ErrorCode::Model, graph_origin(g) + "graph has a cycle at '" + in + "'");
        stack.push_back({find(in, node), 0});
      } else {
        active.erase(node->name);
        done.insert(node->name);
        order.push_back(node);
        stack.pop_back();
      }
    }
  }
  return order;
}

}  // namespace

ConvertedModel convert_tfjs_graph(const TfjsGraph& graph, const ConvertOptions& options) {
  auto outputs = options.outputs;
  if (outputs.empty()) outputs = graph.signature_outputs;
  if (outputs.empty()) outputs = graph_sinks(graph);
  OnnxBuilder b("psyface");
  ConversionState st{b, graph, options.input_name, {}, {}};
  for (const TfNode* n : topo_order(graph, outputs)) convert_node(st, *n);
  if (st.input_shape_nhwc.empty()) throw Error(ErrorCode::Model, graph_origin(graph) + "graph has no 4-D Placeholder input");

  ConvertedModel m;
  m.input_shape_nhwc = st.input_shape_nhwc;
  for (const auto& o : outputs) {
    const Value& v = st.value(o);
    if (v.is_const) throw Error(ErrorCode::Model, graph_origin(graph) + "output '" + o + "' is a constant");
    std::string out = v.onnx;
    if (v.shape.size() == 4) {  // back to NHWC so memory order matches TF
      out = b.add_node("Transpose", {out}, o + "/to_nhwc");
      b.attr_ints("perm", {0, 2, 3, 1});
    }
    // The ONNX output carries the TF node name (with ":out" if another tensor already has that name).
    if (out != o) out = b.add_node("Identity", {out}, o + (b.is_taken(o) ? ":out" : ""));
    b.add_output(out, v.shape);
    m.outputs.push_back({out, v.shape});
  }
  m.onnx_bytes = b.serialize("converted from TensorFlow.js by psyface");
  return m;
}

}  // namespace psyface::models

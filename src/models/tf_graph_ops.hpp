// Per-op conversion of TensorFlow graph nodes to ONNX nodes (used by tf_to_onnx.cpp).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "models/onnx_builder.hpp"
#include "models/tfjs_model.hpp"

namespace psyface::models {

// A converted tensor: either an ONNX activation (4-D ones stored NCHW) or a constant kept on the host
// in TF layout until a consumer decides how to store it.
struct Value {
  std::string onnx;             // ONNX tensor name (activations only)
  std::vector<int64_t> shape;   // TF shape (NHWC for 4-D), batch 1
  bool is_const = false;
  HostTensor constant;          // when is_const
};

struct ConversionState {
  OnnxBuilder& b;
  const TfjsGraph& graph;
  std::string input_name;
  std::vector<int64_t> input_shape_nhwc;
  std::map<std::string, Value> values;  // by TF tensor name ("node" or "node:k")

  // throws Error(Model) when the tensor was not produced.
  const Value& value(const std::string& tf_name) const;
};

// "node:0" → "node", "node:1" stays, "^node" → "node"
std::string base_name(const std::string& tf_input);

// Converts one node; its inputs must be converted already. throws Error(Model) for unsupported ops.
void convert_node(ConversionState& st, const TfNode& node);

}  // namespace psyface::models

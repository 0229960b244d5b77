// TensorFlow.js graph model → ONNX (opset 11, NCHW, batch 1) that OpenCV 4.6's importer accepts.
//
// Activations are kept NCHW; constants are permuted at conversion (HWIO→OIHW; depthwise [H,W,C,M] →
// [C·M,1,H,W] with group=C; per-channel constants → [1,C,1,1]). A Transpose to NHWC is inserted before
// any Reshape of a 4-D tensor so flattening follows TF order, and 4-D outputs are returned NHWC.
// TF 'SAME' padding is written as explicit asymmetric pads (extra pixel bottom/right).
// Ops OpenCV 4.6 rejects are rewritten: Relu6 = Relu(x) − Relu(x−6); max(x,c) = Relu(x−c) + c;
// min(x,c) = x − Relu(x−c); Gemm gets B transposed with transB=1; DepthToSpace = Reshape/Transpose.
// Static Shape→StridedSlice→Pack subgraphs are folded.
#pragma once
#include <string>
#include <vector>

#include "models/tfjs_model.hpp"

namespace psyface::models {

struct ConvertOptions {
  std::vector<std::string> outputs;  // TF node names to expose; empty = the graph's sinks (file order)
  std::string input_name = "input";  // ONNX name of the single image input
};

struct ConvertedOutput {
  std::string name;               // ONNX output name (= TF node name)
  std::vector<int64_t> tf_shape;  // shape in TF layout, batch 1 (the ONNX output has the same memory order)
};

struct ConvertedModel {
  std::string onnx_bytes;
  std::vector<int64_t> input_shape_nhwc;  // batch 1
  std::vector<ConvertedOutput> outputs;
};

// requires: graph has exactly one Placeholder with a 4-D NHWC shape; all ops are supported.
// ensures: a serialised ONNX model. throws Error(Model) naming the first unsupported node.
ConvertedModel convert_tfjs_graph(const TfjsGraph& graph, const ConvertOptions& options);

}  // namespace psyface::models

// A thin helper over the ONNX protobuf classes (Debian's libonnx-dev) for writing NCHW graphs that
// OpenCV 4.6's ONNX importer accepts (opset 11, batch 1, static shapes).
#pragma once
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace psyface::models {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(const std::string& graph_name);

  // Adds a float32 graph input / output with a static shape.
  void add_input(const std::string& name, const std::vector<int64_t>& shape);
  void add_output(const std::string& name, const std::vector<int64_t>& shape);

  // Adds an initializer and returns its (unique) name.
  std::string add_const(const std::string& hint, const std::vector<int64_t>& shape, const std::vector<float>& data);
  std::string add_const_i64(const std::string& hint, const std::vector<int64_t>& data);

  // Adds a node with one output named out (made unique if taken); returns the output name.
  std::string add_node(const std::string& op, const std::vector<std::string>& inputs, const std::string& out);

  // Attributes for the node added last.
  void attr_int(const std::string& key, int64_t v);
  void attr_ints(const std::string& key, const std::vector<int64_t>& v);
  void attr_float(const std::string& key, float v);
  void attr_string(const std::string& key, const std::string& v);

  // ensures: serialised ModelProto bytes (ir_version 7, opset 11, producer psyface).
  std::string serialize(const std::string& doc) const;

  std::string unique(const std::string& hint);
  bool is_taken(const std::string& name) const;

 private:
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  onnx::NodeProto* last_ = nullptr;
  std::vector<std::string> taken_;
  size_t counter_ = 0;
};

}  // namespace psyface::models

#include "models/onnx_builder.hpp"

#include <algorithm>

#include "psyface/error.hpp"
#include "psyface/version.hpp"

namespace psyface::models {
namespace {

void set_shape(onnx::ValueInfoProto* v, const std::string& name, const std::vector<int64_t>& shape) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (auto d : shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

}  // namespace

OnnxBuilder::OnnxBuilder(const std::string& graph_name) {
  model_.set_ir_version(7);
  model_.set_producer_name("psyface");
  model_.set_producer_version(kVersion);
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(11);
  graph_ = model_.mutable_graph();
  graph_->set_name(graph_name);
}

std::string OnnxBuilder::unique(const std::string& hint) {
  std::string name = hint;
  while (std::find(taken_.begin(), taken_.end(), name) != taken_.end())
    name = hint + "__" + std::to_string(++counter_);
  taken_.push_back(name);
  return name;
}

bool OnnxBuilder::is_taken(const std::string& name) const {
  return std::find(taken_.begin(), taken_.end(), name) != taken_.end();
}

void OnnxBuilder::add_input(const std::string& name, const std::vector<int64_t>& shape) {
  taken_.push_back(name);
  set_shape(graph_->add_input(), name, shape);
}

void OnnxBuilder::add_output(const std::string& name, const std::vector<int64_t>& shape) {
  set_shape(graph_->add_output(), name, shape);
}

std::string OnnxBuilder::add_const(const std::string& hint, const std::vector<int64_t>& shape,
                                   const std::vector<float>& data) {
  const std::string name = unique(hint);
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : shape) t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
  return name;
}

std::string OnnxBuilder::add_const_i64(const std::string& hint, const std::vector<int64_t>& data) {
  const std::string name = unique(hint);
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(data.size()));
  t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(int64_t)));
  return name;
}

std::string OnnxBuilder::add_node(const std::string& op, const std::vector<std::string>& inputs,
                                  const std::string& out) {
  const std::string name = unique(out);
  last_ = graph_->add_node();
  last_->set_op_type(op);
  last_->set_name(name);
  for (const auto& in : inputs) last_->add_input(in);
  last_->add_output(name);
  return name;
}

void OnnxBuilder::attr_int(const std::string& key, int64_t v) {
  auto* a = last_->add_attribute();
  a->set_name(key);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void OnnxBuilder::attr_ints(const std::string& key, const std::vector<int64_t>& v) {
  auto* a = last_->add_attribute();
  a->set_name(key);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}

void OnnxBuilder::attr_float(const std::string& key, float v) {
  auto* a = last_->add_attribute();
  a->set_name(key);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void OnnxBuilder::attr_string(const std::string& key, const std::string& v) {
  auto* a = last_->add_attribute();
  a->set_name(key);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

std::string OnnxBuilder::serialize(const std::string& doc) const {
  onnx::ModelProto m = model_;
  m.set_doc_string(doc);
  std::string bytes;
  if (!m.SerializeToString(&bytes)) throw Error(ErrorCode::Internal, "ONNX serialisation failed");
  return bytes;
}

}  // namespace psyface::models

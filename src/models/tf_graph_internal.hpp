// Helpers shared by the op converters in tf_graph_ops.cpp and tf_graph_shape_ops.cpp. Not public.
#pragma once
#include <string>
#include <vector>

#include "models/tf_graph_ops.hpp"

namespace psyface::models {

std::string value_key(const std::string& tf_input);
[[noreturn]] void unsupported(const TfNode& n, const std::string& why);
const Value& input(ConversionState& st, const TfNode& n, size_t k);
const HostTensor& const_input(ConversionState& st, const TfNode& n, size_t k);
// An input that is an activation with a shape / a float32 constant of size values (any when size < 0).
const Value& activation_input(ConversionState& st, const TfNode& n, size_t k);
const HostTensor& float_input(ConversionState& st, const TfNode& n, size_t k, int64_t size);
void set_activation(ConversionState& st, const TfNode& n, std::string onnx, std::vector<int64_t> shape);
void set_constant(ConversionState& st, const std::string& name, HostTensor t);
std::vector<int64_t> nchw(const std::vector<int64_t>& nhwc);
std::string relu(ConversionState& st, const std::string& x, const std::string& name);

// Element-wise op on two constants (Add, Sub, Mul, Maximum, Minimum) with scalar broadcast.
void fold_binary(ConversionState& st, const TfNode& n, const std::string& op, const HostTensor& a,
                 const HostTensor& b);

// Shape, StridedSlice, Pack, Reshape, ConcatV2, Pad, Mean, Squeeze, ResizeBilinear, DepthToSpace,
// _FusedMatMul / MatMul.
void convert_shape_op(ConversionState& st, const TfNode& n);

}  // namespace psyface::models

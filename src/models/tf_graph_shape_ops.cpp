// Shape-changing ops and constant folding for the TF → ONNX converter.
#include <algorithm>
#include <cmath>

#include "models/tf_graph_internal.hpp"
#include "psyface/error.hpp"

namespace psyface::models {
namespace {

HostTensor int_tensor(const std::string& name, std::vector<int32_t> v, std::vector<int64_t> shape) {
  HostTensor t;
  t.name = name;
  t.dtype = DType::Int32;
  t.i = std::move(v);
  t.shape = std::move(shape);
  return t;
}

std::vector<int64_t> int_values(const HostTensor& t) {
  std::vector<int64_t> out;
  for (int64_t k = 0; k < t.size(); ++k) out.push_back(static_cast<int64_t>(t.at(k)));
  return out;
}

int64_t product(const std::vector<int64_t>& s) {
  int64_t p = 1;
  for (auto d : s) p *= d;
  return p;
}

// TF axis of a 4-D NHWC tensor → NCHW axis.
int64_t nchw_axis(int64_t axis) {
  static const int64_t kMap[4] = {0, 2, 3, 1};
  return kMap[axis];
}

std::string to_nhwc(ConversionState& st, const Value& x, const std::string& name) {
  std::string t = st.b.add_node("Transpose", {x.onnx}, name + "/to_nhwc");
  st.b.attr_ints("perm", {0, 2, 3, 1});
  return t;
}

void convert_shape(ConversionState& st, const TfNode& n) {
  const Value& x = input(st, n, 0);
  std::vector<int32_t> dims(x.shape.begin(), x.shape.end());
  set_constant(st, n.name, int_tensor(n.name, dims, {static_cast<int64_t>(dims.size())}));
}

void convert_strided_slice(ConversionState& st, const TfNode& n) {
  const HostTensor& x = const_input(st, n, 0);
  auto begin = int_values(const_input(st, n, 1)), end = int_values(const_input(st, n, 2)),
       stride = int_values(const_input(st, n, 3));
  if (x.shape.size() != 1 || begin.size() != 1 || end.size() != 1 || stride.size() != 1)
    unsupported(n, "only 1-D constant slices are folded");
  if (attr_int(n, "ellipsis_mask", 0) || attr_int(n, "new_axis_mask", 0)) unsupported(n, "slice masks");
  const int64_t len = x.size();
  int64_t b = begin[0] < 0 ? begin[0] + len : begin[0], e = end[0] < 0 ? end[0] + len : end[0];
  if (attr_int(n, "begin_mask", 0) & 1) b = 0;
  if (attr_int(n, "end_mask", 0) & 1) e = len;
  const bool shrink = attr_int(n, "shrink_axis_mask", 0) & 1;
  if (shrink) e = b + 1;
  if (stride[0] != 1) unsupported(n, "stride other than 1");
  std::vector<int32_t> out;
  for (int64_t k = std::max<int64_t>(b, 0); k < e && k < len; ++k) out.push_back(static_cast<int32_t>(x.at(k)));
  std::vector<int64_t> shape = shrink ? std::vector<int64_t>{} : std::vector<int64_t>{static_cast<int64_t>(out.size())};
  set_constant(st, n.name, int_tensor(n.name, out, shape));
}

void convert_pack(ConversionState& st, const TfNode& n) {
  std::vector<int32_t> out;
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    const HostTensor& t = const_input(st, n, k);
    if (t.size() != 1) unsupported(n, "only packing of scalars is folded");
    out.push_back(static_cast<int32_t>(t.at(0)));
  }
  set_constant(st, n.name, int_tensor(n.name, out, {static_cast<int64_t>(out.size())}));
}

void convert_reshape(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  auto target = int_values(const_input(st, n, 1));
  int64_t known = 1, unknown_at = -1;
  for (size_t k = 0; k < target.size(); ++k) {
    if (target[k] == -1 && unknown_at < 0) unknown_at = static_cast<int64_t>(k);
    else if (target[k] < 1 || target[k] > product(x.shape)) unsupported(n, "bad target shape");
    else known *= target[k];
    if (known > product(x.shape)) unsupported(n, "element count changes");
  }
  if (unknown_at >= 0) target[unknown_at] = product(x.shape) / known;
  if (product(target) != product(x.shape)) unsupported(n, "element count changes");
  std::string src = x.shape.size() == 4 ? to_nhwc(st, x, n.name) : x.onnx;
  const bool to4 = target.size() == 4;
  std::string out = st.b.add_node("Reshape", {src, st.b.add_const_i64(n.name + "/shape", target)},
                                  to4 ? n.name + "/nhwc" : n.name);
  if (to4) {
    out = st.b.add_node("Transpose", {out}, n.name);
    st.b.attr_ints("perm", {0, 3, 1, 2});
  }
  set_activation(st, n, out, target);
}

void convert_concat(ConversionState& st, const TfNode& n) {
  if (n.inputs.size() < 2) unsupported(n, "expects operands and an axis");
  const size_t count = n.inputs.size() - 1;
  const HostTensor& axis_t = const_input(st, n, count);
  if (axis_t.size() != 1) unsupported(n, "axis must be a scalar");
  int64_t axis = static_cast<int64_t>(axis_t.at(0));
  std::vector<std::string> ins;
  std::vector<int64_t> shape;
  for (size_t k = 0; k < count; ++k) {
    const Value& v = input(st, n, k);
    if (v.is_const) unsupported(n, "constant operand");
    if (axis < 0) axis += static_cast<int64_t>(v.shape.size());
    if (axis < 0 || axis >= static_cast<int64_t>(v.shape.size())) unsupported(n, "axis out of range");
    if (shape.empty()) shape = v.shape;
    else if (v.shape.size() != shape.size()) unsupported(n, "operand ranks differ");
    else shape[axis] += v.shape[axis];
    ins.push_back(v.onnx);
  }
  std::string out = st.b.add_node("Concat", ins, n.name);
  st.b.attr_int("axis", shape.size() == 4 ? nchw_axis(axis) : axis);
  set_activation(st, n, out, shape);
}

void convert_pad(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  auto p = int_values(const_input(st, n, 1));  // [rank, 2]
  if (x.shape.size() != 4 || p.size() != 8) unsupported(n, "only 4-D padding");
  for (int64_t v : p)
    if (v < 0 || v > (1 << 12)) unsupported(n, "padding out of range");
  const int64_t order[4] = {0, 3, 1, 2};  // NCHW positions of NHWC dims
  std::vector<int64_t> pads(8);
  std::vector<int64_t> shape = x.shape;
  for (int k = 0; k < 4; ++k) {
    pads[k] = p[2 * order[k]];
    pads[k + 4] = p[2 * order[k] + 1];
    shape[k] += p[2 * k] + p[2 * k + 1];
  }
  std::string out = st.b.add_node("Pad", {x.onnx, st.b.add_const_i64(n.name + "/pads", pads)}, n.name);
  st.b.attr_string("mode", "constant");
  set_activation(st, n, out, shape);
}

void convert_mean(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  auto axes = int_values(const_input(st, n, 1));
  std::sort(axes.begin(), axes.end());
  if (x.shape.size() != 4 || axes != std::vector<int64_t>{1, 2}) unsupported(n, "only spatial means");
  const int64_t c = x.shape[3];
  const bool keep = attr_bool(n, "keep_dims", false);
  std::string out = st.b.add_node("GlobalAveragePool", {x.onnx}, keep ? n.name : n.name + "/gap");
  if (!keep) {
    out = st.b.add_node("Flatten", {out}, n.name);
    st.b.attr_int("axis", 1);
  }
  set_activation(st, n, out, keep ? std::vector<int64_t>{1, 1, 1, c} : std::vector<int64_t>{1, c});
}

void convert_squeeze(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  if (x.shape.size() != 4 || x.shape[1] != 1 || x.shape[2] != 1) unsupported(n, "only [1,1,1,C] → [1,C]");
  std::string out = st.b.add_node("Flatten", {x.onnx}, n.name);
  st.b.attr_int("axis", 1);
  set_activation(st, n, out, {1, x.shape[3]});
}

void convert_resize_bilinear(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  auto size = int_values(const_input(st, n, 1));
  if (x.shape.size() != 4 || size.size() != 2) unsupported(n, "expects 4-D input and [h, w]");
  if (size[0] < 1 || size[1] < 1 || size[0] > (1 << 14) || size[1] > (1 << 14)) unsupported(n, "size out of range");
  const bool align = attr_bool(n, "align_corners", false), half = attr_bool(n, "half_pixel_centers", false);
  const std::vector<float> scales{1.0f, 1.0f, static_cast<float>(size[0]) / static_cast<float>(x.shape[1]),
                                  static_cast<float>(size[1]) / static_cast<float>(x.shape[2])};
  std::string out = st.b.add_node(
      "Resize", {x.onnx, st.b.add_const(n.name + "/roi", {0}, {}), st.b.add_const(n.name + "/scales", {4}, scales)},
      n.name);
  st.b.attr_string("mode", "linear");
  st.b.attr_string("coordinate_transformation_mode", align ? "align_corners" : half ? "half_pixel" : "asymmetric");
  set_activation(st, n, out, {1, size[0], size[1], x.shape[3]});
}

// TF DepthToSpace (DCR order) as Reshape → Transpose → Reshape on NCHW.
void convert_depth_to_space(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  const int64_t bs = attr_int(n, "block_size", 0);
  if (x.shape.size() != 4) unsupported(n, "expects a 4-D input");
  const int64_t H = x.shape[1], W = x.shape[2], C = x.shape[3];
  if (bs < 1 || bs > 64 || C % (bs * bs)) unsupported(n, "bad block size");
  const int64_t c2 = C / (bs * bs);
  std::string r = st.b.add_node("Reshape", {x.onnx, st.b.add_const_i64(n.name + "/s6", {1, bs, bs, c2, H, W})},
                                n.name + "/r6");
  std::string t = st.b.add_node("Transpose", {r}, n.name + "/t6");
  st.b.attr_ints("perm", {0, 3, 4, 1, 5, 2});
  std::string out = st.b.add_node("Reshape", {t, st.b.add_const_i64(n.name + "/s4", {1, c2, H * bs, W * bs})}, n.name);
  set_activation(st, n, out, {1, H * bs, W * bs, c2});
}

// MatMul with a constant right operand as Gemm(transB=1) (OpenCV 4.6 rejects transB=0 with constant B).
void convert_matmul(ConversionState& st, const TfNode& n) {
  const Value& a = activation_input(st, n, 0);
  const HostTensor& w = float_input(st, n, 1, -1);
  if (a.shape.size() != 2 || w.shape.size() != 2 || attr_bool(n, "transpose_a", false))
    unsupported(n, "only [1,K]·[K,N]");
  const bool tb = attr_bool(n, "transpose_b", false);
  const int64_t K = tb ? w.shape[1] : w.shape[0], N = tb ? w.shape[0] : w.shape[1];
  if (K != a.shape[1] || N < 1) unsupported(n, "weights do not match the input");
  std::vector<float> bt(w.f.size());
  for (int64_t k = 0; k < K; ++k)
    for (int64_t j = 0; j < N; ++j) bt[j * K + k] = tb ? w.f[j * K + k] : w.f[k * N + j];
  std::vector<std::string> ins{a.onnx, st.b.add_const(n.name + "/B", {N, K}, bt)};
  const auto fused = attr_string_list(n, "fused_ops");
  if (!fused.empty() && fused[0] == "BiasAdd") ins.push_back(st.b.add_const(n.name + "/C", {N}, float_input(st, n, 2, N).f));
  const bool act = fused.size() > 1;
  std::string out = st.b.add_node("Gemm", ins, act ? n.name + "/gemm" : n.name);
  st.b.attr_int("transB", 1);
  if (act && fused[1] == "Relu") out = relu(st, out, n.name);
  else if (act) unsupported(n, "fused " + fused[1]);
  else if (!fused.empty() && fused[0] != "BiasAdd") unsupported(n, "fused " + fused[0]);
  set_activation(st, n, out, {1, N});
}

}  // namespace

void fold_binary(ConversionState& st, const TfNode& n, const std::string& op, const HostTensor& a,
                 const HostTensor& b) {
  const bool scalar_b = b.size() == 1, scalar_a = a.size() == 1;
  if (!(scalar_a || scalar_b || a.shape == b.shape)) unsupported(n, "constant folding needs equal shapes");
  const HostTensor& big = scalar_a ? b : a;
  HostTensor out = big;
  out.name = n.name;
  for (int64_t k = 0; k < big.size(); ++k) {
    const double x = a.at(scalar_a ? 0 : k), y = b.at(scalar_b ? 0 : k);
    double r = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : op == "Maximum" ? std::max(x, y)
                                                                                 : std::min(x, y);
    if (out.dtype == DType::Float32) out.f[k] = static_cast<float>(r);
    else out.i[k] = static_cast<int32_t>(r);
  }
  set_constant(st, n.name, std::move(out));
}

void convert_shape_op(ConversionState& st, const TfNode& n) {
  const std::string& op = n.op;
  if (op == "Shape") convert_shape(st, n);
  else if (op == "StridedSlice") convert_strided_slice(st, n);
  else if (op == "Pack") convert_pack(st, n);
  else if (op == "Reshape") convert_reshape(st, n);
  else if (op == "ConcatV2") convert_concat(st, n);
  else if (op == "Pad") convert_pad(st, n);
  else if (op == "Mean") convert_mean(st, n);
  else if (op == "Squeeze") convert_squeeze(st, n);
  else if (op == "ResizeBilinear") convert_resize_bilinear(st, n);
  else if (op == "DepthToSpace") convert_depth_to_space(st, n);
  else if (op == "_FusedMatMul" || op == "MatMul") convert_matmul(st, n);
  else unsupported(n, "op not supported by the converter");
}

}  // namespace psyface::models

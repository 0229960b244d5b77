// Convolution, pooling and element-wise ops. Shape ops and constant folding: tf_graph_shape_ops.cpp.
#include "models/tf_graph_ops.hpp"

#include <cmath>

#include "models/tf_graph_internal.hpp"
#include "psyface/error.hpp"

namespace psyface::models {

std::string base_name(const std::string& tf_input) {
  std::string s = tf_input[0] == '^' ? tf_input.substr(1) : tf_input;
  auto colon = s.find(':');
  return colon == std::string::npos ? s : s.substr(0, colon);
}

std::string value_key(const std::string& tf_input) {
  if (tf_input.size() > 2 && tf_input.compare(tf_input.size() - 2, 2, ":0") == 0)
    return tf_input.substr(0, tf_input.size() - 2);
  return tf_input;
}

const Value& ConversionState::value(const std::string& tf_name) const {
  auto it = values.find(value_key(tf_name));
  if (it == values.end()) throw Error(ErrorCode::Model, "tensor '" + tf_name + "' was not converted");
  return it->second;
}

[[noreturn]] void unsupported(const TfNode& n, const std::string& why) {
  const std::string where = n.file.empty() ? "" : n.file + ": " + n.where + ": ";
  throw Error(ErrorCode::Model, where + "cannot convert node '" + n.name + "' (" + n.op + "): " + why);
}

const Value& input(ConversionState& st, const TfNode& n, size_t k) {
  if (k >= n.inputs.size()) unsupported(n, "missing input " + std::to_string(k));
  return st.value(n.inputs[k]);
}

const Value& activation_input(ConversionState& st, const TfNode& n, size_t k) {
  const Value& v = input(st, n, k);
  if (v.is_const) unsupported(n, "input " + std::to_string(k) + " must not be a constant");
  if (v.shape.empty()) unsupported(n, "input " + std::to_string(k) + " has no shape");
  return v;
}

const HostTensor& const_input(ConversionState& st, const TfNode& n, size_t k) {
  const Value& v = input(st, n, k);
  if (!v.is_const) unsupported(n, "input " + std::to_string(k) + " must be constant");
  return v.constant;
}

const HostTensor& float_input(ConversionState& st, const TfNode& n, size_t k, int64_t size) {
  const HostTensor& t = const_input(st, n, k);
  if (t.dtype != DType::Float32) unsupported(n, "input " + std::to_string(k) + " must be float32");
  if (size >= 0 && t.size() != size)
    unsupported(n, "input " + std::to_string(k) + " has " + std::to_string(t.size()) + " values, expected " +
                       std::to_string(size));
  return t;
}

void set_activation(ConversionState& st, const TfNode& n, std::string onnx, std::vector<int64_t> shape) {
  Value v;
  v.onnx = std::move(onnx);
  v.shape = std::move(shape);
  st.values[n.name] = std::move(v);
}

void set_constant(ConversionState& st, const std::string& name, HostTensor t) {
  Value v;
  v.is_const = true;
  v.shape = t.shape;
  v.constant = std::move(t);
  st.values[name] = std::move(v);
}

std::vector<int64_t> nchw(const std::vector<int64_t>& nhwc) { return {nhwc[0], nhwc[3], nhwc[1], nhwc[2]}; }

// Stores constant c for element-wise use with activation a (NCHW when a is 4-D).
std::string const_for(ConversionState& st, const TfNode& n, const Value& a, const HostTensor& c, float sign) {
  std::vector<float> data(c.size());
  for (int64_t k = 0; k < c.size(); ++k) data[k] = sign * static_cast<float>(c.at(k));
  const int64_t channels = a.shape.back();
  if (c.size() == 1) return st.b.add_const(n.name + "/c", {1}, data);
  if (a.shape.size() == 4 && c.size() == channels) return st.b.add_const(n.name + "/c", {1, channels, 1, 1}, data);
  if (a.shape.size() == 2 && c.size() == channels) return st.b.add_const(n.name + "/c", {1, channels}, data);
  if (c.shape == a.shape && a.shape.size() == 4) {
    const int64_t H = a.shape[1], W = a.shape[2], C = a.shape[3];
    std::vector<float> perm(data.size());
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        for (int64_t ch = 0; ch < C; ++ch) perm[(ch * H + h) * W + w] = data[(h * W + w) * C + ch];
    return st.b.add_const(n.name + "/c", nchw(a.shape), perm);
  }
  unsupported(n, "constant operand shape does not broadcast per channel");
}

std::string relu(ConversionState& st, const std::string& x, const std::string& name) {
  return st.b.add_node("Relu", {x}, name);
}

// Relu6(x) = Relu(x) − Relu(x − 6): OpenCV 4.6 rejects Clip with min/max given as inputs.
std::string relu6(ConversionState& st, const std::string& x, const std::string& name) {
  const std::string six = st.b.add_const(name + "/minus6", {1}, {-6.0f});
  const std::string r1 = relu(st, x, name + "/relu");
  const std::string r2 = relu(st, st.b.add_node("Add", {x, six}, name + "/xm6"), name + "/relu_xm6");
  return st.b.add_node("Sub", {r1, r2}, name);
}

namespace {

constexpr int64_t kMaxWindow = 1 << 12;  // kernel sizes, strides, dilations, pads

struct Window {
  std::vector<int64_t> pads;  // ONNX order: top, left, bottom, right
  int64_t out_h = 0, out_w = 0;
};

// TF padding rules: SAME gives ceil(in/stride) outputs, extra padding pixel at the bottom/right.
Window tf_window(const TfNode& n, int64_t in_h, int64_t in_w, int64_t k_h, int64_t k_w, int64_t s_h,
                 int64_t s_w, int64_t d_h, int64_t d_w) {
  const std::string padding = attr_string(n, "padding", "VALID");
  for (int64_t v : {k_h, k_w, s_h, s_w, d_h, d_w})
    if (v < 1 || v > kMaxWindow) unsupported(n, "kernel, stride and dilation must be 1.." + std::to_string(kMaxWindow));
  const int64_t ek_h = (k_h - 1) * d_h + 1, ek_w = (k_w - 1) * d_w + 1;
  Window w;
  if (padding == "SAME") {
    w.out_h = (in_h + s_h - 1) / s_h;
    w.out_w = (in_w + s_w - 1) / s_w;
    const int64_t ph = std::max<int64_t>((w.out_h - 1) * s_h + ek_h - in_h, 0);
    const int64_t pw = std::max<int64_t>((w.out_w - 1) * s_w + ek_w - in_w, 0);
    w.pads = {ph / 2, pw / 2, ph - ph / 2, pw - pw / 2};
  } else if (padding == "VALID") {
    w.out_h = (in_h - ek_h) / s_h + 1;
    w.out_w = (in_w - ek_w) / s_w + 1;
    w.pads = {0, 0, 0, 0};
  } else if (padding == "EXPLICIT") {
    auto e = attr_int_list(n, "explicit_paddings");  // NHWC pairs
    if (e.size() != 8) unsupported(n, "bad explicit_paddings");
    w.pads = {e[2], e[4], e[3], e[5]};
    w.out_h = (in_h + e[2] + e[3] - ek_h) / s_h + 1;
    w.out_w = (in_w + e[4] + e[5] - ek_w) / s_w + 1;
  } else {
    unsupported(n, "padding " + padding);
  }
  for (int64_t p : w.pads)
    if (p < 0 || p > kMaxWindow) unsupported(n, "padding out of range");
  if (w.out_h < 1 || w.out_w < 1) unsupported(n, "window larger than its input");
  return w;
}

void check_nhwc(const TfNode& n) {
  const std::string fmt = attr_string(n, "data_format", "NHWC");
  if (fmt != "NHWC") unsupported(n, "data_format " + fmt);
}

// Conv2D / DepthwiseConv2dNative with optional fused BiasAdd + Relu/Relu6/Prelu.
void convert_conv(ConversionState& st, const TfNode& n, bool depthwise) {
  check_nhwc(n);
  const Value& x = activation_input(st, n, 0);
  const HostTensor& f = float_input(st, n, 1, -1);  // [KH, KW, Cin, Cout] or [KH, KW, C, M]
  if (x.shape.size() != 4 || f.shape.size() != 4) unsupported(n, "expects 4-D input and filter");
  const int64_t KH = f.shape[0], KW = f.shape[1], CI = f.shape[2], CO = f.shape[3];
  if (CI != x.shape[3] || CO < 1) unsupported(n, "filter does not match the input's channels");
  auto strides = attr_int_list(n, "strides");
  auto dil = attr_int_list(n, "dilations");
  if (strides.size() != 4) strides = {1, 1, 1, 1};
  if (dil.size() != 4) dil = {1, 1, 1, 1};
  const Window w = tf_window(n, x.shape[1], x.shape[2], KH, KW, strides[1], strides[2], dil[1], dil[2]);

  std::vector<float> oihw(f.size());
  const int64_t out_c = depthwise ? CI * CO : CO;
  for (int64_t kh = 0; kh < KH; ++kh)
    for (int64_t kw = 0; kw < KW; ++kw)
      for (int64_t ci = 0; ci < CI; ++ci)
        for (int64_t co = 0; co < CO; ++co) {
          const float v = f.f[((kh * KW + kw) * CI + ci) * CO + co];
          if (depthwise) oihw[((ci * CO + co) * KH + kh) * KW + kw] = v;         // [C·M, 1, KH, KW]
          else oihw[((co * CI + ci) * KH + kh) * KW + kw] = v;                    // [O, I, KH, KW]
        }
  std::vector<std::string> ins{x.onnx, st.b.add_const(n.name + "/W", {out_c, depthwise ? 1 : CI, KH, KW}, oihw)};

  const auto fused = attr_string_list(n, "fused_ops");
  size_t next_input = 2;
  if (!fused.empty() && fused[0] == "BiasAdd") {
    const HostTensor& bias = float_input(st, n, next_input++, out_c);
    ins.push_back(st.b.add_const(n.name + "/B", {out_c}, bias.f));
  } else if (!fused.empty()) {
    unsupported(n, "fused op " + fused[0]);
  }
  const bool has_act = fused.size() > 1;
  std::string out = st.b.add_node("Conv", ins, has_act ? n.name + "/conv" : n.name);
  st.b.attr_ints("kernel_shape", {KH, KW});
  st.b.attr_ints("strides", {strides[1], strides[2]});
  st.b.attr_ints("dilations", {dil[1], dil[2]});
  st.b.attr_ints("pads", w.pads);
  st.b.attr_int("group", depthwise ? CI : 1);
  if (has_act) {
    const std::string& act = fused[1];
    if (act == "Relu") out = relu(st, out, n.name);
    else if (act == "Relu6") out = relu6(st, out, n.name);
    else if (act == "Prelu") {
      const HostTensor& alpha = float_input(st, n, next_input++, out_c);
      out = st.b.add_node("PRelu", {out, st.b.add_const(n.name + "/alpha", {out_c, 1, 1}, alpha.f)}, n.name);
    } else unsupported(n, "fused activation " + act);
  }
  set_activation(st, n, out, {1, w.out_h, w.out_w, out_c});
}

void convert_pool(ConversionState& st, const TfNode& n, const std::string& onnx_op) {
  check_nhwc(n);
  const Value& x = activation_input(st, n, 0);
  auto k = attr_int_list(n, "ksize");
  auto s = attr_int_list(n, "strides");
  if (x.shape.size() != 4) unsupported(n, "expects a 4-D input");
  if (k.size() != 4 || s.size() != 4 || k[0] != 1 || k[3] != 1) unsupported(n, "pooling over batch/channels");
  const Window w = tf_window(n, x.shape[1], x.shape[2], k[1], k[2], s[1], s[2], 1, 1);
  std::string out = st.b.add_node(onnx_op, {x.onnx}, n.name);
  st.b.attr_ints("kernel_shape", {k[1], k[2]});
  st.b.attr_ints("strides", {s[1], s[2]});
  st.b.attr_ints("pads", w.pads);
  if (onnx_op == "AveragePool") st.b.attr_int("count_include_pad", 0);
  set_activation(st, n, out, {1, w.out_h, w.out_w, x.shape[3]});
}

void convert_binary(ConversionState& st, const TfNode& n) {
  const Value& a0 = input(st, n, 0);
  const Value& b0 = input(st, n, 1);
  std::string op = n.op == "AddV2" ? "Add" : n.op;
  if (a0.is_const && b0.is_const) return fold_binary(st, n, op, a0.constant, b0.constant);
  if (!a0.is_const && !b0.is_const) {
    if (op == "Maximum" || op == "Minimum") unsupported(n, "two non-constant operands");
    if (a0.shape != b0.shape) unsupported(n, "operand shapes differ");
    return set_activation(st, n, st.b.add_node(op, {a0.onnx, b0.onnx}, n.name), a0.shape);
  }
  const bool const_first = a0.is_const;
  const Value& a = const_first ? b0 : a0;          // the activation
  const HostTensor& c = const_first ? a0.constant : b0.constant;
  std::string out;
  if (op == "Add" || op == "Mul") {
    out = st.b.add_node(op, {a.onnx, const_for(st, n, a, c, 1.0f)}, n.name);
  } else if (op == "Sub" && !const_first) {  // x − c = x + (−c)
    out = st.b.add_node("Add", {a.onnx, const_for(st, n, a, c, -1.0f)}, n.name);
  } else if (op == "Sub") {  // c − x = (x · −1) + c
    const std::string neg = st.b.add_node("Mul", {a.onnx, st.b.add_const(n.name + "/m1", {1}, {-1.0f})}, n.name + "/neg");
    out = st.b.add_node("Add", {neg, const_for(st, n, a, c, 1.0f)}, n.name);
  } else if (op == "Maximum") {  // max(x, c) = Relu(x − c) + c
    const std::string d = st.b.add_node("Add", {a.onnx, const_for(st, n, a, c, -1.0f)}, n.name + "/xmc");
    out = st.b.add_node("Add", {relu(st, d, n.name + "/relu"), const_for(st, n, a, c, 1.0f)}, n.name);
  } else if (op == "Minimum") {  // min(x, c) = x − Relu(x − c)
    const std::string d = st.b.add_node("Add", {a.onnx, const_for(st, n, a, c, -1.0f)}, n.name + "/xmc");
    out = st.b.add_node("Sub", {a.onnx, relu(st, d, n.name + "/relu")}, n.name);
  } else {
    unsupported(n, "element-wise op");
  }
  set_activation(st, n, out, a.shape);
}

void convert_unary(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  std::string out;
  if (n.op == "Relu") out = relu(st, x.onnx, n.name);
  else if (n.op == "Relu6") out = relu6(st, x.onnx, n.name);
  else if (n.op == "Sigmoid") out = st.b.add_node("Sigmoid", {x.onnx}, n.name);
  else if (n.op == "Abs") out = st.b.add_node("Abs", {x.onnx}, n.name);
  else if (n.op == "Square") out = st.b.add_node("Mul", {x.onnx, x.onnx}, n.name);
  else if (n.op == "Softmax") {
    if (x.shape.size() != 2) unsupported(n, "softmax on a tensor that is not 2-D");
    out = st.b.add_node("Softmax", {x.onnx}, n.name);
    st.b.attr_int("axis", 1);
  } else unsupported(n, "unary op");
  set_activation(st, n, out, x.shape);
}

void convert_prelu(ConversionState& st, const TfNode& n) {
  const Value& x = activation_input(st, n, 0);
  if (x.shape.size() != 4) unsupported(n, "alpha must be per channel of a 4-D input");
  const int64_t c = x.shape.back();
  const HostTensor& alpha = float_input(st, n, 1, c);
  set_activation(st, n, st.b.add_node("PRelu", {x.onnx, st.b.add_const(n.name + "/alpha", {c, 1, 1}, alpha.f)}, n.name),
                 x.shape);
}

// Sizes beyond this are not images a face model takes (and would overflow element counts downstream).
constexpr int64_t kMaxInputSide = 1 << 14;

void convert_placeholder(ConversionState& st, const TfNode& n) {
  std::vector<int64_t> shape;
  const auto a = attr_field(n, "shape");
  if (a && a->has("shape") && (*a)["shape"].has("dim")) {
    const JsonField dims = (*a)["shape"]["dim"];
    for (size_t k = 0; k < dims.size(); ++k) {
      const int64_t v = dims[k].has("size") ? dims[k]["size"].tf_integer(-1, kMaxInputSide) : -1;
      if (v == 0) dims[k]["size"].fail("input dimension 0");
      shape.push_back(v < 0 ? 1 : v);
    }
  }
  if (shape.size() != 4) unsupported(n, "input must be 4-D NHWC");
  if (!st.input_shape_nhwc.empty()) unsupported(n, "more than one input");
  st.input_shape_nhwc = shape;
  st.b.add_input(st.input_name, nchw(shape));
  Value v;
  v.onnx = st.input_name;
  v.shape = shape;
  st.values[n.name] = v;
}

}  // namespace

void convert_node(ConversionState& st, const TfNode& n) {
  const std::string& op = n.op;
  if (op == "Const") {
    auto it = st.graph.weights.find(n.name);
    if (it == st.graph.weights.end()) unsupported(n, "constant has no data in the weights file");
    set_constant(st, n.name, it->second);
  } else if (op == "Placeholder") convert_placeholder(st, n);
  else if (op == "Identity") st.values[n.name] = input(st, n, 0);
  else if (op == "Conv2D" || op == "_FusedConv2D") convert_conv(st, n, false);
  else if (op == "DepthwiseConv2dNative" || op == "FusedDepthwiseConv2dNative") convert_conv(st, n, true);
  else if (op == "MaxPool") convert_pool(st, n, "MaxPool");
  else if (op == "AvgPool") convert_pool(st, n, "AveragePool");
  else if (op == "Add" || op == "AddV2" || op == "Sub" || op == "Mul" || op == "Maximum" || op == "Minimum")
    convert_binary(st, n);
  else if (op == "Relu" || op == "Relu6" || op == "Sigmoid" || op == "Abs" || op == "Square" || op == "Softmax")
    convert_unary(st, n);
  else if (op == "Prelu") convert_prelu(st, n);
  else convert_shape_op(st, n);
}

}  // namespace psyface::models

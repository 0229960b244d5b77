// The ONNX graph the converter writes, defined as one XNNPACK subgraph in NHWC (docs/models.md,
// "Inference engines"): ONNX attributes and initializers, then one method per translated operation.
#include <onnx/onnx_pb.h>
#include <xnnpack.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/xnn_net_impl.hpp"
#include "psyface/error.hpp"

namespace psyface::models::xnn_detail {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

[[noreturn]] void unsupported(const onnx::NodeProto& n, const std::string& why) {
  throw UnsupportedGraph("node '" + n.name() + "' (" + n.op_type() + "): " + why);
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& key) {
  for (const auto& a : n.attribute())
    if (a.name() == key) return &a;
  return nullptr;
}
int64_t attr_int(const onnx::NodeProto& n, const std::string& key, int64_t def) {
  const auto* a = find_attr(n, key);
  return a ? a->i() : def;
}
float attr_float(const onnx::NodeProto& n, const std::string& key, float def) {
  const auto* a = find_attr(n, key);
  return a ? a->f() : def;
}
std::string attr_string(const onnx::NodeProto& n, const std::string& key, const std::string& def) {
  const auto* a = find_attr(n, key);
  return a ? a->s() : def;
}
std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const std::string& key, std::vector<int64_t> def) {
  const auto* a = find_attr(n, key);
  if (!a) return def;
  return {a->ints().begin(), a->ints().end()};
}

// The values of an initializer of element type T (ONNX code `type`), from raw_data or the typed field.
template <typename T, typename Repeated>
std::vector<T> tensor_data(const onnx::TensorProto& t, int type, const Repeated& typed, const char* what) {
  if (t.data_type() != type) throw UnsupportedGraph("initializer '" + t.name() + "' is not " + what);
  if (t.raw_data().empty()) return {typed.begin(), typed.end()};
  std::vector<T> v(t.raw_data().size() / sizeof(T));
  std::memcpy(v.data(), t.raw_data().data(), v.size() * sizeof(T));
  return v;
}
std::vector<float> float_data(const onnx::TensorProto& t) {
  return tensor_data<float>(t, onnx::TensorProto::FLOAT, t.float_data(), "float");
}

// Element i of a float initializer, read in place (no copy of a large filter before it is permuted).
class FloatView {
 public:
  explicit FloatView(const onnx::TensorProto& t) : t_(t) {
    if (t.data_type() != onnx::TensorProto::FLOAT) throw UnsupportedGraph("initializer '" + t.name() + "' is not float");
    raw_ = !t.raw_data().empty();
    size_ = raw_ ? t.raw_data().size() / sizeof(float) : static_cast<size_t>(t.float_data_size());
  }
  size_t size() const { return size_; }
  float operator[](size_t i) const {
    if (!raw_) return t_.float_data(static_cast<int>(i));
    float v;
    std::memcpy(&v, t_.raw_data().data() + i * sizeof(float), sizeof v);
    return v;
  }

 private:
  const onnx::TensorProto& t_;
  bool raw_ = false;
  size_t size_ = 0;
};
std::vector<int64_t> int64_data(const onnx::TensorProto& t) {
  return tensor_data<int64_t>(t, onnx::TensorProto::INT64, t.int64_data(), "int64");
}

std::vector<int64_t> dims_of(const onnx::TensorProto& t) { return {t.dims().begin(), t.dims().end()}; }

// ONNX axis of an NCHW tensor → axis in its NHWC storage.
size_t physical_axis(const Val& v, int64_t axis) {
  if (!v.nchw) return static_cast<size_t>(axis);
  static constexpr size_t kMap[4] = {0, 3, 1, 2};
  return kMap[axis];
}

// Defines one subgraph for a batch size: walks the ONNX nodes in order.
class SubgraphBuilder {
 public:
  SubgraphBuilder(XnnNet::Impl& im, xnn_subgraph_t sg, int64_t batch) : im_(im), sg_(sg), batch_(batch) {}

  std::vector<Val> build() {
    Val in;
    in.nchw = true;
    in.shape = {batch_, im_.in_c, im_.in_h, im_.in_w};
    in.id = define(in.physical(), nullptr, 0, XNN_VALUE_FLAG_EXTERNAL_INPUT);
    vals_[im_.model.graph().input(0).name()] = in;
    const auto& nodes = im_.model.graph().node();
    for (int k = 0; k < nodes.size(); ++k) {
      if (skip_.count(k)) continue;
      if (!depth_to_space(k)) node(nodes[k]);
    }
    std::vector<Val> outs;
    for (size_t k = 0; k < im_.output_names.size(); ++k) {
      auto it = vals_.find(im_.output_names[k]);
      if (it == vals_.end()) throw UnsupportedGraph("output '" + im_.output_names[k] + "' is not computed by the graph");
      Val out = it->second;
      const auto dims = out.physical();
      const uint32_t ext = define(dims, nullptr, static_cast<uint32_t>(k + 1), XNN_VALUE_FLAG_EXTERNAL_OUTPUT);
      if (xnn_define_static_reshape(sg_, dims.size(), dims.data(), out.id, ext, 0) != xnn_status_success)
        throw UnsupportedGraph("output '" + im_.output_names[k] + "' cannot be copied out");
      out.id = ext;
      outs.push_back(out);
    }
    return outs;
  }

 private:
  uint32_t define(const std::vector<size_t>& dims, const void* data, uint32_t ext = XNN_INVALID_VALUE_ID,
                  uint32_t flags = 0) {
    uint32_t id = XNN_INVALID_VALUE_ID;
    if (xnn_define_tensor_value(sg_, xnn_datatype_fp32, dims.size(), dims.data(), data, ext, flags, &id) !=
        xnn_status_success)
      throw UnsupportedGraph("XNNPACK rejects a tensor of " + std::to_string(dims.size()) + " dimensions");
    return id;
  }

  const Val& in(const onnx::NodeProto& n, int k) {
    if (k >= n.input_size()) unsupported(n, "missing input " + std::to_string(k));
    auto it = vals_.find(n.input(k));
    if (it == vals_.end()) unsupported(n, "input '" + n.input(k) + "' is a constant or unknown");
    return it->second;
  }
  const onnx::TensorProto& const_in(const onnx::NodeProto& n, int k) {
    const onnx::TensorProto* t = k < n.input_size() ? im_.init(n.input(k)) : nullptr;
    if (!t) unsupported(n, "input " + std::to_string(k) + " must be a constant");
    return *t;
  }
  Val& out(const onnx::NodeProto& n, std::vector<int64_t> shape, bool nchw) {
    Val v;
    v.shape = std::move(shape);
    v.nchw = nchw;
    v.id = define(v.physical(), nullptr);
    return vals_[n.output(0)] = v;
  }
  void alias(const onnx::NodeProto& n, const Val& src, std::vector<int64_t> shape, bool nchw) {
    Val v = src;
    v.shape = std::move(shape);
    v.nchw = nchw;
    vals_[n.output(0)] = v;
  }
  static void check(const onnx::NodeProto& n, xnn_status s) {
    if (s != xnn_status_success) unsupported(n, "XNNPACK rejects the parameters (status " + std::to_string(s) + ")");
  }
  std::string key(const onnx::NodeProto& n, const std::string& what) const { return n.name() + "#" + what; }

  void node(const onnx::NodeProto& n) {
    if (n.output_size() != 1) unsupported(n, "more than one output");
    const std::string& op = n.op_type();
    if (op == "Conv") conv(n);
    else if (op == "Relu") unary(n, [&](uint32_t x, uint32_t y) { return xnn_define_clamp(sg_, 0.0f, kInf, x, y, 0); });
    else if (op == "Sigmoid") unary(n, [&](uint32_t x, uint32_t y) { return xnn_define_sigmoid(sg_, x, y, 0); });
    else if (op == "Abs") unary(n, [&](uint32_t x, uint32_t y) { return xnn_define_abs(sg_, x, y, 0); });
    else if (op == "PRelu") prelu(n);
    else if (op == "Add" || op == "Sub" || op == "Mul") binary(n);
    else if (op == "MaxPool" || op == "AveragePool") pool(n);
    else if (op == "GlobalAveragePool") global_pool(n);
    else if (op == "Softmax") softmax(n);
    else if (op == "Gemm") gemm(n);
    else if (op == "Flatten" || op == "Reshape") reshape(n);
    else if (op == "Transpose") transpose(n);
    else if (op == "Identity") { const Val v = in(n, 0); alias(n, v, v.shape, v.nchw); }
    else if (op == "Pad") pad(n);
    else if (op == "Concat") concat(n);
    else if (op == "Resize") resize(n);
    else unsupported(n, "operation not implemented in the XNNPACK engine");
  }

  // The converter's DepthToSpace (DCR): Reshape [1,C,H,W]→[1,b,b,C/b²,H,W], Transpose (0,3,4,1,5,2),
  // Reshape →[1,C/b²,H·b,W·b]; one XNNPACK depth_to_space on NHWC. ensures: false when nodes[k] does not
  // start that pattern.
  bool depth_to_space(int k) {
    const auto& nodes = im_.model.graph().node();
    const onnx::NodeProto& r6 = nodes[k];
    if (r6.op_type() != "Reshape" || k + 2 >= nodes.size()) return false;
    const onnx::NodeProto &t6 = nodes[k + 1], &r4 = nodes[k + 2];
    if (t6.op_type() != "Transpose" || r4.op_type() != "Reshape" || t6.input(0) != r6.output(0) ||
        r4.input(0) != t6.output(0) || im_.consumers(r6.output(0)) != 1 || im_.consumers(t6.output(0)) != 1 ||
        attr_ints(t6, "perm", {}) != std::vector<int64_t>{0, 3, 4, 1, 5, 2})
      return false;
    auto it = vals_.find(r6.input(0));
    if (it == vals_.end() || !it->second.nchw) return false;
    const Val x = it->second;
    const auto s6 = int64_data(const_in(r6, 1));
    const auto s4 = int64_data(const_in(r4, 1));
    const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3];
    if (s6.size() != 6 || s4.size() != 4 || s6[1] != s6[2]) return false;
    const int64_t b = s6[1], c2 = s6[3];
    if (b * b * c2 != C || s6[4] != H || s6[5] != W || s4[1] != c2 || s4[2] != H * b || s4[3] != W * b) return false;
    const Val& y = out(r4, {x.shape[0], c2, H * b, W * b}, true);
    check(r4, xnn_define_depth_to_space(sg_, x.id, y.id, static_cast<uint32_t>(b), 0));
    skip_.insert(k + 1);
    skip_.insert(k + 2);
    return true;
  }

  void unary(const onnx::NodeProto& n, const std::function<xnn_status(uint32_t, uint32_t)>& def) {
    const Val x = in(n, 0);
    const Val& y = out(n, x.shape, x.nchw);
    check(n, def(x.id, y.id));
  }

  void conv(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    if (!x.nchw) unsupported(n, "input is not an NCHW activation");
    const onnx::TensorProto& wt = const_in(n, 1);
    const auto wd = dims_of(wt);
    if (wd.size() != 4) unsupported(n, "filter is not 4-D");
    const int64_t O = wd[0], IG = wd[1], KH = wd[2], KW = wd[3], C = x.shape[1];
    const int64_t groups = attr_int(n, "group", 1);
    if (IG * groups != C || O % groups != 0) unsupported(n, "filter does not match the input channels");
    if (attr_string(n, "auto_pad", "NOTSET") != "NOTSET") unsupported(n, "auto_pad");
    const auto pads = attr_ints(n, "pads", {0, 0, 0, 0});
    const auto strides = attr_ints(n, "strides", {1, 1});
    const auto dil = attr_ints(n, "dilations", {1, 1});
    if (pads.size() != 4 || strides.size() != 2 || dil.size() != 2) unsupported(n, "not a 2-D convolution");
    const int64_t OH = (x.shape[2] + pads[0] + pads[2] - ((KH - 1) * dil[0] + 1)) / strides[0] + 1;
    const int64_t OW = (x.shape[3] + pads[1] + pads[3] - ((KW - 1) * dil[1] + 1)) / strides[1] + 1;
    const bool depthwise = groups > 1 && groups == C && IG == 1;
    const float* w = im_.weight(key(n, "W"), [&] {
      const FloatView src(wt);
      if (src.size() != static_cast<size_t>(O * IG * KH * KW)) unsupported(n, "filter size does not match its shape");
      std::vector<float> dst(src.size());
      for (int64_t o = 0; o < O; ++o)
        for (int64_t i = 0; i < IG; ++i)
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              const float v = src[((o * IG + i) * KH + kh) * KW + kw];
              if (depthwise) dst[(kh * KW + kw) * O + o] = v;              // [1, KH, KW, O]
              else dst[((o * KH + kh) * KW + kw) * IG + i] = v;            // [O, KH, KW, IG]
            }
      return dst;
    });
    const uint32_t w_id = depthwise ? define({1, size_t(KH), size_t(KW), size_t(O)}, w)
                                    : define({size_t(O), size_t(KH), size_t(KW), size_t(IG)}, w);
    uint32_t b_id = XNN_INVALID_VALUE_ID;
    if (n.input_size() > 2 && !n.input(2).empty()) {
      const onnx::TensorProto& bt = const_in(n, 2);
      const float* b = im_.weight(key(n, "B"), [&] { return float_data(bt); });
      b_id = define({size_t(O)}, b);
    }
    const Val& y = out(n, {x.shape[0], O, OH, OW}, true);
    const auto u = [](int64_t v) { return static_cast<uint32_t>(v); };
    if (depthwise)
      check(n, xnn_define_depthwise_convolution_2d(sg_, u(pads[0]), u(pads[3]), u(pads[2]), u(pads[1]), u(KH), u(KW),
                                                   u(strides[0]), u(strides[1]), u(dil[0]), u(dil[1]), u(O / C),
                                                   size_t(C), -kInf, kInf, x.id, w_id, b_id, y.id, 0));
    else
      check(n, xnn_define_convolution_2d(sg_, u(pads[0]), u(pads[3]), u(pads[2]), u(pads[1]), u(KH), u(KW),
                                         u(strides[0]), u(strides[1]), u(dil[0]), u(dil[1]), u(groups), size_t(IG),
                                         size_t(O / groups), -kInf, kInf, x.id, w_id, b_id, y.id, 0));
  }

  void prelu(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    const onnx::TensorProto& at = const_in(n, 1);
    const int64_t channels = x.nchw ? x.shape[1] : x.shape.back();
    if (product(dims_of(at)) != channels) unsupported(n, "slope is not one value per channel");
    const float* a = im_.weight(key(n, "slope"), [&] { return float_data(at); });
    const uint32_t a_id = define({size_t(channels)}, a);
    const Val& y = out(n, x.shape, x.nchw);
    check(n, xnn_define_prelu(sg_, x.id, a_id, y.id, 0));
  }

  // A constant operand of an element-wise op with activation x, stored to broadcast against x's storage.
  uint32_t broadcast_const(const onnx::NodeProto& n, const Val& x, const onnx::TensorProto& t) {
    const auto d = dims_of(t);
    const int64_t count = product(d);
    std::vector<int64_t> nd = d;  // without leading 1s
    while (!nd.empty() && nd.front() == 1) nd.erase(nd.begin());
    const std::string k = key(n, "const:" + t.name());
    if (count == 1) return define({1}, im_.weight(k, [&] { return float_data(t); }));
    if (x.nchw) {
      const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3];
      if (nd == std::vector<int64_t>{C, 1, 1} || nd == std::vector<int64_t>{C})
        return define({size_t(C)}, im_.weight(k, [&] { return float_data(t); }));
      if (nd == std::vector<int64_t>{C, H, W}) {
        return define({1, size_t(H), size_t(W), size_t(C)}, im_.weight(k, [&] {
                        const auto src = float_data(t);
                        std::vector<float> dst(src.size());
                        for (int64_t c = 0; c < C; ++c)
                          for (int64_t hw = 0; hw < H * W; ++hw) dst[hw * C + c] = src[c * H * W + hw];
                        return dst;
                      }));
      }
      unsupported(n, "constant operand does not broadcast per channel");
    }
    // Plain tensors: numpy broadcasting is the same in both engines.
    if (d.size() > x.shape.size()) unsupported(n, "constant operand has more dimensions than the activation");
    for (size_t k2 = 0; k2 < d.size(); ++k2) {
      const int64_t xd = x.shape[x.shape.size() - d.size() + k2];
      if (d[k2] != 1 && d[k2] != xd) unsupported(n, "constant operand does not broadcast");
    }
    return define({d.begin(), d.end()}, im_.weight(k, [&] { return float_data(t); }));
  }

  void binary(const onnx::NodeProto& n) {
    const onnx::TensorProto* c0 = im_.init(n.input(0));
    const onnx::TensorProto* c1 = n.input_size() > 1 ? im_.init(n.input(1)) : nullptr;
    if (c0 && c1) unsupported(n, "two constant operands");
    uint32_t a, b;
    Val x;
    if (!c0 && !c1) {
      const Val p = in(n, 0), q = in(n, 1);
      if (p.shape != q.shape || p.nchw != q.nchw) unsupported(n, "operands of different shapes");
      x = p, a = p.id, b = q.id;
    } else if (c1) {
      x = in(n, 0), a = x.id, b = broadcast_const(n, x, *c1);
    } else {
      x = in(n, 1), b = x.id, a = broadcast_const(n, x, *c0);
    }
    const Val& y = out(n, x.shape, x.nchw);
    const std::string& op = n.op_type();
    if (op == "Add") check(n, xnn_define_add2(sg_, -kInf, kInf, a, b, y.id, 0));
    else if (op == "Sub") check(n, xnn_define_subtract(sg_, -kInf, kInf, a, b, y.id, 0));
    else check(n, xnn_define_multiply2(sg_, -kInf, kInf, a, b, y.id, 0));
  }

  void pool(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    if (!x.nchw) unsupported(n, "input is not an NCHW activation");
    const auto k = attr_ints(n, "kernel_shape", {});
    const auto s = attr_ints(n, "strides", {1, 1});
    const auto p = attr_ints(n, "pads", {0, 0, 0, 0});
    const auto d = attr_ints(n, "dilations", {1, 1});
    if (k.size() != 2 || s.size() != 2 || p.size() != 4) unsupported(n, "not a 2-D pooling");
    if (attr_int(n, "ceil_mode", 0) != 0 || attr_string(n, "auto_pad", "NOTSET") != "NOTSET")
      unsupported(n, "ceil_mode / auto_pad");
    const bool max = n.op_type() == "MaxPool";
    const bool padded = p[0] || p[1] || p[2] || p[3];
    if (!max && padded && attr_int(n, "count_include_pad", 0) != 0) unsupported(n, "count_include_pad = 1");
    const int64_t OH = (x.shape[2] + p[0] + p[2] - ((k[0] - 1) * d[0] + 1)) / s[0] + 1;
    const int64_t OW = (x.shape[3] + p[1] + p[3] - ((k[1] - 1) * d[1] + 1)) / s[1] + 1;
    const Val& y = out(n, {x.shape[0], x.shape[1], OH, OW}, true);
    const auto u = [](int64_t v) { return static_cast<uint32_t>(v); };
    if (max)
      check(n, xnn_define_max_pooling_2d(sg_, u(p[0]), u(p[3]), u(p[2]), u(p[1]), u(k[0]), u(k[1]), u(s[0]), u(s[1]),
                                         u(d[0]), u(d[1]), -kInf, kInf, x.id, y.id, 0));
    else if (d[0] != 1 || d[1] != 1)
      unsupported(n, "dilated average pooling");
    else
      check(n, xnn_define_average_pooling_2d(sg_, u(p[0]), u(p[3]), u(p[2]), u(p[1]), u(k[0]), u(k[1]), u(s[0]),
                                             u(s[1]), -kInf, kInf, x.id, y.id, 0));
  }

  void global_pool(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    if (!x.nchw) unsupported(n, "input is not an NCHW activation");
    const Val& y = out(n, {x.shape[0], x.shape[1], 1, 1}, true);
    check(n, xnn_define_global_average_pooling_2d(sg_, -kInf, kInf, x.id, y.id, 0));
  }

  void softmax(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    int64_t axis = attr_int(n, "axis", 1);
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    if (axis < 0) axis += rank;
    // opset 11 Softmax normalises over the flattened dimensions from axis on: the last physical axis
    // when everything after axis is 1.
    const bool last = x.nchw ? (axis == 1 && x.shape[2] * x.shape[3] == 1) : product(x.shape, size_t(axis) + 1) == 1;
    if (!last) unsupported(n, "softmax over an axis that is not the last");
    const Val& y = out(n, x.shape, x.nchw);
    check(n, xnn_define_softmax(sg_, x.id, y.id, 0));
  }

  void gemm(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    if (x.shape.size() != 2 || x.nchw) unsupported(n, "input is not 2-D");
    if (attr_int(n, "transA", 0) != 0 || attr_float(n, "alpha", 1.0f) != 1.0f || attr_float(n, "beta", 1.0f) != 1.0f)
      unsupported(n, "transA / alpha / beta");
    const onnx::TensorProto& bt = const_in(n, 1);
    const auto bd = dims_of(bt);
    const bool trans_b = attr_int(n, "transB", 0) != 0;
    if (bd.size() != 2) unsupported(n, "B is not 2-D");
    const int64_t K = trans_b ? bd[1] : bd[0], O = trans_b ? bd[0] : bd[1];
    if (K != x.shape[1]) unsupported(n, "B does not match the input width");
    const uint32_t w_id = define({size_t(bd[0]), size_t(bd[1])}, im_.weight(key(n, "B"), [&] { return float_data(bt); }));
    uint32_t b_id = XNN_INVALID_VALUE_ID;
    if (n.input_size() > 2 && !n.input(2).empty()) {
      const onnx::TensorProto& ct = const_in(n, 2);
      if (product(dims_of(ct)) != O) unsupported(n, "C is not one bias per output");
      b_id = define({size_t(O)}, im_.weight(key(n, "C"), [&] { return float_data(ct); }));
    }
    const Val& y = out(n, {x.shape[0], O}, false);
    check(n, xnn_define_fully_connected(sg_, -kInf, kInf, x.id, w_id, b_id, y.id,
                                        trans_b ? 0 : XNN_FLAG_TRANSPOSE_WEIGHTS));
  }

  void reshape(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    if (!x.memory_is_logical()) unsupported(n, "reshapes an NCHW tensor (needs a transpose first)");
    const int64_t per_sample = product(x.shape, 1);
    std::vector<int64_t> shape;
    if (n.op_type() == "Flatten") {
      if (attr_int(n, "axis", 1) != 1) unsupported(n, "Flatten axis other than 1");
      shape = {x.shape[0], per_sample};
    } else {
      auto target = int64_data(const_in(n, 1));
      if (target.empty() || (target[0] != 1 && target[0] != -1 && target[0] != 0))
        unsupported(n, "reshape across the batch dimension");
      shape = {x.shape[0]};
      int64_t known = 1, infer = -1;
      for (size_t k = 1; k < target.size(); ++k) {
        int64_t v = target[k];
        if (v == 0) v = k < x.shape.size() ? x.shape[k] : 0;
        if (v == -1) infer = static_cast<int64_t>(k);
        else known *= v;
        shape.push_back(v);
      }
      if (infer > 0) shape[size_t(infer)] = known ? per_sample / known : 0;
      if (product(shape, 1) != per_sample) unsupported(n, "element count changes");
    }
    const Val& y = out(n, shape, false);
    const auto dims = y.physical();
    check(n, xnn_define_static_reshape(sg_, dims.size(), dims.data(), x.id, y.id, 0));
  }

  // Layout changes between NCHW and NHWC are free here (storage stays NHWC); other permutations are not
  // supported.
  void transpose(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    const auto perm = attr_ints(n, "perm", {});
    const auto& s = x.shape;
    if (x.nchw && perm == std::vector<int64_t>{0, 2, 3, 1}) return alias(n, x, {s[0], s[2], s[3], s[1]}, false);
    if (!x.nchw && s.size() == 4 && perm == std::vector<int64_t>{0, 3, 1, 2})
      return alias(n, x, {s[0], s[3], s[1], s[2]}, true);
    std::vector<int64_t> identity(s.size());
    std::iota(identity.begin(), identity.end(), 0);
    if (perm == identity) return alias(n, x, s, x.nchw);
    unsupported(n, "permutation other than NCHW↔NHWC");
  }

  void pad(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    if (attr_string(n, "mode", "constant") != "constant") unsupported(n, "mode other than constant");
    const auto p = int64_data(const_in(n, 1));
    const size_t rank = x.shape.size();
    if (p.size() != 2 * rank) unsupported(n, "pads do not match the rank");
    float value = 0.0f;
    if (n.input_size() > 2 && !n.input(2).empty()) {
      const auto& v = im_.cached(key(n, "value"), [&] { return float_data(const_in(n, 2)); });
      if (v.size() != 1) unsupported(n, "padding value is not a scalar");
      value = v[0];
    }
    std::vector<size_t> pre(rank), post(rank);
    std::vector<int64_t> shape = x.shape;
    for (size_t k = 0; k < rank; ++k) {
      if (p[k] < 0 || p[k + rank] < 0 || (k == 0 && (p[k] || p[k + rank]))) unsupported(n, "negative or batch pads");
      const size_t ph = physical_axis(x, static_cast<int64_t>(k));
      pre[ph] = size_t(p[k]), post[ph] = size_t(p[k + rank]);
      shape[k] += p[k] + p[k + rank];
    }
    const Val& y = out(n, shape, x.nchw);
    check(n, xnn_define_static_constant_pad(sg_, pre.data(), post.data(), value, x.id, y.id, 0));
  }

  // Bilinear resize of an NCHW tensor by constant scales (the converter's ResizeBilinear).
  void resize(const onnx::NodeProto& n) {
    const Val x = in(n, 0);
    if (!x.nchw) unsupported(n, "input is not an NCHW activation");
    if (attr_string(n, "mode", "nearest") != "linear") unsupported(n, "mode other than linear");
    const std::string ct = attr_string(n, "coordinate_transformation_mode", "half_pixel");
    uint32_t flags = 0;
    if (ct == "align_corners") flags = XNN_FLAG_ALIGN_CORNERS;
    else if (ct == "asymmetric") flags = XNN_FLAG_TENSORFLOW_LEGACY_MODE;
    else if (ct != "half_pixel") unsupported(n, "coordinate_transformation_mode " + ct);
    if (n.input_size() != 3) unsupported(n, "sizes instead of scales");
    const auto& scales = im_.cached(key(n, "scales"), [&] { return float_data(const_in(n, 2)); });
    if (scales.size() != 4 || scales[0] != 1.0f || scales[1] != 1.0f) unsupported(n, "scales over batch or channels");
    const auto oh = static_cast<int64_t>(std::floor(double(x.shape[2]) * scales[2]));
    const auto ow = static_cast<int64_t>(std::floor(double(x.shape[3]) * scales[3]));
    const Val& y = out(n, {x.shape[0], x.shape[1], oh, ow}, true);
    check(n, xnn_define_static_resize_bilinear_2d(sg_, size_t(oh), size_t(ow), x.id, y.id, flags));
  }

  // XNNPACK (2022) has no concatenation node: each part is zero-padded to the full size along the axis and
  // the parts are added (exact: every output element is one part's value plus zeros).
  void concat(const onnx::NodeProto& n) {
    std::vector<Val> parts;
    for (int k = 0; k < n.input_size(); ++k) parts.push_back(in(n, k));
    const size_t rank = parts[0].shape.size();
    int64_t axis = attr_int(n, "axis", 0);
    if (axis < 0) axis += static_cast<int64_t>(rank);
    if (axis == 0) unsupported(n, "concatenation along the batch");
    std::vector<int64_t> shape = parts[0].shape;
    shape[size_t(axis)] = 0;
    for (const Val& v : parts) {
      if (v.nchw != parts[0].nchw || v.shape.size() != rank) unsupported(n, "parts of different layouts");
      for (size_t k = 0; k < rank; ++k)
        if (k != size_t(axis) && v.shape[k] != parts[0].shape[k]) unsupported(n, "parts of different shapes");
      shape[size_t(axis)] += v.shape[size_t(axis)];
    }
    if (parts.size() == 1) return alias(n, parts[0], shape, parts[0].nchw);
    const size_t ph = physical_axis(parts[0], axis);
    Val full;
    full.shape = shape;
    full.nchw = parts[0].nchw;
    uint32_t sum = XNN_INVALID_VALUE_ID;
    int64_t offset = 0;
    for (size_t k = 0; k < parts.size(); ++k) {
      std::vector<size_t> pre(rank, 0), post(rank, 0);
      const int64_t len = parts[k].shape[size_t(axis)];
      pre[ph] = size_t(offset);
      post[ph] = size_t(shape[size_t(axis)] - offset - len);
      offset += len;
      const uint32_t padded = define(full.physical(), nullptr);
      check(n, xnn_define_static_constant_pad(sg_, pre.data(), post.data(), 0.0f, parts[k].id, padded, 0));
      if (k == 0) {
        sum = padded;
        continue;
      }
      const uint32_t next = k + 1 == parts.size() ? out(n, shape, full.nchw).id : define(full.physical(), nullptr);
      check(n, xnn_define_add2(sg_, -kInf, kInf, sum, padded, next, 0));
      sum = next;
    }
  }

  XnnNet::Impl& im_;
  xnn_subgraph_t sg_;
  int64_t batch_;
  std::map<std::string, Val> vals_;
  std::set<int> skip_;  // nodes already defined as part of a pattern
};

}  // namespace

std::vector<Val> build_subgraph(XnnNet::Impl& im, xnn_subgraph_t sg, int64_t batch) {
  return SubgraphBuilder(im, sg, batch).build();
}

}  // namespace psyface::models::xnn_detail

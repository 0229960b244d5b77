#include "audio/silero_vad.hpp"

#include <onnx/onnx_pb.h>

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <vector>

#include "psyface/error.hpp"

namespace psyface::audio {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::VectorXf;

constexpr int kBins = 129;          // STFT bins (n_fft 256 / 2 + 1)
constexpr int kFft = 256, kHop = 128;
constexpr int kHidden = 128;
constexpr int kPadRight = 64;       // reflect padding after the 576 input samples
constexpr int kInput = SileroVad::kContextSamples + SileroVad::kChunkSamples;
constexpr int kFrames = (kInput + kPadRight - kFft) / kHop + 1;  // 4

// The float values of one initializer, after checking its shape.
class Initializers {
 public:
  Initializers(const onnx::GraphProto& g, const std::string& origin) : origin_(origin) {
    for (const auto& t : g.initializer()) by_name_[t.name()] = &t;
  }
  std::vector<float> get(const std::string& name, const std::vector<int64_t>& dims) const {
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) fail(name, "missing (not a Silero VAD v5/v6 16 kHz file?)");
    const onnx::TensorProto& t = *it->second;
    if (t.data_type() != onnx::TensorProto::FLOAT) fail(name, "not float32");
    if (std::vector<int64_t>(t.dims().begin(), t.dims().end()) != dims) fail(name, "unexpected shape");
    size_t n = 1;
    for (auto d : dims) n *= static_cast<size_t>(d);
    std::vector<float> v(n);
    if (t.raw_data().size() == n * sizeof(float)) {
      std::memcpy(v.data(), t.raw_data().data(), n * sizeof(float));
    } else if (static_cast<size_t>(t.float_data_size()) == n) {
      std::copy(t.float_data().begin(), t.float_data().end(), v.begin());
    } else {
      fail(name, "holds " + std::to_string(t.raw_data().size()) + " bytes for " + std::to_string(n) + " floats");
    }
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& name, const std::string& why) const {
    throw Error(ErrorCode::Model, origin_ + ": initializer " + name + ": " + why);
  }
  std::string origin_;
  std::map<std::string, const onnx::TensorProto*> by_name_;
};

RowMat matrix(const std::vector<float>& v, int rows, int cols) {
  return Eigen::Map<const RowMat>(v.data(), rows, cols);
}

struct Conv1d {  // kernel 3, padding 1
  RowMat w;      // [out, in·3], the ONNX weight [out, in, 3] flattened row-major
  Vec b;
  int in = 0, out = 0, stride = 1;

  RowMat operator()(const RowMat& x) const {  // x: [in, length] → ReLU(conv): [out, length_out]
    const int length = static_cast<int>(x.cols());
    const int length_out = (length + 2 - 3) / stride + 1;
    RowMat col = RowMat::Zero(in * 3, length_out);
    for (int i = 0; i < in; ++i)
      for (int k = 0; k < 3; ++k)
        for (int t = 0; t < length_out; ++t) {
          const int src = t * stride - 1 + k;
          if (src >= 0 && src < length) col(i * 3 + k, t) = x(i, src);
        }
    RowMat y = w * col;
    y.colwise() += b;
    return y.cwiseMax(0.0f);
  }
};

Vec sigmoid(const Vec& x) { return (1.0f + (-x.array()).exp()).inverse().matrix(); }

}  // namespace

struct SileroVad::Net {
  RowMat basis;  // [258, 256]: cos rows then sin rows
  std::array<Conv1d, 4> enc;
  RowMat w_ih, w_hh;  // [512, 128], gate order i, f, g, o (PyTorch)
  Vec b_ih, b_hh;
  Vec out_w;
  float out_b = 0;
  // state
  Vec h = Vec::Zero(kHidden), c = Vec::Zero(kHidden);
  std::array<float, kContextSamples> context{};
  std::array<float, kInput + kPadRight> x{};
};

SileroVad::SileroVad(std::span<const uint8_t> bytes, const std::string& origin) : net_(std::make_unique<Net>()) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw Error(ErrorCode::Model, origin + ": not an ONNX model");
  const Initializers w(model.graph(), origin);
  Net& n = *net_;
  n.basis = matrix(w.get("model.stft.forward_basis_buffer", {2 * kBins, 1, kFft}), 2 * kBins, kFft);
  const std::array<std::array<int, 3>, 4> layers = {{{kBins, 128, 1}, {128, 64, 2}, {64, 64, 2}, {64, 128, 1}}};
  for (int l = 0; l < 4; ++l) {
    const auto [in, out, stride] = layers[static_cast<size_t>(l)];
    const std::string p = "model.encoder." + std::to_string(l) + ".reparam_conv.";
    Conv1d& c = n.enc[static_cast<size_t>(l)];
    c.in = in, c.out = out, c.stride = stride;
    c.w = matrix(w.get(p + "weight", {out, in, 3}), out, in * 3);
    const auto b = w.get(p + "bias", {out});
    c.b = Eigen::Map<const Vec>(b.data(), out);
  }
  n.w_ih = matrix(w.get("model.decoder.rnn.weight_ih", {4 * kHidden, kHidden}), 4 * kHidden, kHidden);
  n.w_hh = matrix(w.get("model.decoder.rnn.weight_hh", {4 * kHidden, kHidden}), 4 * kHidden, kHidden);
  const auto bi = w.get("model.decoder.rnn.bias_ih", {4 * kHidden}), bh = w.get("model.decoder.rnn.bias_hh", {4 * kHidden});
  n.b_ih = Eigen::Map<const Vec>(bi.data(), 4 * kHidden);
  n.b_hh = Eigen::Map<const Vec>(bh.data(), 4 * kHidden);
  const auto ow = w.get("model.decoder.decoder.2.weight", {1, kHidden, 1});
  n.out_w = Eigen::Map<const Vec>(ow.data(), kHidden);
  n.out_b = w.get("model.decoder.decoder.2.bias", {1})[0];
}

SileroVad::SileroVad(SileroVad&&) noexcept = default;
SileroVad& SileroVad::operator=(SileroVad&&) noexcept = default;
SileroVad::~SileroVad() = default;

SileroVad SileroVad::load(const std::filesystem::path& models_dir) {
  const auto dir = models_dir / kVadModelName;
  models::Manifest m = models::read_manifest(dir);
  if (m.output_kind != "speech-probability")
    throw Error(ErrorCode::Model, (dir / "manifest.json").string() + ": field output.kind: '" + m.output_kind +
                                      "' (the voice-activity model gives speech-probability)");
  const util::MappedFile bytes = models::read_verified_model_file(dir, m);
  const std::string_view b = bytes.bytes();
  SileroVad vad(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data()), b.size()), (dir / m.onnx_file).string());
  vad.manifest_ = std::move(m);
  return vad;
}

void SileroVad::reset() {
  net_->h.setZero();
  net_->c.setZero();
  net_->context.fill(0.0f);
}

float SileroVad::process(std::span<const float> chunk) {
  if (chunk.size() != static_cast<size_t>(kChunkSamples))
    throw Error(ErrorCode::Internal, "SileroVad::process: " + std::to_string(chunk.size()) + " samples, expected 512");
  Net& n = *net_;
  auto& x = n.x;
  std::copy(n.context.begin(), n.context.end(), x.begin());
  std::copy(chunk.begin(), chunk.end(), x.begin() + kContextSamples);
  for (int k = 0; k < kPadRight; ++k) x[kInput + k] = x[kInput - 2 - k];  // reflect padding
  std::copy(x.begin() + kInput - kContextSamples, x.begin() + kInput, n.context.begin());

  RowMat frames(kFft, kFrames);
  for (int f = 0; f < kFrames; ++f)
    for (int k = 0; k < kFft; ++k) frames(k, f) = x[static_cast<size_t>(f * kHop + k)];
  const RowMat spec = n.basis * frames;
  RowMat mag = (spec.topRows(kBins).array().square() + spec.bottomRows(kBins).array().square()).sqrt().matrix();
  for (const Conv1d& c : n.enc) mag = c(mag);  // [128, 1] after the last layer

  const Vec feature = mag.col(0);
  const Vec gates = n.w_ih * feature + n.b_ih + n.w_hh * n.h + n.b_hh;
  const Vec i = sigmoid(gates.segment(0, kHidden)), f = sigmoid(gates.segment(kHidden, kHidden));
  const Vec g = gates.segment(2 * kHidden, kHidden).array().tanh().matrix();
  const Vec o = sigmoid(gates.segment(3 * kHidden, kHidden));
  n.c = f.cwiseProduct(n.c) + i.cwiseProduct(g);
  n.h = o.cwiseProduct(n.c.array().tanh().matrix());
  const float logit = n.out_w.dot(n.h.cwiseMax(0.0f)) + n.out_b;
  return 1.0f / (1.0f + std::exp(-logit));
}

}  // namespace psyface::audio

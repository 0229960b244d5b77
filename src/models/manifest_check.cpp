// validate_manifest (models/manifest.hpp): what each kind of model needs before a loader trusts it.
#include <algorithm>
#include <cmath>
#include <set>

#include "models/manifest.hpp"
#include "psyface/error.hpp"
#include "psyface/records.hpp"

namespace psyface::models {
namespace {

constexpr int kMaxInputSide = 4096;
constexpr int64_t kMaxOutputDim = int64_t{1} << 24;

const std::set<std::string>& known_kinds() {
  static const std::set<std::string> kinds{"probabilities", "logits+probabilities", "detections", "landmarks",
                                           "embedding", "embedding(l2-normalise)", "speech-probability"};
  return kinds;
}

class Checker {
 public:
  explicit Checker(const std::string& origin) : origin_(origin) {}
  void require(bool ok, const std::string& field, const std::string& what) const {
    if (!ok) throw Error(ErrorCode::Model, origin_ + ": field " + field + ": " + what);
  }

 private:
  const std::string& origin_;
};

void check_input(const Checker& c, const Manifest& m) {
  for (auto [field, v] : {std::pair{"input.width", m.input_width}, std::pair{"input.height", m.input_height}})
    c.require(v >= 1 && v <= kMaxInputSide, field,
              std::to_string(v) + " is not an image size (1.." + std::to_string(kMaxInputSide) + " px)");
  c.require(m.input_channels == 1 || m.input_channels == 3, "input.channels",
            std::to_string(m.input_channels) + " (the loader feeds 1 grey or 3 RGB channels)");
  c.require(m.layout == "NCHW", "input.layout", "'" + m.layout + "' (the converter writes NCHW)");
  c.require(m.resize == "bilinear", "input.resize", "'" + m.resize + "' (the loader resizes bilinearly)");
  c.require(m.mean.size() == static_cast<size_t>(m.input_channels), "input.mean",
            std::to_string(m.mean.size()) + " values for " + std::to_string(m.input_channels) + " channel(s)");
  for (size_t k = 0; k < m.mean.size(); ++k)
    c.require(std::isfinite(m.mean[k]) && m.mean[k] >= 0 && m.mean[k] <= 255, "input.mean[" + std::to_string(k) + "]",
              std::to_string(m.mean[k]) + " is outside the pixel range 0..255");
  c.require(std::isfinite(m.scale) && m.scale > 0 && m.scale <= 1, "input.scale",
            std::to_string(m.scale) + " is not in (0, 1]");
}

// The voice-activity model (src/audio/silero_vad.hpp): 16 kHz mono float samples, 512 per call.
void check_audio_input(const Checker& c, const Manifest& m) {
  c.require(m.input_sample_rate_hz == 16000, "input.sample_rate_hz",
            std::to_string(m.input_sample_rate_hz) + " (the voice-activity runner feeds 16000 Hz)");
  c.require(m.input_width == 512, "input.width", std::to_string(m.input_width) + " samples per call (the runner feeds 512)");
  c.require(m.input_height == 1 && m.input_channels == 1, "input.channels",
            std::to_string(m.input_channels) + " channel(s), height " + std::to_string(m.input_height) + " (mono: 1, 1)");
  c.require(m.layout == "NC", "input.layout", "'" + m.layout + "' (audio is NC: batch, samples)");
  c.require(m.resize == "none", "input.resize", "'" + m.resize + "' (audio is not resized)");
}

void check_outputs(const Checker& c, const Manifest& m) {
  c.require(!m.outputs.empty(), "output.tensors", "no output tensors");
  std::set<std::string> names;
  for (size_t k = 0; k < m.outputs.size(); ++k) {
    const std::string field = "output.tensors[" + std::to_string(k) + "]";
    const ModelOutput& o = m.outputs[k];
    c.require(!o.name.empty(), field + ".name", "empty");
    c.require(names.insert(o.name).second, field + ".name", "'" + o.name + "' is listed twice");
    c.require(!o.shape.empty(), field + ".shape", "empty");
    for (size_t d = 0; d < o.shape.size(); ++d)
      c.require(o.shape[d] >= 1 && o.shape[d] <= kMaxOutputDim, field + ".shape[" + std::to_string(d) + "]",
                std::to_string(o.shape[d]) + " is not a positive size");
  }
}

void check_classes(const Checker& c, const Manifest& m) {
  std::set<std::string> seen;
  for (size_t k = 0; k < m.class_order.size(); ++k)
    c.require(seen.insert(m.class_order[k]).second, "output.class_order[" + std::to_string(k) + "]",
              "class '" + m.class_order[k] + "' is listed twice");
  if (!is_emotion_kind(m.output_kind)) {
    c.require(m.class_order.empty(), "output.class_order", "a '" + m.output_kind + "' model has no classes");
    return;
  }
  for (const auto& e : kEmotionNames)
    c.require(seen.count(std::string(e)), "output.class_order", "lacks the emotion '" + std::string(e) + "'");
  c.require(m.class_order.size() == kEmotionCount, "output.class_order",
            std::to_string(m.class_order.size()) + " classes, expected the " + std::to_string(kEmotionCount) +
                " emotions");
  // The classifier reads the tensor named "probabilities", or the only one.
  const auto it = std::find_if(m.outputs.begin(), m.outputs.end(),
                               [](const ModelOutput& o) { return o.name == "probabilities"; });
  c.require(it != m.outputs.end() || m.outputs.size() == 1, "output.tensors",
            "an emotion model needs a tensor named 'probabilities' or a single output");
  const ModelOutput& p = it != m.outputs.end() ? *it : m.outputs.front();
  int64_t values = 1;
  for (auto d : p.shape)
    if (__builtin_mul_overflow(values, d, &values)) values = -1;
  c.require(values == kEmotionCount, "output.tensors",
            "'" + p.name + "' holds " + std::to_string(values) + " values, not one per emotion");
}

}  // namespace

bool is_audio_kind(const std::string& output_kind) { return output_kind == "speech-probability"; }

bool is_emotion_kind(const std::string& output_kind) {
  return output_kind == "probabilities" || output_kind == "logits+probabilities";
}

void validate_manifest(const Manifest& m, const std::string& origin) {
  const Checker c(origin);
  c.require(!m.name.empty() && m.name.find('/') == std::string::npos, "name", "'" + m.name + "' is not a model name");
  c.require(!m.onnx_file.empty() && m.onnx_file != "." && m.onnx_file != ".." &&
                m.onnx_file.find('/') == std::string::npos && m.onnx_file.find('\\') == std::string::npos,
            "file", "'" + m.onnx_file + "' is not a file name in the model's folder");
  c.require(m.sha256.size() == 64 && std::all_of(m.sha256.begin(), m.sha256.end(),
                                                 [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); }),
            "sha256", "'" + m.sha256 + "' is not 64 hexadecimal digits");
  if (is_audio_kind(m.output_kind)) check_audio_input(c, m);
  else check_input(c, m);
  c.require(m.input_sample_rate_hz == 0 || is_audio_kind(m.output_kind), "input.sample_rate_hz",
            "set for a '" + m.output_kind + "' model, which takes images");
  c.require(known_kinds().count(m.output_kind), "output.kind",
            "'" + m.output_kind + "' (known: probabilities, logits+probabilities, detections, landmarks, embedding, "
                                  "embedding(l2-normalise), speech-probability)");
  check_outputs(c, m);  // before the classes, which look into the outputs
  check_classes(c, m);
}

}  // namespace psyface::models

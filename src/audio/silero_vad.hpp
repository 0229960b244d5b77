// SileroVad: Silero VAD v6 (16 kHz), the speech probability of each 32 ms chunk of audio. The weights
// are read from the ONNX file's initializers (models/silero-vad/model.onnx, checked against its manifest)
// and the network is computed with Eigen: a Conv1d spectrum (258 fixed filters, kernel 256, stride 128,
// magnitude of 129 bins), four Conv1d + ReLU layers, one LSTM cell (hidden 128) and a 1×1 conv with a
// sigmoid. docs/speaking.md says why this is not run through the image engines; the results equal
// onnxruntime's on the same file within 1e-4 (tests/unit/audio/test_silero_vad.cpp).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "models/manifest.hpp"

namespace psyface::audio {

inline constexpr const char* kVadModelName = "silero-vad";

class SileroVad {
 public:
  static constexpr int kSampleRateHz = 16000;
  static constexpr int kChunkSamples = 512;   // new samples per call: 32 ms
  static constexpr int kContextSamples = 64;  // the previous call's last samples, prepended

  // requires: models_dir/silero-vad/manifest.json (kind speech-probability) and its model.onnx.
  // throws Error(Model) naming the file when missing, not matching its checksum or lacking a weight.
  static SileroVad load(const std::filesystem::path& models_dir);

  // requires: bytes of a Silero VAD v5/v6 ONNX file with the 16 kHz weights named model.* (origin names
  // it in messages). throws Error(Model) "<origin>: initializer <name>: ..." on a missing or misshapen weight.
  SileroVad(std::span<const uint8_t> onnx_bytes, const std::string& origin);
  SileroVad(SileroVad&&) noexcept;
  SileroVad& operator=(SileroVad&&) noexcept;
  ~SileroVad();

  // ensures: LSTM state and context back to zeros, as at the start of a stream.
  void reset();

  // requires: chunk.size() == kChunkSamples, samples at 16 kHz in [-1, 1], consecutive with the last call.
  // ensures: the speech probability in [0, 1] of this chunk (state and context advance).
  float process(std::span<const float> chunk);

  const models::Manifest& manifest() const { return manifest_; }

 private:
  struct Net;
  std::unique_ptr<Net> net_;
  models::Manifest manifest_;
};

}  // namespace psyface::audio

// One manifest per model (models/<name>/manifest.json): where the weights came from, how to feed the
// network, what comes out, and the sha256 of the ONNX file, which the loader verifies.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/mapped_file.hpp"

namespace psyface::models {

inline constexpr int kManifestFormatVersion = 1;

struct ModelOutput {
  std::string name;            // ONNX output name
  std::vector<int64_t> shape;  // batch 1, TF memory order
};

struct Manifest {
  int format_version = kManifestFormatVersion;
  std::string name;                 // e.g. "mini-xception"
  std::string description;
  std::string source_package;       // npm package
  std::string source_version;
  std::string source_path;          // file inside the package
  std::string licence;
  std::string onnx_file = "model.onnx";
  std::string sha256;               // of onnx_file
  int input_width = 0, input_height = 0, input_channels = 0;  // audio: samples per call, 1, 1
  int input_sample_rate_hz = 0;     // audio models only (kind speech-probability); 0 for images
  std::string layout = "NCHW";
  std::string colour;               // "grey(0.2989R+0.5870G+0.1140B)", "RGB"
  std::string normalisation;        // human-readable formula
  std::vector<float> mean;          // per channel, subtracted from 0..255 values
  float scale = 1.0f;               // multiplied after mean subtraction
  std::string resize = "bilinear";
  std::string crop;                 // e.g. "pad to centred square (black)"
  std::string output_kind;          // "probabilities", "logits+probabilities", "detections", ..., "speech-probability"
  std::vector<std::string> class_order;
  std::vector<ModelOutput> outputs;
  std::string converter;            // "psyface <version> tfjs→onnx"
};

// The output kinds psyface knows. Classifiers ("probabilities", "logits+probabilities") name the seven
// emotions in class_order; the others (detections, landmarks, embeddings) have no classes.
bool is_emotion_kind(const std::string& output_kind);
// "speech-probability": the voice-activity model, fed audio samples, not images (src/audio/silero_vad.hpp).
bool is_audio_kind(const std::string& output_kind);

nlohmann::json manifest_to_json(const Manifest& m);
// ensures: the manifest passes validate_manifest.
// throws Error(Model) naming the file and the field on a missing field, a wrong JSON type, a wrong
// format_version or a value validate_manifest refuses.
Manifest manifest_from_json(const nlohmann::json& j, const std::string& origin);

// throws Error(Model) "<origin>: field <path>: ..." unless: name non-empty; file a plain file name; sha256
// 64 hex digits; input 1..4096 px wide and high, 1 or 3 channels, NCHW, bilinear resize; one mean per
// channel within 0..255 and a scale in (0, 1] (an audio model instead: 16000 Hz, 512 samples per call,
// 1 channel, layout "NC", resize "none"); a known output kind; class names unique, the seven
// emotions exactly for an emotion kind (with a 7-value probabilities tensor), none otherwise; at least one
// output tensor, names unique and non-empty, every dimension positive.
void validate_manifest(const Manifest& m, const std::string& origin);

// requires: dir/manifest.json exists. throws Error(Model) when missing or malformed.
Manifest read_manifest(const std::filesystem::path& model_dir);

// Writes dir/manifest.json atomically. throws Error(Output).
void write_manifest(const std::filesystem::path& model_dir, const Manifest& m);

// requires: manifest read from model_dir. ensures: the ONNX file exists and its sha256 equals the
// manifest's; returns the file mapped (one read for checking and loading). throws Error(Model) with both
// checksums and the fix ("psyface models build") otherwise.
util::MappedFile read_verified_model_file(const std::filesystem::path& model_dir, const Manifest& m);

}  // namespace psyface::models

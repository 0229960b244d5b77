#include "faces/face_embedder.hpp"

#include <cmath>
#include <utility>

#include "faces/face_align.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

// The embedding output of each supported model: its ONNX name in the manifest and its length.
struct EmbeddingSpec {
  const char* output_name;
  int dimension;
  float margin;
};

EmbeddingSpec spec_for(const std::string& model) {
  if (model == "mobilefacenet") return {"MobileFaceNet/Logits/SpatialSqueeze", 192, kMobileFaceNetMargin};
  if (model == "faceres") return {"global_pooling/Mean", 1024, kFaceResMargin};
  throw Error(ErrorCode::Usage, "unknown face embedding model '" + model + "' (use mobilefacenet or faceres)");
}

}  // namespace

void l2_normalise(std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  if (sum <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& x : v) x *= inv;
}

namespace {

// The crop margin: given, or the model's own; throws Error(Usage) when negative or not finite.
float checked_margin(const std::string& model, std::optional<float> margin) {
  const float m = margin.value_or(spec_for(model).margin);
  if (!(m >= 0.0f && std::isfinite(m)))
    throw Error(ErrorCode::Usage, "face embedding crop margin must be >= 0, got " + std::to_string(m));
  return m;
}

// The side of the model's square input; throws Error(Model) naming the manifest when it is not square.
int square_input_px(const models::Manifest& m, const std::filesystem::path& model_dir) {
  if (m.input_width <= 0 || m.input_height != m.input_width)
    throw Error(ErrorCode::Model, (model_dir / "manifest.json").string() + ": expected a square input");
  return m.input_width;
}

}  // namespace

EmbeddingCrop FaceEmbedder::crop_of(const std::filesystem::path& models_dir, const std::string& model,
                                    std::optional<float> margin) {
  EmbeddingCrop c;
  c.margin = checked_margin(model, margin);
  c.size_px = square_input_px(models::read_manifest(models_dir / model), models_dir / model);
  return c;
}

FaceEmbedder::FaceEmbedder(const std::filesystem::path& models_dir, std::string model, std::optional<float> margin) {
  const EmbeddingSpec spec = spec_for(model);
  margin_ = checked_margin(model, margin);
  model_ = models::DnnModel::load(models_dir, model);
  const auto& outputs = model_.manifest().outputs;
  output_index_ = -1;
  for (size_t k = 0; k < outputs.size(); ++k)
    if (outputs[k].name == spec.output_name) output_index_ = static_cast<int>(k);
  if (output_index_ < 0)
    throw Error(ErrorCode::Model, (models_dir / model / "manifest.json").string() + " has no output '" +
                                      spec.output_name + "'");
  dimension_ = spec.dimension;
  input_size_px_ = square_input_px(model_.manifest(), models_dir / model);
  grey_response_ = raw_embedding(cv::Mat(input_size_px_, input_size_px_, CV_8UC3, cv::Scalar::all(128)));
}

std::vector<float> FaceEmbedder::embed(const cv::Mat& bgr, const FaceLandmarks& lm) {
  return embed_crop(aligned_face_crop(bgr, lm, input_size_px_, margin_));
}

std::vector<float> FaceEmbedder::embed_crop(const cv::Mat& crop_bgr) {
  std::vector<float> v = raw_embedding(crop_bgr);
  for (size_t i = 0; i < v.size(); ++i) v[i] -= grey_response_[i];
  l2_normalise(v);
  return v;
}

std::vector<float> FaceEmbedder::raw_embedding(const cv::Mat& crop_bgr) {
  const std::vector<cv::Mat> outs = model_.run_image(crop_bgr);
  const cv::Mat& out = outs.at(static_cast<size_t>(output_index_));
  if (static_cast<int>(out.total()) != dimension_)
    throw Error(ErrorCode::Model, model_.manifest().name + ": embedding has " + std::to_string(out.total()) +
                                      " values, expected " + std::to_string(dimension_));
  cv::Mat flat = out.reshape(1, 1);
  if (flat.type() != CV_32F) flat.convertTo(flat, CV_32F);
  return std::vector<float>(flat.begin<float>(), flat.end<float>());
}

float FaceEmbedder::cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size())
    throw Error(ErrorCode::Internal, "cosine of embeddings of different length (" + std::to_string(a.size()) +
                                         " and " + std::to_string(b.size()) + ")");
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  if (aa <= 0 || bb <= 0) return 0.0f;
  return static_cast<float>(ab / std::sqrt(aa * bb));
}

}  // namespace psyface::faces

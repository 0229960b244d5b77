// FaceEmbedder: an identity embedding (unit length) of one face from an aligned crop, for telling the
// people in a session apart (person_identity.hpp). Two models: "mobilefacenet" (192-d) and "faceres"
// (1024-d, the descriptor output of HSE FaceRes). Figures, the crop margin and the model choice:
// docs/persons.md.
//
// The raw MobileFaceNet output is dominated by one constant direction (any two faces, and a face and a
// plain grey image, have cosine ≥ 0.999), so before L2-normalising the host subtracts the network's
// response to a uniform mid-grey crop (computed once at load). For FaceRes that response is near zero and
// the subtraction changes cosines by < 0.001; it is done for both models alike.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "faces/face_mesh.hpp"
#include "models/dnn_model.hpp"

namespace psyface::faces {

// FaceRes separates people better than MobileFaceNet on the dev clips, above all on small, dark or
// blurred faces (docs/persons.md), and costs ~40 ms per face against ~20 ms.
inline constexpr const char* kDefaultEmbeddingModel = "faceres";

// The crop margin (aligned_face_region) each model gets unless told otherwise: the one that separated
// same-person from different-person frames best on the dev clips (docs/persons.md).
inline constexpr float kMobileFaceNetMargin = 0.45f;
inline constexpr float kFaceResMargin = 0.25f;

// Which faces are worth embedding: the gate the thresholds in person_identity.hpp were measured with.
struct EmbeddingGate {
  float min_presence = 0.75f;    // face-mesh presence (the pipeline's low-confidence flag is below 0.75)
  float max_abs_yaw_deg = 45.0f; // the pipeline's large-yaw flag
  float min_face_px = 48.0f;     // landmark box width
};

// ensures: presence ≥ min_presence, |yaw| ≤ max_abs_yaw_deg and face width ≥ min_face_px.
inline bool worth_embedding(float presence, float yaw_deg, float face_width_px, const EmbeddingGate& gate = {}) {
  return presence >= gate.min_presence && yaw_deg <= gate.max_abs_yaw_deg && yaw_deg >= -gate.max_abs_yaw_deg &&
         face_width_px >= gate.min_face_px;
}

// The crop a model embeds: aligned_face_crop at this side and margin.
struct EmbeddingCrop {
  int size_px = 0;
  float margin = 0;
};

class FaceEmbedder {
 public:
  // The crop `model` takes, from its manifest only (no network is loaded), so that crops can be cut while
  // the model is still loading. throws: as the constructor, for the name, the margin and the manifest.
  static EmbeddingCrop crop_of(const std::filesystem::path& models_dir, const std::string& model = kDefaultEmbeddingModel,
                               std::optional<float> margin = std::nullopt);

  // requires: model is "mobilefacenet" or "faceres", built in models_dir/<model>/ (psyface models build);
  //           margin, when given, ≥ 0 (default: the model's measured margin above).
  // throws: Error(Usage) for another model name or a negative margin; Error(Model) when the model is
  //         missing, its checksum differs, or its manifest has no embedding output.
  explicit FaceEmbedder(const std::filesystem::path& models_dir, std::string model = kDefaultEmbeddingModel,
                        std::optional<float> margin = std::nullopt);

  // The eyes-level square crop of the face (aligned_face_crop at the model's input size and margin),
  // through the network, L2-normalised on the host.
  // requires: bgr CV_8UC3, non-empty; lm from FaceMesh::fit on this frame.
  // ensures: dimension() values with Euclidean norm 1: (raw − grey response) / ‖raw − grey response‖
  //          (all zeros only if the face gives exactly the grey response).
  //          Not thread-safe (one network per instance).
  std::vector<float> embed(const cv::Mat& bgr, const FaceLandmarks& lm);

  // The same from a crop that is already aligned (any size; resized bilinearly to the input size).
  std::vector<float> embed_crop(const cv::Mat& crop_bgr);

  // Cosine similarity in [-1, 1]. requires: a.size() == b.size() (throws Error(Internal) otherwise).
  // ensures: 0 when either vector is all zeros.
  static float cosine(const std::vector<float>& a, const std::vector<float>& b);

  int dimension() const { return dimension_; }
  int input_size_px() const { return input_size_px_; }
  float margin() const { return margin_; }
  const std::string& model_name() const { return model_.manifest().name; }
  const std::string& model_checksum() const { return model_.checksum(); }

 private:
  std::vector<float> raw_embedding(const cv::Mat& crop_bgr);  // the network's output, as it is

  models::DnnModel model_;
  int output_index_ = 0;              // which manifest output is the embedding
  std::vector<float> grey_response_;  // raw output for a uniform (128, 128, 128) crop
  int dimension_ = 0;
  int input_size_px_ = 0;
  float margin_ = 0;
};

// Scales v to unit Euclidean length in place (leaves an all-zero vector as it is).
void l2_normalise(std::vector<float>& v);

}  // namespace psyface::faces

// Emotion classification from a face crop: one interface, two models (mini-Xception, face-api) and an
// ensemble (mean of probabilities mapped to the project order: neutral, happy, sad, angry, fearful,
// disgusted, surprised), each with optional horizontal-flip test-time augmentation.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "models/dnn_model.hpp"
#include "psyface/records.hpp"

namespace psyface::models {

// Most faces one batched network call takes (analyze batches the faces of one frame, never across frames): the two
// faces of a dyad. Larger batches were slower per face on XNNPACK (bench_models: the activations of a
// batch leave the L2 cache) and each batch size keeps its own XNNPACK runtime in memory.
inline constexpr int kMaxEmotionBatch = 2;

struct EmotionOptions {
  std::string model = "ensemble";  // "mini-xception", "face-api" or "ensemble"
  bool tta_flip = false;           // average with the horizontally flipped crop
};

struct ModelProvenance {
  std::string name, sha256, source;
};

class EmotionClassifier {
 public:
  virtual ~EmotionClassifier() = default;
  // requires: face is a BGR (or grey) crop of one face. ensures: probabilities in project order, sum ≈ 1.
  virtual EmotionProbs classify(const cv::Mat& face) = 0;
  // Several faces; the same probabilities as classify on each (to float rounding). The XNNPACK engine
  // runs them as one batch per model; the default (and OpenCV DNN) classifies one by one.
  virtual std::vector<EmotionProbs> classify_batch(const std::vector<cv::Mat>& faces);
  virtual std::string name() const = 0;
  virtual std::vector<ModelProvenance> provenance() const = 0;
};

// One converted emotion model; maps its class order to the project's order by class name.
class SingleModelClassifier final : public EmotionClassifier {
 public:
  SingleModelClassifier(DnnModel model, bool tta_flip);
  EmotionProbs classify(const cv::Mat& face) override;
  std::vector<EmotionProbs> classify_batch(const std::vector<cv::Mat>& faces) override;
  std::string name() const override;
  std::vector<ModelProvenance> provenance() const override;

 private:
  cv::Mat model_input(const cv::Mat& face) const;  // padded to a square when the manifest says so
  EmotionProbs probs_at(const cv::Mat& out, int row) const;
  EmotionProbs run_once(const cv::Mat& face);
  DnnModel model_;
  bool tta_flip_;
  std::vector<int> to_project_;  // model class index → project index
  int prob_output_ = 0;          // index of the probability output
};

class EnsembleClassifier final : public EmotionClassifier {
 public:
  explicit EnsembleClassifier(std::vector<std::unique_ptr<EmotionClassifier>> members);
  EmotionProbs classify(const cv::Mat& face) override;
  std::vector<EmotionProbs> classify_batch(const std::vector<cv::Mat>& faces) override;
  std::string name() const override { return "ensemble"; }
  std::vector<ModelProvenance> provenance() const override;

 private:
  std::vector<std::unique_ptr<EmotionClassifier>> members_;
};

// The single-model classifiers behind options.model (one, or two for the ensemble), so a pipeline can run
// them in separate threads and average them itself (mean of probabilities = EnsembleClassifier).
// throws as make_emotion_classifier.
std::vector<std::unique_ptr<EmotionClassifier>> make_emotion_members(const std::filesystem::path& models_dir,
                                                                     const EmotionOptions& options);

// throws Error(Usage) for an unknown model name, Error(Model) when a model is missing or corrupt.
std::unique_ptr<EmotionClassifier> make_emotion_classifier(const std::filesystem::path& models_dir,
                                                           const EmotionOptions& options);

}  // namespace psyface::models

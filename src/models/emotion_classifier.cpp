#include "models/emotion_classifier.hpp"

#include <algorithm>

#include <opencv2/core.hpp>

#include "psyface/error.hpp"

namespace psyface::models {
namespace {

int project_index(const std::string& class_name, const std::string& model) {
  for (int k = 0; k < kEmotionCount; ++k)
    if (kEmotionNames[k] == class_name) return k;
  throw Error(ErrorCode::Model, "model " + model + " has class '" + class_name + "' outside the project's 7 emotions");
}

// Pads to a centred square with black (face-api's crop rule); no-op when already square.
cv::Mat pad_to_square(const cv::Mat& img) {
  if (img.rows == img.cols) return img;
  const int side = std::max(img.rows, img.cols);
  cv::Mat out(side, side, img.type(), cv::Scalar::all(0));
  img.copyTo(out(cv::Rect((side - img.cols) / 2, (side - img.rows) / 2, img.cols, img.rows)));
  return out;
}

}  // namespace

SingleModelClassifier::SingleModelClassifier(DnnModel model, bool tta_flip)
    : model_(std::move(model)), tta_flip_(tta_flip) {
  const Manifest& m = model_.manifest();
  if (m.class_order.size() != kEmotionCount)
    throw Error(ErrorCode::Model, "model " + m.name + " is not a 7-class emotion model");
  for (const auto& c : m.class_order) to_project_.push_back(project_index(c, m.name));
  for (size_t k = 0; k < m.outputs.size(); ++k)
    if (m.outputs[k].name == "probabilities" || m.outputs.size() == 1) prob_output_ = static_cast<int>(k);
}

std::vector<EmotionProbs> EmotionClassifier::classify_batch(const std::vector<cv::Mat>& faces) {
  std::vector<EmotionProbs> out;
  out.reserve(faces.size());
  for (const auto& f : faces) out.push_back(classify(f));
  return out;
}

cv::Mat SingleModelClassifier::model_input(const cv::Mat& face) const {
  const bool square = model_.manifest().crop.find("square") != std::string::npos;
  return square ? pad_to_square(face) : face;
}

EmotionProbs SingleModelClassifier::probs_at(const cv::Mat& out, int row) const {
  if (out.total() < static_cast<size_t>(row + 1) * kEmotionCount)
    throw Error(ErrorCode::Internal, "model " + model_.manifest().name + " returned too few probabilities");
  const float* p = out.ptr<float>() + static_cast<size_t>(row) * kEmotionCount;
  EmotionProbs r;
  for (int k = 0; k < kEmotionCount; ++k) r.p[to_project_[k]] = p[k];
  return r;
}

EmotionProbs SingleModelClassifier::run_once(const cv::Mat& face) {
  return probs_at(model_.run_image(model_input(face)).at(prob_output_), 0);
}

std::vector<EmotionProbs> SingleModelClassifier::classify_batch(const std::vector<cv::Mat>& faces) {
  if (model_.engine() == Engine::OpenCV || faces.size() <= 1) return EmotionClassifier::classify_batch(faces);
  // One batch: the faces, then (with flip TTA) their mirror images.
  const size_t n = faces.size(), m = tta_flip_ ? 2 * n : n;
  std::vector<cv::Mat> inputs;
  for (size_t i = 0; i < m; ++i) {
    if (i < n) {
      inputs.push_back(model_input(faces[i]));
    } else {
      cv::Mat flipped;
      cv::flip(faces[i - n], flipped, 1);
      inputs.push_back(model_input(flipped));
    }
  }
  const cv::Mat out = model_.run_images(inputs).at(prob_output_);
  std::vector<EmotionProbs> r(n);
  for (size_t i = 0; i < n; ++i) {
    r[i] = probs_at(out, static_cast<int>(i));
    if (tta_flip_) {
      const EmotionProbs f = probs_at(out, static_cast<int>(n + i));
      for (int k = 0; k < kEmotionCount; ++k) r[i].p[k] = 0.5f * (r[i].p[k] + f.p[k]);
    }
  }
  return r;
}

EmotionProbs SingleModelClassifier::classify(const cv::Mat& face) {
  EmotionProbs r = run_once(face);
  if (tta_flip_) {
    cv::Mat flipped;
    cv::flip(face, flipped, 1);
    const EmotionProbs f = run_once(flipped);
    for (int k = 0; k < kEmotionCount; ++k) r.p[k] = 0.5f * (r.p[k] + f.p[k]);
  }
  return r;
}

std::string SingleModelClassifier::name() const { return model_.manifest().name; }

std::vector<ModelProvenance> SingleModelClassifier::provenance() const {
  const Manifest& m = model_.manifest();
  return {{m.name, m.sha256, m.source_package + "@" + m.source_version + "/" + m.source_path}};
}

EnsembleClassifier::EnsembleClassifier(std::vector<std::unique_ptr<EmotionClassifier>> members)
    : members_(std::move(members)) {
  if (members_.empty()) throw Error(ErrorCode::Internal, "ensemble without members");
}

std::vector<EmotionProbs> EnsembleClassifier::classify_batch(const std::vector<cv::Mat>& faces) {
  std::vector<EmotionProbs> sum(faces.size());
  for (auto& m : members_) {
    const auto p = m->classify_batch(faces);
    for (size_t i = 0; i < faces.size(); ++i)
      for (int k = 0; k < kEmotionCount; ++k) sum[i].p[k] += p[i].p[k];
  }
  for (auto& s : sum)
    for (auto& v : s.p) v /= static_cast<float>(members_.size());
  return sum;
}

EmotionProbs EnsembleClassifier::classify(const cv::Mat& face) {
  EmotionProbs sum;
  for (auto& m : members_) {
    const EmotionProbs p = m->classify(face);
    for (int k = 0; k < kEmotionCount; ++k) sum.p[k] += p.p[k];
  }
  for (auto& v : sum.p) v /= static_cast<float>(members_.size());
  return sum;
}

std::vector<ModelProvenance> EnsembleClassifier::provenance() const {
  std::vector<ModelProvenance> out;
  for (const auto& m : members_)
    for (auto& p : m->provenance()) out.push_back(p);
  return out;
}

std::vector<std::unique_ptr<EmotionClassifier>> make_emotion_members(const std::filesystem::path& models_dir,
                                                                     const EmotionOptions& options) {
  auto single = [&](const std::string& name) {
    return std::make_unique<SingleModelClassifier>(DnnModel::load(models_dir, name), options.tta_flip);
  };
  std::vector<std::unique_ptr<EmotionClassifier>> members;
  if (options.model == "mini-xception" || options.model == "face-api") {
    members.push_back(single(options.model));
  } else if (options.model == "ensemble") {
    members.push_back(single("mini-xception"));
    members.push_back(single("face-api"));
  } else {
    throw Error(ErrorCode::Usage,
                "unknown emotion model '" + options.model + "' (use mini-xception, face-api or ensemble)");
  }
  return members;
}

std::unique_ptr<EmotionClassifier> make_emotion_classifier(const std::filesystem::path& models_dir,
                                                           const EmotionOptions& options) {
  auto members = make_emotion_members(models_dir, options);
  if (members.size() == 1) return std::move(members.front());
  return std::make_unique<EnsembleClassifier>(std::move(members));
}

}  // namespace psyface::models

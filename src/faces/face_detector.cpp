#include "faces/face_detector.hpp"

#include <algorithm>

#include "faces/anchors.hpp"
#include "faces/face_detector_decode.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

// Where each model keeps its logits and regressors (names from models/<name>/manifest.json).
struct BlockSpec {
  std::string score_tensor;
  int score_column;
  std::string regressor_tensor;
  int regressor_column;
  int anchor_count;
};

struct ModelSpec {
  std::string name;
  std::vector<AnchorLevel> levels;
  std::vector<BlockSpec> blocks;  // in anchor order
};

const std::vector<ModelSpec>& model_specs() {
  static const std::vector<ModelSpec> specs = {
      // classificators_1 / regressors_1 (stride 16), classificators_2 / regressors_2 (stride 32)
      {"blazeface-back",
       blazeface_back_levels(),
       {{"Identity", 0, "Identity_2", 0, 512}, {"Identity_1", 0, "Identity_3", 0, 384}}},
      // Identity = face head [logit, 16 regressors]; Identity_1 is a person head, unused.
      {"facemesh-detection-full", full_range_levels(), {{"Identity", 0, "Identity", 1, 2304}}},
  };
  return specs;
}

const ModelSpec& find_spec(const std::string& name) {
  for (const auto& s : model_specs())
    if (s.name == name) return s;
  std::string known;
  for (const auto& n : face_detector_models()) known += (known.empty() ? "" : ", ") + n;
  throw Error(ErrorCode::Usage, "unknown face detector model '" + name + "' (known: " + known + ")");
}

void check_options(const DetectorOptions& o) {
  auto bad = [](const std::string& what) { throw Error(ErrorCode::Usage, "face detector: " + what); };
  if (!(o.score_threshold > 0 && o.score_threshold < 1)) bad("score_threshold must be in (0, 1)");
  if (!(o.nms_iou > 0 && o.nms_iou <= 1)) bad("nms_iou must be in (0, 1]");
  if (!(o.min_face_px >= 0)) bad("min_face_px must be ≥ 0");
  if (o.max_faces < 1) bad("max_faces must be ≥ 1");
}

// Index of the manifest output called `name` whose shape is [1, rows, ≥ min_width]; returns its width.
int find_output(const models::Manifest& m, const std::string& name, int rows, int min_width, int& width) {
  for (size_t i = 0; i < m.outputs.size(); ++i) {
    const auto& o = m.outputs[i];
    if (o.name != name) continue;
    if (o.shape.size() != 3 || o.shape[1] != rows || o.shape[2] < min_width)
      throw Error(ErrorCode::Model, "model " + m.name + ": output " + name + " does not have shape [1, " +
                                        std::to_string(rows) + ", ≥" + std::to_string(min_width) + "]");
    width = static_cast<int>(o.shape[2]);
    return static_cast<int>(i);
  }
  throw Error(ErrorCode::Model, "model " + m.name + ": manifest has no output named " + name);
}

}  // namespace

const std::vector<std::string>& face_detector_models() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& s : model_specs()) n.push_back(s.name);
    return n;
  }();
  return names;
}

FaceDetector::FaceDetector(const std::filesystem::path& models_dir, const DetectorOptions& options)
    : options_(options) {
  check_options(options_);
  const ModelSpec& spec = find_spec(options_.model);
  model_ = models::DnnModel::load(models_dir, options_.model);
  const auto& m = model_.manifest();
  if (m.input_width != m.input_height || m.input_width <= 0)
    throw Error(ErrorCode::Model, "model " + m.name + ": face detector input must be square");
  if (m.colour != "RGB" || m.input_channels != 3 || m.mean.size() != 3 || m.layout != "NCHW")
    throw Error(ErrorCode::Model, "model " + m.name + ": face detector input must be 3-channel RGB, NCHW");
  anchors_px_ = ssd_anchor_centres_px(m.input_width, spec.levels);

  int begin = 0;
  for (const auto& b : spec.blocks) {
    Block block;
    block.score_output = find_output(m, b.score_tensor, b.anchor_count, b.score_column + 1, block.score_row_width);
    block.regressor_output =
        find_output(m, b.regressor_tensor, b.anchor_count, b.regressor_column + 16, block.regressor_row_width);
    block.score_column = b.score_column;
    block.regressor_column = b.regressor_column;
    block.anchor_begin = begin;
    block.anchor_count = b.anchor_count;
    begin += b.anchor_count;
    blocks_.push_back(block);
  }
  if (begin != static_cast<int>(anchors_px_.size()))
    throw Error(ErrorCode::Model, "model " + m.name + ": " + std::to_string(begin) + " output rows but " +
                                      std::to_string(anchors_px_.size()) + " anchors");
}

void FaceDetector::decode(const std::vector<cv::Mat>& outputs, std::vector<Detection>& candidates) const {
  const std::span<const cv::Point2f> anchors(anchors_px_);
  for (const auto& b : blocks_) {
    const cv::Mat& scores = outputs.at(b.score_output);
    const cv::Mat& regs = outputs.at(b.regressor_output);
    if (scores.type() != CV_32F || regs.type() != CV_32F || !scores.isContinuous() || !regs.isContinuous() ||
        scores.total() != static_cast<size_t>(b.anchor_count) * b.score_row_width ||
        regs.total() != static_cast<size_t>(b.anchor_count) * b.regressor_row_width)
      throw Error(ErrorCode::Model, "model " + options_.model + ": network output does not match its manifest");
    decode_candidates(scores.ptr<float>() + b.score_column, b.score_row_width,
                      regs.ptr<float>() + b.regressor_column, b.regressor_row_width,
                      anchors.subspan(b.anchor_begin, b.anchor_count), options_.score_threshold, candidates);
  }
}

std::vector<Detection> FaceDetector::detect(const cv::Mat& bgr) {
  if (bgr.empty() || (bgr.type() != CV_8UC3 && bgr.type() != CV_8UC1))
    throw Error(ErrorCode::Internal, "FaceDetector::detect needs a non-empty CV_8UC3 or CV_8UC1 image");
  const Letterbox lb = letterbox_to_square(bgr, model_.manifest().input_width, square_);
  const std::vector<cv::Mat> outputs = model_.run_image(square_);  // RGB, (x − mean)·scale, into the engine's input

  std::vector<Detection> candidates;
  decode(outputs, candidates);
  std::vector<Detection> in_frame;
  in_frame.reserve(candidates.size());
  for (const auto& c : candidates) {
    Detection f = model_to_frame(c, lb);
    if (f.box_px.width >= options_.min_face_px && f.box_px.height >= options_.min_face_px) in_frame.push_back(f);
  }
  return non_max_suppression(std::move(in_frame), options_.nms_iou, options_.max_faces, options_.weighted_nms);
}

}  // namespace psyface::faces

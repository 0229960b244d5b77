#include "models/dnn_model.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>

#include <opencv2/imgproc.hpp>

#include "models/xnn_net.hpp"
#include "psyface/error.hpp"
#include "util/atomic_file.hpp"

namespace psyface::models {
namespace {
std::atomic<Engine> g_default_engine{Engine::Xnnpack};
std::atomic<int> g_xnnpack_threads{1};

// The manifest's input size must be the network's: the preprocessing writes that many pixels.
void check_input_size(const Manifest& m, const XnnNet& net, const std::filesystem::path& dir) {
  const std::string origin = (dir / "manifest.json").string() + ": field input.";
  auto require = [&](int manifest, int network, const std::string& field) {
    if (manifest != network)
      throw Error(ErrorCode::Model, origin + field + ": " + std::to_string(manifest) + ", but " + m.onnx_file +
                                        " takes " + std::to_string(network));
  };
  require(m.input_width, net.input_width(), "width");
  require(m.input_height, net.input_height(), "height");
  require(m.input_channels, net.input_channels(), "channels");
}
}  // namespace

int xnnpack_threads() { return g_xnnpack_threads.load(); }
void set_xnnpack_threads(int n) { g_xnnpack_threads.store(std::max(n, 1)); }

Engine parse_engine(const std::string& name) {
  if (name == "opencv") return Engine::OpenCV;
  if (name == "xnnpack") return Engine::Xnnpack;
  throw Error(ErrorCode::Usage, "unknown inference engine '" + name + "' (use xnnpack or opencv)");
}

std::string engine_name(Engine e) { return e == Engine::OpenCV ? "opencv" : "xnnpack"; }
Engine default_engine() { return g_default_engine.load(); }
void set_default_engine(Engine e) { g_default_engine.store(e); }

DnnModel DnnModel::load(const std::filesystem::path& models_dir, const std::string& name) {
  return load(models_dir, name, default_engine());
}

DnnModel DnnModel::load(const std::filesystem::path& models_dir, const std::string& name, Engine engine) {
  const auto dir = models_dir / name;
  DnnModel m;
  m.manifest_ = read_manifest(dir);
  if (m.manifest_.name != name)
    throw Error(ErrorCode::Model, (dir / "manifest.json").string() + " describes model '" + m.manifest_.name +
                                      "', not '" + name + "'");
  if (is_audio_kind(m.manifest_.output_kind))
    throw Error(ErrorCode::Model, (dir / "manifest.json").string() + ": model '" + name +
                                      "' takes audio; it runs on src/audio/silero_vad, not on an image engine");
  const util::MappedFile bytes = read_verified_model_file(dir, m.manifest_);
  for (const auto& o : m.manifest_.outputs) m.output_names_.push_back(o.name);
  if (engine == Engine::Xnnpack) {
    try {
      m.xnn_ = XnnNet::from_onnx(bytes.bytes(), m.output_names_);
      check_input_size(m.manifest_, *m.xnn_, dir);
      return m;
    } catch (const UnsupportedGraph& e) {
      std::cerr << "psyface: note: model " << name << " runs on OpenCV DNN: the xnnpack engine lacks " << e.what()
                << "\n";
    }
  }
  try {
    // From the checked bytes: reading the path again could load a file replaced since the check.
    m.net_ = cv::dnn::readNetFromONNX(bytes.bytes().data(), bytes.bytes().size());
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::Model, "OpenCV cannot load " + (dir / m.manifest_.onnx_file).string() + ": " + e.what());
  }
  m.net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  m.net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return m;
}

cv::Mat DnnModel::model_sized(const cv::Mat& image) const {
  if (image.empty()) throw Error(ErrorCode::Internal, "empty image given to model " + manifest_.name);
  cv::Mat bgr;
  if (image.channels() == 1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
  else bgr = image;
  cv::Mat f;
  if (bgr.depth() == CV_32F) f = bgr;
  else bgr.convertTo(f, CV_32F);
  cv::Mat src;
  if (manifest_.input_channels == 1) {
    // grey = 0.2989 R + 0.5870 G + 0.1140 B (BGR channel order here)
    cv::transform(f, src, cv::Matx13f(0.1140f, 0.5870f, 0.2989f));
  } else {
    src = f;  // BGR; make_blob and run_image turn it to RGB (resizing works per channel: same values)
  }
  if (src.cols == manifest_.input_width && src.rows == manifest_.input_height) return src;
  cv::Mat resized;
  cv::resize(src, resized, cv::Size(manifest_.input_width, manifest_.input_height), 0, 0, cv::INTER_LINEAR);
  return resized;
}

cv::Mat DnnModel::make_blob(const cv::Mat& image) const {
  cv::Mat sized = model_sized(image);  // may share the caller's pixels: never written to
  if (sized.channels() == 3) {
    cv::Mat rgb;
    cv::cvtColor(sized, rgb, cv::COLOR_BGR2RGB);
    sized = rgb;
  }
  cv::Scalar mean;
  for (size_t c = 0; c < manifest_.mean.size() && c < 4; ++c) mean[static_cast<int>(c)] = manifest_.mean[c];
  return cv::dnn::blobFromImage(sized, manifest_.scale, cv::Size(), mean, false, false, CV_32F);
}

std::vector<cv::Mat> DnnModel::run_image(const cv::Mat& image) { return run_images({image}); }

std::vector<cv::Mat> DnnModel::run_images(const std::vector<cv::Mat>& images) {
  if (images.empty()) throw Error(ErrorCode::Internal, "no images given to model " + manifest_.name);
  const int threads = std::min(cv::getNumThreads(), xnnpack_threads());
  if (!xnn_) {
    if (images.size() == 1) return run(make_blob(images[0]));
    cv::Mat batch;
    for (size_t i = 0; i < images.size(); ++i) {
      const cv::Mat b = make_blob(images[i]);
      if (batch.empty()) {
        const int sz[4] = {static_cast<int>(images.size()), b.size[1], b.size[2], b.size[3]};
        batch.create(4, sz, CV_32F);
      }
      std::copy_n(b.ptr<float>(), b.total(), batch.ptr<float>() + i * b.total());
    }
    return run(batch);
  }
  const int C = xnn_->input_channels();
  const size_t per = static_cast<size_t>(C) * xnn_->input_height() * xnn_->input_width();
  float* dst = xnn_->input(static_cast<int>(images.size()), threads);
  float mean[4] = {0, 0, 0, 0};
  for (size_t c = 0; c < manifest_.mean.size() && c < 4; ++c) mean[c] = manifest_.mean[c];
  const float scale = manifest_.scale;
  for (const auto& image : images) {
    const cv::Mat sized = model_sized(image);
    if (sized.channels() != C || !sized.isContinuous() || sized.total() * C != per)
      throw Error(ErrorCode::Internal, "model " + manifest_.name + ": preprocessed image does not fit the input");
    const float* s = sized.ptr<float>();
    const size_t pixels = sized.total();
    if (C == 3) {  // BGR → RGB, (x − mean)·scale, as blobFromImage after make_blob's cvtColor
      for (size_t p = 0; p < pixels; ++p, s += 3, dst += 3) {
        dst[0] = (s[2] - mean[0]) * scale;
        dst[1] = (s[1] - mean[1]) * scale;
        dst[2] = (s[0] - mean[2]) * scale;
      }
    } else {
      for (size_t p = 0; p < pixels * C; ++p) dst[p] = (s[p] - mean[p % C]) * scale;
      dst += pixels * C;
    }
  }
  return xnn_->invoke(static_cast<int>(images.size()), threads);
}

std::vector<cv::Mat> DnnModel::run(const cv::Mat& blob) {
  if (xnn_) return xnn_->run(blob, std::min(cv::getNumThreads(), xnnpack_threads()));
  net_.setInput(blob);
  std::vector<cv::Mat> outs;
  net_.forward(outs, output_names_);
  return outs;
}

}  // namespace psyface::models

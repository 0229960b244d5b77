// A converted model loaded after its manifest and checksum are verified, run by one of two engines:
// XNNPACK (models/xnn_net.hpp, the default) or OpenCV's DNN module (the reference path). A graph the
// XNNPACK translation does not cover runs on OpenCV DNN, with a note on stderr.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "models/manifest.hpp"

namespace psyface::models {

class XnnNet;

enum class Engine { OpenCV, Xnnpack };

// "opencv" / "xnnpack" ↔ Engine. parse_engine throws Error(Usage) for another name.
Engine parse_engine(const std::string& name);
std::string engine_name(Engine e);

// The engine DnnModel::load uses when none is given (process-wide; set once from the command line).
Engine default_engine();
void set_default_engine(Engine e);

// Most threads XNNPACK uses inside one network (default 1; DnnModel::run takes the smaller of this and
// cv::getNumThreads()). Small networks gain little from a second thread, and a spinning 2-thread pool
// is far slower on a busy machine; `--threads N` raises it.
int xnnpack_threads();
void set_xnnpack_threads(int n);

class DnnModel {
 public:
  // requires: models_dir/<name>/manifest.json and the ONNX file it names.
  // ensures: checksum verified before the ONNX file is handed to an engine. throws Error(Model) on any
  // mismatch. With Engine::Xnnpack, a graph the engine cannot run is loaded into OpenCV DNN instead and a
  // note naming the node is printed on stderr (engine() then says OpenCV).
  static DnnModel load(const std::filesystem::path& models_dir, const std::string& name);
  static DnnModel load(const std::filesystem::path& models_dir, const std::string& name, Engine engine);

  // The engine that runs this model.
  Engine engine() const { return xnn_ ? Engine::Xnnpack : Engine::OpenCV; }

  const Manifest& manifest() const { return manifest_; }
  const std::string& checksum() const { return manifest_.sha256; }

  // Preprocesses one image as the manifest says: colour conversion, bilinear resize (in float) to the
  // input size, (x − mean)·scale, NCHW. requires: bgr is CV_8UC3 (or CV_8UC1 grey, or CV_32FC3 with
  // 0–255 values), non-empty.
  cv::Mat make_blob(const cv::Mat& bgr) const;

  // Runs the net on an NCHW blob (batch N). ensures: one Mat per manifest output, in manifest order.
  // XNNPACK uses min(cv::getNumThreads(), xnnpack_threads()) threads.
  std::vector<cv::Mat> run(const cv::Mat& blob);

  // run(make_blob(image)) for each image as one batch, the same values; on XNNPACK the preprocessing
  // writes the engine's NHWC input directly (no NCHW blob, no transpose). requires: as make_blob, for
  // each image (CV_32FC3 with 0–255 values is also accepted); images non-empty.
  std::vector<cv::Mat> run_image(const cv::Mat& image);
  std::vector<cv::Mat> run_images(const std::vector<cv::Mat>& images);

 private:
  Manifest manifest_;
  cv::dnn::Net net_;
  std::shared_ptr<XnnNet> xnn_;
  std::vector<std::string> output_names_;

  // make_blob's colour conversion and resize: HWC float, channels in the image's order (BGR when 3).
  cv::Mat model_sized(const cv::Mat& image) const;
};

}  // namespace psyface::models

// A converted model loaded into OpenCV's DNN module after its manifest and checksum are verified.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "models/manifest.hpp"

namespace psyface::models {

class DnnModel {
 public:
  // requires: models_dir/<name>/manifest.json and the ONNX file it names.
  // ensures: checksum verified before cv::dnn::readNetFromONNX. throws Error(Model) on any mismatch.
  static DnnModel load(const std::filesystem::path& models_dir, const std::string& name);

  const Manifest& manifest() const { return manifest_; }
  const std::string& checksum() const { return manifest_.sha256; }

  // Preprocesses one image as the manifest says: colour conversion, bilinear resize (in float) to the
  // input size, (x − mean)·scale, NCHW. requires: bgr is CV_8UC3 (or CV_8UC1 grey), non-empty.
  cv::Mat make_blob(const cv::Mat& bgr) const;

  // Runs the net on an NCHW blob (batch N). ensures: one Mat per manifest output, in manifest order.
  std::vector<cv::Mat> run(const cv::Mat& blob);

 private:
  Manifest manifest_;
  cv::dnn::Net net_;
  std::vector<std::string> output_names_;
};

}  // namespace psyface::models

// read_image: cv::imread without linking OpenCV's image codecs into psyface. libopencv_imgcodecs pulls in
// about 120 shared libraries (GDAL, GDCM, Poppler, HDF5, …) whose loading and static constructors cost every
// psyface process ~0.13 s and ~0.25 s of CPU (docs/benchmarks.md), though only `eval` and `classify` read
// images. It is opened with dlopen on the first call instead.
#pragma once
#include <filesystem>

#include <opencv2/core.hpp>

namespace psyface::util {

// ensures: the image as cv::imread(path, cv::IMREAD_COLOR) reads it (CV_8UC3, BGR); empty when the file is
//          missing or not an image.
// throws: Error(Internal) when the OpenCV image codecs library cannot be loaded.
cv::Mat read_image(const std::filesystem::path& path);

}  // namespace psyface::util

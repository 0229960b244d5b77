// AvFrameToBgr: decoded FFmpeg picture (any pixel format) → cv::Mat CV_8UC3 in BGR order, via swscale.
#pragma once
#include <opencv2/core.hpp>

#include "video/av_handles.hpp"

namespace psyface::video::detail {

class AvFrameToBgr {
 public:
  // requires: frame holds a decoded video picture (width, height > 0, a pixel format swscale reads).
  // ensures: a newly allocated CV_8UC3 Mat of the frame's size holding the picture in BGR order; YUV
  //          input uses the frame's colour matrix (BT.601 when unspecified) and its limited/full range.
  // throws: psyface::Error(ErrorCode::Internal) when swscale cannot convert the pixel format.
  cv::Mat convert(const AVFrame& frame);

 private:
  struct Key {  // what sws_ was built for
    int width = 0, height = 0, pixel_format = -1, colorspace = -1, full_range = -1;
    bool exact_rows = false;  // SWS_ACCURATE_RND: no block-wise fast path (a width it would get wrong)
    bool operator==(const Key&) const = default;
  };
  // ensures: sws_ converts pictures described by key to BGR24 (rebuilt only when key changes).
  void configure(const Key& key);

  SwsContextPtr sws_;  // reused across frames
  Key key_;
};

}  // namespace psyface::video::detail

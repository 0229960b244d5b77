#include "video/av_frame_to_bgr.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <string>

#include "psyface/error.hpp"

namespace psyface::video::detail {
namespace {

bool is_full_range(const AVFrame& frame) {
  const auto fmt = static_cast<AVPixelFormat>(frame.format);
  return frame.color_range == AVCOL_RANGE_JPEG || fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUVJ422P ||
         fmt == AV_PIX_FMT_YUVJ444P || fmt == AV_PIX_FMT_YUVJ440P || fmt == AV_PIX_FMT_YUVJ411P;
}

}  // namespace

void AvFrameToBgr::configure(const Key& key) {
  if (sws_ && key == key_) return;
  const auto src_fmt = static_cast<AVPixelFormat>(key.pixel_format);
  sws_.reset(sws_getContext(key.width, key.height, src_fmt, key.width, key.height, AV_PIX_FMT_BGR24,
                            SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws_) {
    const char* name = av_get_pix_fmt_name(src_fmt);
    throw Error(ErrorCode::Internal, std::string("swscale cannot convert pixel format ") +
                                         (name ? name : "unknown") + " to BGR");
  }
  const int cs = key.colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : key.colorspace;
  // Result ignored: it fails harmlessly for non-YUV input, where there is no matrix to set.
  sws_setColorspaceDetails(sws_.get(), sws_getCoefficients(cs), key.full_range,
                           sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
  key_ = key;
}

cv::Mat AvFrameToBgr::convert(const AVFrame& frame) {
  configure({frame.width, frame.height, frame.format, frame.colorspace, is_full_range(frame) ? 1 : 0});
  cv::Mat bgr(frame.height, frame.width, CV_8UC3);
  uint8_t* dst[4] = {bgr.data, nullptr, nullptr, nullptr};
  int dst_stride[4] = {static_cast<int>(bgr.step[0]), 0, 0, 0};
  sws_scale(sws_.get(), frame.data, frame.linesize, 0, frame.height, dst, dst_stride);
  return bgr;
}

}  // namespace psyface::video::detail

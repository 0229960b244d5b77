#include "video/av_frame_to_bgr.hpp"

extern "C" {
#include <libavutil/imgutils.h>
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

// FFmpeg 5.1's x86 fast YUV→RGB path converts each row in blocks of 16 pixels, rounding the width to the
// nearest block: it leaves up to 7 pixels at the end of a row unwritten, or writes up to 15 pixels (45
// bytes) past it, past the end of the image on the last row. Widths that are multiples of 16 are exact.
constexpr int kSwsBlock = 16;

// True when every plane of frame holds at least `width` pixels per row (its linesize covers them), so
// swscale may read that many: the decoder's padded rows, read past the picture's own width.
bool planes_hold_width(const AVFrame& frame, int width) {
  int need[4] = {0, 0, 0, 0};
  if (av_image_fill_linesizes(need, static_cast<AVPixelFormat>(frame.format), width) < 0) return false;
  for (int p = 0; p < 4; ++p)
    if (need[p] > 0 && (frame.data[p] == nullptr || frame.linesize[p] < need[p])) return false;
  return true;
}

}  // namespace

void AvFrameToBgr::configure(const Key& key) {
  if (sws_ && key == key_) return;
  const auto src_fmt = static_cast<AVPixelFormat>(key.pixel_format);
  sws_.reset(sws_getContext(key.width, key.height, src_fmt, key.width, key.height, AV_PIX_FMT_BGR24,
                            SWS_BILINEAR | (key.exact_rows ? SWS_ACCURATE_RND : 0), nullptr, nullptr, nullptr));
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
  // A width that is not a multiple of the block is converted as the next multiple (from the decoder's
  // padded rows) and cut back; when the rows hold no padding, swscale's exact but slower path is used.
  const int width = frame.width, block_width = (width + kSwsBlock - 1) / kSwsBlock * kSwsBlock;
  const bool widen = block_width != width && planes_hold_width(frame, block_width);
  const bool exact_rows = block_width != width && !widen;
  configure({widen ? block_width : width, frame.height, frame.format, frame.colorspace, is_full_range(frame) ? 1 : 0,
             exact_rows});
  cv::Mat bgr(frame.height, widen ? block_width : width, CV_8UC3);
  uint8_t* dst[4] = {bgr.data, nullptr, nullptr, nullptr};
  int dst_stride[4] = {static_cast<int>(bgr.step[0]), 0, 0, 0};
  sws_scale(sws_.get(), frame.data, frame.linesize, 0, frame.height, dst, dst_stride);
  return widen ? bgr.colRange(0, width).clone() : bgr;
}

}  // namespace psyface::video::detail

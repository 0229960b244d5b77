// Types of the decoding stage (psyface::video): what a video is, one decoded frame, how to read, and what
// happened while reading. Plain structs, units in the names. See docs/video.md.
#pragma once
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "video/display_orientation.hpp"

namespace psyface::video {

// What probe() learns from the container and the video stream's header, before decoding.
struct VideoInfo {
  std::string path;
  std::string container_format;   // FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "avi"
  std::string codec_name;         // e.g. "h264", "mpeg4"
  int width_px = 0;               // of the picture as displayed (delivered frames have this size)
  int height_px = 0;
  int stored_width_px = 0;        // of the picture as coded in the stream (before orientation)
  int stored_height_px = 0;
  // The shape of a stored pixel, width:height, reduced (the stream's or container's sample aspect ratio;
  // 1:1 when it says none). Frames are delivered in square pixels: a stored row of w pixels becomes
  // square_pixel_width(info) pixels before the orientation turns it (anamorphic PAL DV, 720x576 at 64:45,
  // becomes 1024x576; within 1 % of square nothing changes). docs/video.md, "Non-square pixels".
  int pixel_aspect_num = 1, pixel_aspect_den = 1;
  Orientation orientation;        // applied to every delivered frame (display matrix, rotate tag, option)
  std::string orientation_source = "none";  // "display matrix", "rotate tag", "--rotation", or "none" when
                                            // the file asks for no turn
  double nominal_fps = 0;         // avg_frame_rate, else r_frame_rate; 0 when unknown
  double duration_sec = 0;        // video stream duration, else container duration; 0 when unknown
  int64_t frame_count_estimate = 0;  // stream header's frame count, else duration × nominal fps
  double start_time_sec = 0;      // stream start time; t_sec = 0 here
};

// Pixels within 1 % of square count as square: editing tools leave such ratios when they round a scaled
// size (447:448 for 596x336 scaled to 640x360), and stretching by them would change faces by < 1 % at the
// cost of a resize of every frame.
inline constexpr double kSquarePixelTolerance = 0.01;

// ensures: the factor a stored row's width is scaled by to square pixels: pixel_aspect_num /
//          pixel_aspect_den, or 1 when that lies within kSquarePixelTolerance of 1 (or is not set).
double square_pixel_scale(const VideoInfo& info);

// ensures: "num:den" of the stored pixels, e.g. "64:45" or "1:1" (sidecar video.pixel_aspect, messages).
std::string pixel_aspect_text(const VideoInfo& info);

// ensures: the width of a row of `width_px` stored pixels in square pixels: width_px ·
//          square_pixel_scale(info), rounded to the nearest pixel (at least 1); width_px when square.
int square_pixel_width(const VideoInfo& info, int width_px);
// The same for the stored rows the header gives (stored_width_px).
inline int square_pixel_width(const VideoInfo& info) { return square_pixel_width(info, info.stored_width_px); }

// One decoded (and selected) frame.
struct Frame {
  int64_t frame_index = 0;  // 0-based presentation-order index among all the video's frames, skipped ones
                            // counted; estimated after a seek (see DecodeReport)
  double t_sec = 0;         // presentation time: best-effort PTS × time base − stream start; VFR-safe
  cv::Mat bgr;              // CV_8UC3, displayed (upright) size; a fresh buffer per frame (safe to keep)
  bool shot_cut = false;    // a hard cut lies between the previous delivered frame and this one
};

// How to read. Defaults: every frame of the whole video, one decoder thread, at most 8 frames queued.
struct ReadOptions {
  double sample_fps = 0;       // 0 = every frame; else one frame per point of the grid k / sample_fps
  double start_sec = 0;        // first analysed time (seeks to the keyframe before it when > 0)
  double end_sec = -1;         // frames with t_sec >= end_sec are not read; -1 = to the end
  int decoder_threads = 1;     // FFmpeg decoder threads; 0 = FFmpeg chooses
  size_t queue_capacity = 8;   // AsyncFrameSource: most frames waiting between decoder and consumer
  // With sample_fps at most a third of the nominal rate, do not decode a frame no other frame depends on
  // (FFmpeg AVDISCARD_NONREF, e.g. H.264 B-frames) when the grid cannot take it: the delivered frames,
  // times and indexes equal those of a read of every frame. Only when every packet has a pts (not raw
  // streams, not AVI with B-frames): skipped frames are counted from their packets' pts.
  bool skip_nonref_when_sampling = true;
  // -1: turn frames upright as the file says (display matrix, else rotate tag); 0, 90, 180, 270: rotate
  // stored frames clockwise by this much instead (no mirroring), whatever the file says.
  int rotation_deg = -1;
  bool detect_shot_cuts = true;  // run ShotCutDetector on delivered frames (Frame::shot_cut)
};

// What happened while decoding. Final once next() has returned false.
struct DecodeReport {
  int64_t frames_decoded = 0;     // every frame out of the decoder, selected or not
  int64_t frames_delivered = 0;   // frames handed to the consumer
  int64_t frames_corrupt = 0;     // decoded but flagged corrupt (concealed errors); still delivered
  int64_t decode_errors = 0;      // packets / decoder calls that failed (counted, never thrown)
  int64_t timestamps_repaired = 0;  // frames without a usable PTS, or not after the previous one
  int64_t shot_cuts = 0;          // delivered frames with shot_cut set
  bool read_error = false;        // the demuxer failed with something other than end of file
  bool truncated = false;         // read error, errors after the last good frame, or much too short
  bool cancelled = false;         // stopped by request before the end
  bool frame_index_estimated = false;  // a seek happened (indexes are round(t_sec × nominal fps) + n), or a
                                       // packet without pts stopped the counting of skipped frames
  double last_t_sec = -1;         // t_sec of the last decoded frame inside the range; -1 when none
  double undecoded_sec = 0;       // when truncated: expected end − (last_t_sec + one frame period);
                                  // expected end: max(duration, frame count / fps), or end_sec
  std::string first_error;        // first problem seen (demuxer or decoder message with its time)
};

// Anything that yields frames in time order: the decoder itself or the threaded wrapper around it.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // requires: nothing. ensures: true and the next frame in `frame`, or false at the end (then forever).
  virtual bool next(Frame& frame) = 0;
  // ensures: the report so far; final once next() has returned false.
  virtual DecodeReport report() const = 0;
  // ensures: the probed description of the video being read.
  virtual const VideoInfo& info() const = 0;
  // Thread-safe and cheap: asks the source to end soon; next() then returns false. Idempotent.
  virtual void request_stop() noexcept = 0;
};

}  // namespace psyface::video

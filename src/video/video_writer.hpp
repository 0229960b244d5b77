// VideoWriter: BGR frames with their presentation times in, a video file out (libavcodec/libavformat):
// H.264 (libx264) when this FFmpeg has it, else MPEG-4 Part 2; each frame keeps its time, so the output
// has the input's frame count, duration and frame rate (also variable). No audio. Written under
// "<path>.tmp-<pid>" and renamed to <path> by commit(); destroyed without commit() it leaves no file.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

namespace psyface::video {

struct WriterOptions {
  double nominal_fps = 0;    // the input's rate: the encoder's frame rate hint and the last frame's duration
                             // (0: the last frame lasts as long as the one before it, else 1/30 s)
  int crf = 20;              // libx264 constant quality (0 lossless .. 51; lower = better and larger)
  std::string preset = "veryfast";  // libx264 speed/size trade-off
  bool allow_h264 = true;    // false: MPEG-4 Part 2 even when libx264 is available
};

class VideoWriter {
 public:
  // requires: width_px, height_px > 0; path's extension names a container FFmpeg writes (.mp4, .mov, .mkv).
  //           Odd sizes are padded to even by repeating the last column / row (4:2:0 needs even sizes).
  // ensures: the folder exists, the temporary file is open and its header written.
  // throws: Error(Output) naming the file when the container is unknown or the file cannot be created,
  //         Error(Internal) when no encoder is available.
  VideoWriter(const std::filesystem::path& path, int width_px, int height_px, const WriterOptions& options = {});
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // requires: bgr CV_8UC3 of the size given; t_sec after the previous frame's (a time not after it is
  //           moved 1 tick past it).
  // ensures: the frame is encoded with presentation time t_sec − the first frame's t_sec.
  // throws: Error(Output) naming the file on an encoding or write failure.
  void write(const cv::Mat& bgr, double t_sec);

  // ensures: encoder drained, trailer written, file synced and renamed to path. throws Error(Output).
  void commit();

  std::string codec_name() const;  // "libx264" or "mpeg4"
  int64_t frames_written() const;
  const std::filesystem::path& temp_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace psyface::video

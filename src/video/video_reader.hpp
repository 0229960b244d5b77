// VideoReader: decodes a video file in order on the calling thread (libavformat/libavcodec), with
// container timestamps, range and sampling (FrameSampler), BGR conversion of selected frames only, and a
// DecodeReport that counts problems instead of throwing mid-stream. AsyncFrameSource runs one in a thread.
#pragma once
#include <filesystem>
#include <memory>

#include "video/video_types.hpp"

namespace psyface::video {

class VideoReader final : public FrameSource {
 public:
  // requires: nothing.
  // ensures: the file is open, its decoder ready, and reading positioned at options.start_sec (seeking to
  //          the keyframe before it when start_sec > 0; earlier frames are decoded and discarded).
  // throws: psyface::Error(ErrorCode::Usage) for invalid options (validate_read_options);
  //         psyface::Error(ErrorCode::Input) naming the file when it cannot be opened or decoded (probe()).
  VideoReader(const std::filesystem::path& path, const ReadOptions& options = {});
  ~VideoReader() override;
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  // requires: not called concurrently with itself or report().
  // ensures: true with the next selected frame (frame_index, t_sec, a fresh BGR Mat), or false at the
  //          end of the range or input, after a request_stop(), or when the input is too damaged to go
  //          on; false forever after. Damaged packets/frames are counted in report(), not thrown.
  // throws: only for failures that are not about the input (out of memory, unsupported pixel format).
  bool next(Frame& frame) override;

  // requires: not called concurrently with next().
  // ensures: the counts so far; final (truncated, undecoded_sec filled) once next() returned false.
  DecodeReport report() const override;

  // ensures: what probe() reports for this file.
  const VideoInfo& info() const override;

  // Thread-safe, async-signal-unsafe, cheap: the next next() returns false (report().cancelled), and
  // blocking reads in FFmpeg are interrupted.
  void request_stop() noexcept override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace psyface::video

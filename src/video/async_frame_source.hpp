// AsyncFrameSource: runs a FrameSource (normally a VideoReader) in its own thread and hands frames to the
// consumer through a bounded queue, so decoding overlaps analysis and memory does not grow with length.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "video/video_types.hpp"

namespace psyface::video {

class AsyncFrameSource final : public FrameSource {
 public:
  // requires: nothing.
  // ensures: a VideoReader(path, options) is open and decoding in a background thread into a queue of
  //          at most options.queue_capacity frames (0 counts as 1).
  // throws: what VideoReader's constructor throws (Usage for bad options, Input for a bad file).
  AsyncFrameSource(const std::filesystem::path& path, const ReadOptions& options = {});

  // requires: source != nullptr and not used elsewhere.
  // ensures: source runs in a background thread feeding a queue of at most queue_capacity frames.
  AsyncFrameSource(std::unique_ptr<FrameSource> source, size_t queue_capacity);

  // ensures: stop(): the thread has ended and been joined.
  ~AsyncFrameSource() override;
  AsyncFrameSource(const AsyncFrameSource&) = delete;
  AsyncFrameSource& operator=(const AsyncFrameSource&) = delete;

  // requires: one consumer thread.
  // ensures: blocks until a frame is queued (true, frames in decode order), or returns false at the end
  //          or once a stop was requested (queued frames are then dropped).
  // throws: an exception thrown in the decoder thread, once, after the frames queued before it.
  bool next(Frame& frame) override;

  // Thread-safe. ensures: the report as of the last queued frame; final once next() returned false
  //          after the end, or after stop() (then cancelled is true unless decoding had finished).
  DecodeReport report() const override;

  // ensures: the source's VideoInfo (fixed at construction).
  const VideoInfo& info() const override;

  // Thread-safe, non-blocking, idempotent: asks the decoder thread to end; next() returns false from now.
  void request_stop() noexcept override;

  // Thread-safe, idempotent: request_stop(), then waits for the decoder thread to exit (promptly: it
  // checks between frames and FFmpeg's blocking reads are interrupted).
  void stop();

  // Thread-safe. ensures: the most frames the queue has held at once (never above its capacity).
  size_t max_queue_depth() const;

 private:
  void run();                             // the decoder thread
  bool push(Frame& frame, DecodeReport snapshot);  // false when stopped

  std::unique_ptr<FrameSource> source_;
  size_t capacity_;
  mutable std::mutex mutex_;              // guards everything below it but join_mutex_ and thread_
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<Frame> queue_;
  size_t max_depth_ = 0;
  bool stop_requested_ = false;
  bool producer_done_ = false;
  std::exception_ptr error_;
  DecodeReport report_;
  std::mutex join_mutex_;
  std::thread thread_;
};

}  // namespace psyface::video

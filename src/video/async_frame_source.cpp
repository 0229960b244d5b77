#include "video/async_frame_source.hpp"

#include <algorithm>
#include <utility>

#include "video/video_reader.hpp"

namespace psyface::video {

AsyncFrameSource::AsyncFrameSource(const std::filesystem::path& path, const ReadOptions& options)
    : AsyncFrameSource(std::make_unique<VideoReader>(path, options), options.queue_capacity) {}

AsyncFrameSource::AsyncFrameSource(std::unique_ptr<FrameSource> source, size_t queue_capacity)
    : source_(std::move(source)), capacity_(std::max<size_t>(1, queue_capacity)) {
  report_ = source_->report();
  thread_ = std::thread([this] { run(); });
}

AsyncFrameSource::~AsyncFrameSource() { stop(); }

void AsyncFrameSource::run() {
  bool reached_end = false;
  try {
    Frame frame;
    for (;;) {
      if (!source_->next(frame)) {
        reached_end = true;
        break;
      }
      if (!push(frame, source_->report())) break;
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  DecodeReport final_report = source_->report();
  std::lock_guard lock(mutex_);
  if (stop_requested_ && !reached_end) final_report.cancelled = true;
  report_ = std::move(final_report);
  producer_done_ = true;
  not_empty_.notify_all();
}

bool AsyncFrameSource::push(Frame& frame, DecodeReport snapshot) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [this] { return queue_.size() < capacity_ || stop_requested_; });
  if (stop_requested_) return false;
  queue_.push_back(std::move(frame));
  max_depth_ = std::max(max_depth_, queue_.size());
  report_ = std::move(snapshot);
  not_empty_.notify_one();
  return true;
}

bool AsyncFrameSource::next(Frame& frame) {
  std::unique_lock lock(mutex_);
  not_empty_.wait(lock, [this] { return !queue_.empty() || producer_done_ || stop_requested_; });
  if (stop_requested_) return false;
  if (!queue_.empty()) {
    frame = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return true;
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  return false;
}

DecodeReport AsyncFrameSource::report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

const VideoInfo& AsyncFrameSource::info() const { return source_->info(); }

void AsyncFrameSource::request_stop() noexcept {
  source_->request_stop();
  std::lock_guard lock(mutex_);
  stop_requested_ = true;
  queue_.clear();
  not_full_.notify_all();
  not_empty_.notify_all();
}

void AsyncFrameSource::stop() {
  request_stop();
  std::lock_guard lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
}

size_t AsyncFrameSource::max_queue_depth() const {
  std::lock_guard lock(mutex_);
  return max_depth_;
}

}  // namespace psyface::video

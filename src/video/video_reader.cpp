#include "video/video_reader.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>

#include "psyface/error.hpp"
#include "video/av_frame_to_bgr.hpp"
#include "video/av_input.hpp"
#include "video/frame_sampler.hpp"
#include "video/shot_cut_detector.hpp"

namespace psyface::video {
namespace {

// A decode ending this much before the expected end (or 5 frame periods, if longer) is "truncated".
constexpr double kTruncationToleranceSec = 1.0;
// After this many decoder failures in a row without a frame, give up on the rest of the input.
constexpr int kMaxConsecutiveDecoderErrors = 1000;
// Frame period assumed when the stream declares no frame rate.
constexpr double kFallbackFramePeriodSec = 1.0 / 30.0;

int interrupt_requested(void* flag) { return static_cast<std::atomic<bool>*>(flag)->load() ? 1 : 0; }

std::string format_sec(double t_sec) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", t_sec);
  return buf;
}

}  // namespace

struct VideoReader::Impl {
  Impl(const std::filesystem::path& path, const ReadOptions& options);
  bool next(Frame& out);

 private:
  void open_decoder();
  void seek_to_start();
  bool feed_decoder();
  bool read_packet();
  bool handle_frame(Frame& out);
  double frame_time_sec();
  int64_t take_index(double t_sec);
  void note_error(const std::string& what, int code, bool counts_as_decode_error);
  void finish();

 public:
  std::atomic<bool> stop_requested_{false};  // first: the interrupt callback points at it
  AVIOInterruptCB interrupt_{&interrupt_requested, &stop_requested_};
  ReadOptions options_;
  detail::OpenedInput input_;
  detail::CodecContextPtr decoder_;
  detail::FramePtr av_frame_{av_frame_alloc()};
  detail::PacketPtr packet_{av_packet_alloc()};
  detail::AvFrameToBgr to_bgr_;
  FrameSampler sampler_;
  ShotCutDetector cuts_;
  DecodeReport report_;

 private:
  AVRational time_base_{0, 1};
  int64_t start_pts_ = AV_NOPTS_VALUE;  // stream timestamp of t_sec = 0
  double frame_period_sec_ = kFallbackFramePeriodSec;
  double prev_t_sec_ = 0;
  bool has_prev_t_ = false;
  int64_t next_index_ = 0;
  bool skipping_nonref_ = false;  // AVDISCARD_NONREF: indexes come from time
  bool index_from_time_ = false;  // after a seek: the next frame's index is estimated from its time
  bool packet_pending_ = false;   // packet holds data the decoder has not accepted yet
  bool draining_ = false;         // end of input reached and the decoder told so
  bool finished_ = false;
  bool ended_by_range_ = false;   // stopped at options.end_sec
  bool error_since_last_frame_ = false;
  int consecutive_errors_ = 0;
};

VideoReader::Impl::Impl(const std::filesystem::path& path, const ReadOptions& opts)
    : options_((validate_read_options(opts), opts)), input_(detail::open_input(path, &interrupt_)),
      sampler_(opts) {
  detail::override_orientation(input_.info, options_.rotation_deg);
  if (!av_frame_ || !packet_) throw Error(ErrorCode::Internal, "out of memory allocating decoder buffers");
  const AVStream* s = input_.format->streams[input_.stream_index];
  time_base_ = s->time_base;
  start_pts_ = s->start_time;
  if (input_.info.nominal_fps > 0) frame_period_sec_ = 1.0 / input_.info.nominal_fps;
  open_decoder();
  seek_to_start();
}

void VideoReader::Impl::open_decoder() {
  const AVStream* s = input_.format->streams[input_.stream_index];
  const AVCodec* codec = avcodec_find_decoder(s->codecpar->codec_id);  // checked by open_input
  decoder_.reset(avcodec_alloc_context3(codec));
  if (!decoder_) throw Error(ErrorCode::Internal, "out of memory allocating a decoder");
  const auto fail = [&](int r) {
    throw Error(ErrorCode::Input, "cannot open the " + std::string(codec->name) + " decoder for '" +
                                      input_.info.path + "': " + detail::av_error_text(r));
  };
  if (int r = avcodec_parameters_to_context(decoder_.get(), s->codecpar); r < 0) fail(r);
  decoder_->pkt_timebase = s->time_base;
  decoder_->thread_count = options_.decoder_threads;
  decoder_->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  const double fps = input_.info.nominal_fps;
  if (options_.skip_nonref_when_sampling && options_.sample_fps > 0 && fps >= 3 * options_.sample_fps) {
    decoder_->skip_frame = AVDISCARD_NONREF;
    skipping_nonref_ = true;
    report_.frame_index_estimated = true;
  }
  if (int r = avcodec_open2(decoder_.get(), codec, nullptr); r < 0) fail(r);
}

void VideoReader::Impl::seek_to_start() {
  if (options_.start_sec <= 0) return;
  if (start_pts_ == AV_NOPTS_VALUE) start_pts_ = 0;
  const auto offset = static_cast<int64_t>(std::floor(options_.start_sec / av_q2d(time_base_)));
  // When the container cannot seek, frames before start_sec are decoded and discarded instead.
  if (av_seek_frame(input_.format.get(), input_.stream_index, start_pts_ + offset, AVSEEK_FLAG_BACKWARD) < 0)
    return;
  avcodec_flush_buffers(decoder_.get());
  index_from_time_ = true;
  report_.frame_index_estimated = true;
}

bool VideoReader::Impl::next(Frame& out) {
  while (!finished_) {
    if (stop_requested_.load(std::memory_order_relaxed)) {
      report_.cancelled = true;
      finish();
      break;
    }
    const int r = avcodec_receive_frame(decoder_.get(), av_frame_.get());
    if (r == 0) {
      if (handle_frame(out)) return true;
      continue;
    }
    if (r == AVERROR_EOF) {
      finish();
      break;
    }
    if (r != AVERROR(EAGAIN)) {
      note_error("decoding failed", r, true);
      if (++consecutive_errors_ >= kMaxConsecutiveDecoderErrors) finish();  // truncated: errors at the end
    }
    if (!finished_ && !feed_decoder()) finish();
  }
  return false;
}

// Gives the decoder its next packet, or the end-of-input signal. false when there is nothing left to give.
bool VideoReader::Impl::feed_decoder() {
  if (draining_) return false;
  if (!packet_pending_ && !read_packet()) {
    avcodec_send_packet(decoder_.get(), nullptr);  // enter draining: the decoder returns what it holds
    draining_ = true;
    return true;
  }
  const int r = avcodec_send_packet(decoder_.get(), packet_.get());
  if (r == AVERROR(EAGAIN)) return true;  // decoder full: keep the packet, take frames out first
  if (r < 0) note_error("packet rejected", r, true);
  packet_pending_ = false;
  av_packet_unref(packet_.get());
  return true;
}

// Reads the next packet of the video stream into `packet`. false at the end of input or on a read error.
bool VideoReader::Impl::read_packet() {
  for (;;) {
    const int r = av_read_frame(input_.format.get(), packet_.get());
    if (r == AVERROR_EOF) return false;
    if (r < 0) {
      if (stop_requested_.load()) {
        report_.cancelled = true;
      } else {
        report_.read_error = true;
        note_error("reading the file failed", r, false);
      }
      return false;
    }
    if (packet_->stream_index == input_.stream_index) {
      packet_pending_ = true;
      return true;
    }
    av_packet_unref(packet_.get());
  }
}

// Handles one decoded frame. true when it is selected and written to `out`.
bool VideoReader::Impl::handle_frame(Frame& out) {
  ++report_.frames_decoded;
  error_since_last_frame_ = false;
  consecutive_errors_ = 0;
  if (av_frame_->decode_error_flags != 0 || (av_frame_->flags & AV_FRAME_FLAG_CORRUPT))
    ++report_.frames_corrupt;
  const double t_sec = frame_time_sec();
  const int64_t index = take_index(t_sec);
  const FrameSampler::Decision decision = sampler_.decide(t_sec);
  if (decision == FrameSampler::Decision::End) {
    ended_by_range_ = true;
    finish();
    return false;
  }
  report_.last_t_sec = t_sec;
  if (decision == FrameSampler::Decision::Skip) return false;  // never converted: the cheap path
  out.frame_index = index;
  out.t_sec = t_sec;
  out.bgr = apply_orientation(to_bgr_.convert(*av_frame_), input_.info.orientation);
  out.shot_cut = options_.detect_shot_cuts && cuts_.update(out.bgr, t_sec).cut;
  report_.shot_cuts += out.shot_cut ? 1 : 0;
  ++report_.frames_delivered;
  return true;
}

// Presentation time of av_frame, made strictly increasing (missing or backward stamps are repaired).
double VideoReader::Impl::frame_time_sec() {
  int64_t ts = av_frame_->best_effort_timestamp;
  if (ts == AV_NOPTS_VALUE) ts = av_frame_->pts;
  double t_sec = std::numeric_limits<double>::quiet_NaN();
  if (ts != AV_NOPTS_VALUE) {
    if (start_pts_ == AV_NOPTS_VALUE) start_pts_ = ts;  // no declared start: the first frame is t = 0
    t_sec = static_cast<double>(ts - start_pts_) * av_q2d(time_base_);
  }
  if (!std::isfinite(t_sec) || (has_prev_t_ && t_sec <= prev_t_sec_ + kTimeToleranceSec)) {
    t_sec = has_prev_t_ ? prev_t_sec_ + frame_period_sec_ : 0.0;
    ++report_.timestamps_repaired;
  }
  prev_t_sec_ = t_sec;
  has_prev_t_ = true;
  return t_sec;
}

int64_t VideoReader::Impl::take_index(double t_sec) {
  if (index_from_time_ || skipping_nonref_) {
    next_index_ = input_.info.nominal_fps > 0 ? std::llround(t_sec * input_.info.nominal_fps) : 0;
    index_from_time_ = false;
  }
  return next_index_++;
}

void VideoReader::Impl::note_error(const std::string& what, int code, bool counts_as_decode_error) {
  if (counts_as_decode_error) ++report_.decode_errors;
  error_since_last_frame_ = true;
  if (report_.first_error.empty())
    report_.first_error = what + " after t=" + format_sec(has_prev_t_ ? prev_t_sec_ : 0.0) +
                         " s: " + detail::av_error_text(code);
}

// Fills the end-of-stream part of the report: was the input decoded to its expected end?
void VideoReader::Impl::finish() {
  if (finished_) return;
  finished_ = true;
  if (report_.cancelled) return;
  // A file cut short can still declare its full length in the frame count only (AVI without an index).
  const VideoInfo& info = input_.info;
  double expected_end_sec = info.duration_sec;
  if (info.nominal_fps > 0)
    expected_end_sec = std::max(expected_end_sec, info.frame_count_estimate / info.nominal_fps);
  if (options_.end_sec >= 0)
    expected_end_sec = expected_end_sec > 0 ? std::min(expected_end_sec, options_.end_sec) : options_.end_sec;
  const double covered_end_sec = report_.last_t_sec >= 0 ? report_.last_t_sec + frame_period_sec_ : 0.0;
  const double gap_sec = expected_end_sec - covered_end_sec;
  const double tolerance_sec = std::max(kTruncationToleranceSec, 5 * frame_period_sec_);
  const bool too_short = !ended_by_range_ && expected_end_sec > 0 && gap_sec > tolerance_sec;
  report_.truncated = report_.read_error || error_since_last_frame_ || too_short;
  if (!report_.truncated) return;
  report_.undecoded_sec = std::max(0.0, gap_sec);
  if (report_.first_error.empty())
    report_.first_error = "decoding ended at t=" + format_sec(covered_end_sec) + " s of an expected " +
                         format_sec(expected_end_sec) + " s";
}

VideoReader::VideoReader(const std::filesystem::path& path, const ReadOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}

VideoReader::~VideoReader() = default;

bool VideoReader::next(Frame& frame) { return impl_->next(frame); }

DecodeReport VideoReader::report() const { return impl_->report_; }

const VideoInfo& VideoReader::info() const { return impl_->input_.info; }

void VideoReader::request_stop() noexcept { impl_->stop_requested_.store(true); }

}  // namespace psyface::video

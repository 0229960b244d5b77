#include "video/video_reader.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "psyface/error.hpp"
#include "video/av_frame_to_bgr.hpp"
#include "video/av_input.hpp"
#include "video/frame_sampler.hpp"
#include "video/presentation_order.hpp"
#include "video/shot_cut_detector.hpp"

namespace psyface::video {
namespace {

// A picture of non-square pixels stretched (or squeezed) to square ones (VideoInfo::pixel_aspect_num);
// unchanged when the pixels are square.
cv::Mat to_square_pixels(cv::Mat bgr, const VideoInfo& info) {
  const int width = square_pixel_width(info, bgr.cols);
  if (width == bgr.cols) return bgr;
  cv::Mat out;
  cv::resize(bgr, out, {width, bgr.rows}, 0, 0, width > bgr.cols ? cv::INTER_LINEAR : cv::INTER_AREA);
  return out;
}

// A decode ending this much before the expected end (or 5 frame periods, if longer) is "truncated".
constexpr double kTruncationToleranceSec = 1.0;
// After this many decoder failures in a row without a frame, give up on the rest of the input.
constexpr int kMaxConsecutiveDecoderErrors = 1000;
// Frame period assumed when the stream declares no frame rate.
constexpr double kFallbackFramePeriodSec = 1.0 / 30.0;
// Packets read when opening to learn whether the container gives them timestamps (about a second).
constexpr int kTimestampCheckPackets = 32;
// When a seek lands after start_sec, the next one aims this much earlier, doubling each time.
constexpr double kFirstSeekBackSec = 1.0;

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
  void check_packet_timestamps();
  void open_decoder();
  void seek_to_start();
  bool seek_to(double target_sec);
  bool landed_by_start() const;
  void seek_earlier();
  void restart_decoding();
  bool feed_decoder();
  bool read_packet();
  void choose_skip(const AVPacket& packet);
  void stop_planning();
  double stream_sec(int64_t ts) const { return static_cast<double>(ts - start_pts_) * av_q2d(time_base_); }
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
  detail::AvFrameToBgr to_bgr_;
  FrameSampler sampler_;
  ShotCutDetector cuts_;
  DecodeReport report_;

 private:
  std::filesystem::path path_;
  AVRational time_base_{0, 1};
  int64_t start_pts_ = AV_NOPTS_VALUE;  // stream timestamp of t_sec = 0
  double frame_period_sec_ = kFallbackFramePeriodSec;
  double prev_t_sec_ = 0;
  bool has_prev_t_ = false;
  int64_t next_index_ = 0;
  std::deque<detail::PacketPtr> ahead_;  // packets read, not yet accepted by the decoder (decode order)
  bool input_ended_ = false;      // the demuxer has nothing more (end of file or a read error)
  bool packets_have_pts_ = true;  // every packet read when opening had a pts
  bool packets_have_time_ = true; // every packet read when opening had a pts or a dts (seeking works)
  // Skipping non-reference frames that the grid does not take (AVDISCARD_NONREF per packet), with
  // indexes counted from the packets' pts in order_.
  bool planning_ = false;
  bool planning_stopped_ = false;  // a packet without pts ended planning
  PresentationOrder order_;
  int64_t index_offset_ = 0;      // planning: frame_index = order_.count_before(pts) + index_offset_
  bool index_base_pending_ = true;  // planning: the next frame sets index_offset_
  bool seeked_ = false;           // the reader seeked: indexes are estimated from time
  bool index_from_time_ = false;  // after a seek: the next frame's index is estimated from its time
  bool landing_check_pending_ = false;  // after a seek: the first frame must be at or before start_sec
  double seek_back_sec_ = 0;      // how far before start_sec the current seek aimed
  bool draining_ = false;         // end of input reached and the decoder told so
  bool finished_ = false;
  bool ended_by_range_ = false;   // stopped at options.end_sec
  bool error_since_last_frame_ = false;
  int consecutive_errors_ = 0;
};

VideoReader::Impl::Impl(const std::filesystem::path& path, const ReadOptions& opts)
    : options_((validate_read_options(opts), opts)), input_(detail::open_input(path, &interrupt_)),
      sampler_(opts), path_(path) {
  detail::override_orientation(input_.info, options_.rotation_deg);
  if (!av_frame_) throw Error(ErrorCode::Internal, "out of memory allocating decoder buffers");
  const AVStream* s = input_.format->streams[input_.stream_index];
  time_base_ = s->time_base;
  start_pts_ = s->start_time;
  if (input_.info.nominal_fps > 0) frame_period_sec_ = 1.0 / input_.info.nominal_fps;
  check_packet_timestamps();
  open_decoder();
  seek_to_start();
}

// Reads the first packets (kept for decoding): raw streams (.h264) carry no timestamps, AVI none for
// reference frames when it holds B-frames, MPEG-PS not always.
void VideoReader::Impl::check_packet_timestamps() {
  while (static_cast<int>(ahead_.size()) < kTimestampCheckPackets && read_packet()) {
    const AVPacket& p = *ahead_.back();
    packets_have_pts_ = packets_have_pts_ && p.pts != AV_NOPTS_VALUE;
    packets_have_time_ = packets_have_time_ && (p.pts != AV_NOPTS_VALUE || p.dts != AV_NOPTS_VALUE);
  }
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
  // Skipping needs every packet's pts: to know which frames the grid takes, and to count the skipped ones.
  // Without them, times would be repaired as if the skipped frames did not exist.
  const double fps = input_.info.nominal_fps;
  planning_ = options_.skip_nonref_when_sampling && options_.sample_fps > 0 && fps >= 3 * options_.sample_fps &&
              packets_have_pts_ && start_pts_ != AV_NOPTS_VALUE;
  if (planning_)
    for (const auto& p : ahead_)
      if (!(p->flags & AV_PKT_FLAG_DISCARD)) order_.add(p->pts, p->dts == AV_NOPTS_VALUE ? std::nullopt : std::optional(p->dts));
  if (int r = avcodec_open2(decoder_.get(), codec, nullptr); r < 0) fail(r);
}

// Without timestamps (raw streams) or when the container cannot seek, frames before start_sec are decoded
// and discarded instead.
void VideoReader::Impl::seek_to_start() {
  if (options_.start_sec <= 0 || !packets_have_time_) return;
  if (start_pts_ == AV_NOPTS_VALUE) start_pts_ = 0;
  if (seek_to(options_.start_sec)) landing_check_pending_ = true;
}

// Seeks to the keyframe at or before target_sec, as the container understands it. false when it cannot.
bool VideoReader::Impl::seek_to(double target_sec) {
  const auto offset = static_cast<int64_t>(std::floor(target_sec / av_q2d(time_base_)));
  if (av_seek_frame(input_.format.get(), input_.stream_index, start_pts_ + offset, AVSEEK_FLAG_BACKWARD) < 0)
    return false;
  seeked_ = true;
  report_.frame_index_estimated = true;
  restart_decoding();
  return true;
}

// After a seek: MPEG-TS/PS seek by bisecting timestamps and can land after the keyframe they should land
// on, so the first frame decoded can be past start_sec. Frames must not be lost silently.
bool VideoReader::Impl::landed_by_start() const {
  int64_t ts = av_frame_->best_effort_timestamp;
  if (ts == AV_NOPTS_VALUE) ts = av_frame_->pts;
  return ts != AV_NOPTS_VALUE && stream_sec(ts) <= options_.start_sec + kTimeToleranceSec;
}

// The last seek landed after start_sec (or no frame came before the end): aim further back, 1, 3, 7, ...
// s before start_sec, and in the end read from the beginning (reopening the file: the surest way there).
void VideoReader::Impl::seek_earlier() {
  seek_back_sec_ = seek_back_sec_ > 0 ? 2 * seek_back_sec_ : kFirstSeekBackSec;
  const double target_sec = options_.start_sec - (2 * seek_back_sec_ - kFirstSeekBackSec);
  if (target_sec > 0 && seek_to(target_sec)) {
    landing_check_pending_ = true;
    return;
  }
  input_.format = detail::open_input(path_, &interrupt_).format;
  seeked_ = false;  // from the beginning: indexes are counted again
  report_.frame_index_estimated = planning_stopped_;
  restart_decoding();
  landing_check_pending_ = false;
}

// Forgets every packet and frame in flight, as after a seek.
void VideoReader::Impl::restart_decoding() {
  avcodec_flush_buffers(decoder_.get());
  ahead_.clear();
  input_ended_ = false;
  draining_ = false;
  order_.reset();
  index_base_pending_ = true;
  index_from_time_ = seeked_;
  next_index_ = 0;
  has_prev_t_ = false;
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
      if (landing_check_pending_ && !report_.cancelled && !report_.read_error) {
        seek_earlier();  // the seek landed where no frame could be decoded before the end
        continue;
      }
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
  if (ahead_.empty() && !read_packet()) {
    avcodec_send_packet(decoder_.get(), nullptr);  // enter draining: the decoder returns what it holds
    draining_ = true;
    return true;
  }
  const AVPacket& packet = *ahead_.front();
  if (planning_) choose_skip(packet);
  const int r = avcodec_send_packet(decoder_.get(), &packet);
  if (r == AVERROR(EAGAIN)) return true;  // decoder full: keep the packet, take frames out first
  if (r < 0) note_error("packet rejected", r, true);
  ahead_.pop_front();
  return true;
}

// Reads the next packet of the video stream onto the end of ahead_. false at the end of input or on a
// read error (and from then on).
bool VideoReader::Impl::read_packet() {
  if (input_ended_) return false;
  detail::PacketPtr packet(av_packet_alloc());
  if (!packet) throw Error(ErrorCode::Internal, "out of memory allocating a packet");
  for (;;) {
    const int r = av_read_frame(input_.format.get(), packet.get());
    if (r < 0) {
      input_ended_ = true;
      if (r == AVERROR_EOF) return false;
      if (stop_requested_.load()) {
        report_.cancelled = true;
      } else {
        report_.read_error = true;
        note_error("reading the file failed", r, false);
      }
      return false;
    }
    if (packet->stream_index == input_.stream_index) break;
    av_packet_unref(packet.get());
  }
  if (planning_ && packet->pts == AV_NOPTS_VALUE) stop_planning();
  if (planning_ && !(packet->flags & AV_PKT_FLAG_DISCARD))
    order_.add(packet->pts, packet->dts == AV_NOPTS_VALUE ? std::nullopt : std::optional(packet->dts));
  ahead_.push_back(std::move(packet));
  return true;
}

// Lets the decoder skip `packet` if it is a non-reference frame and the grid cannot take it: no grid
// point lies between the frame presented before it and it. Reads ahead until that frame is known.
void VideoReader::Impl::choose_skip(const AVPacket& packet) {
  bool needed = true;
  if (packet.pts != AV_NOPTS_VALUE && !(packet.flags & AV_PKT_FLAG_DISCARD)) {
    while (!order_.complete_through(packet.pts) && read_packet()) {
    }
    if (!planning_) return;  // a packet read ahead had no pts
    const std::optional<int64_t> before = order_.previous(packet.pts);
    needed = sampler_.may_take(before ? stream_sec(*before) : -std::numeric_limits<double>::infinity(),
                               stream_sec(packet.pts));
  }
  decoder_->skip_frame = needed ? AVDISCARD_DEFAULT : AVDISCARD_NONREF;
}

// A packet without pts: decode every frame from now on; indexes go on from the next frame's time.
void VideoReader::Impl::stop_planning() {
  planning_ = false;
  planning_stopped_ = true;
  decoder_->skip_frame = AVDISCARD_DEFAULT;
  index_from_time_ = true;
  report_.frame_index_estimated = true;
}

// Handles one decoded frame. true when it is selected and written to `out`.
bool VideoReader::Impl::handle_frame(Frame& out) {
  ++report_.frames_decoded;
  if (landing_check_pending_) {
    landing_check_pending_ = false;
    if (!landed_by_start()) {
      seek_earlier();
      return false;
    }
  }
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
  out.bgr = apply_orientation(to_square_pixels(to_bgr_.convert(*av_frame_), input_.info), input_.info.orientation);
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

// The frame's index: frames decoded so far, or with skipped frames, packets presented before it. After a
// seek the frames before the first one are not known, so its index is estimated from its time.
int64_t VideoReader::Impl::take_index(double t_sec) {
  const auto from_time = [&] {
    return input_.info.nominal_fps > 0 ? std::llround(t_sec * input_.info.nominal_fps) : int64_t{0};
  };
  if (planning_ && av_frame_->pts != AV_NOPTS_VALUE) {
    const int64_t before = order_.count_before(av_frame_->pts);
    if (index_base_pending_) index_offset_ = (seeked_ ? from_time() : 0) - before;
    index_base_pending_ = false;
    return before + index_offset_;
  }
  if (index_from_time_) {
    next_index_ = from_time();
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

#include "audio/audio_decoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "psyface/error.hpp"

namespace psyface::audio {
namespace {

struct FormatCloser {
  void operator()(AVFormatContext* p) const noexcept { avformat_close_input(&p); }
};
struct CodecFreer {
  void operator()(AVCodecContext* p) const noexcept { avcodec_free_context(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* p) const noexcept { av_frame_free(&p); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
struct SwrFreer {
  void operator()(SwrContext* p) const noexcept { swr_free(&p); }
};

std::string av_text(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

// Time 0 of the frames table: the video stream's first timestamp (the container's when it has no video).
double video_clock_origin_sec(const AVFormatContext* fmt) {
  const int v = av_find_best_stream(const_cast<AVFormatContext*>(fmt), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (v >= 0 && fmt->streams[v]->start_time != AV_NOPTS_VALUE)
    return fmt->streams[v]->start_time * av_q2d(fmt->streams[v]->time_base);
  return fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time / double(AV_TIME_BASE) : 0.0;
}

// Resampled samples go through here: cropped to [start, end) on the video clock, then to the callback.
class SampleSink {
 public:
  SampleSink(const AudioReadOptions& o, AudioTrackInfo& info, const std::function<void(std::span<const float>)>& cb)
      : o_(o), info_(info), cb_(cb) {}
  // requires: first_sec = the time of the first sample of the whole output (set once).
  void set_origin(double first_sec) { origin_sec_ = first_sec; }
  bool has_origin() const { return !std::isnan(origin_sec_); }
  bool done() const { return done_; }
  void push(const float* s, int n) {
    for (int k = 0; k < n && !done_; ++k, ++index_) {
      const double t = origin_sec_ + double(index_) / o_.sample_rate_hz;
      if (o_.end_sec > 0 && t >= o_.end_sec) done_ = true;
      else if (t >= o_.start_sec - 0.5 / o_.sample_rate_hz) keep(s[k], t);
    }
    flush(false);
  }
  void finish() { flush(true); }

 private:
  void keep(float v, double t) {
    if (info_.samples == 0 && buffer_.empty()) info_.first_sample_sec = t;
    buffer_.push_back(v);
  }
  void flush(bool all) {
    if (buffer_.empty() || (!all && buffer_.size() < 8192)) return;
    cb_(std::span<const float>(buffer_.data(), buffer_.size()));
    info_.samples += static_cast<int64_t>(buffer_.size());
    buffer_.clear();
  }
  const AudioReadOptions& o_;
  AudioTrackInfo& info_;
  const std::function<void(std::span<const float>)>& cb_;
  double origin_sec_ = std::nan("");
  int64_t index_ = 0;
  bool done_ = false;
  std::vector<float> buffer_;
};

class Decoder {
 public:
  Decoder(AVFormatContext* fmt, int stream, const AudioReadOptions& o, AudioTrackInfo& info)
      : fmt_(fmt), stream_(fmt->streams[stream]), o_(o), info_(info) {}

  bool open(std::string& why) {
    const AVCodec* codec = avcodec_find_decoder(stream_->codecpar->codec_id);
    if (!codec) return (why = "no decoder for audio codec " + info_.codec, false);
    ctx_.reset(avcodec_alloc_context3(codec));
    if (!ctx_ || avcodec_parameters_to_context(ctx_.get(), stream_->codecpar) < 0 ||
        avcodec_open2(ctx_.get(), codec, nullptr) < 0)
      return (why = "cannot open the " + info_.codec + " decoder", false);
    return true;
  }

  void run(SampleSink& sink) {
    std::unique_ptr<AVPacket, PacketFreer> pkt(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
    if (!pkt || !frame) throw Error(ErrorCode::Internal, "out of memory allocating audio buffers");
    while (!sink.done() && av_read_frame(fmt_, pkt.get()) >= 0) {
      if (pkt->stream_index == stream_->index) {
        if (avcodec_send_packet(ctx_.get(), pkt.get()) < 0) ++info_.decode_errors;
        receive(frame.get(), sink);
      }
      av_packet_unref(pkt.get());
    }
    avcodec_send_packet(ctx_.get(), nullptr);
    receive(frame.get(), sink);
    if (swr_) convert(nullptr, 0, sink);  // the resampler's tail
    sink.finish();
  }

 private:
  void receive(AVFrame* frame, SampleSink& sink) {
    while (!sink.done()) {
      const int r = avcodec_receive_frame(ctx_.get(), frame);
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) {
        ++info_.decode_errors;
        return;
      }
      if (!sink.has_origin()) {
        const int64_t pts = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp : frame->pts;
        sink.set_origin((pts != AV_NOPTS_VALUE ? pts * av_q2d(stream_->time_base) : 0.0) - clock_origin_sec_);
      }
      if (!swr_) make_resampler(frame);
      convert(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples, sink);
      av_frame_unref(frame);
    }
  }

  void make_resampler(AVFrame* frame) {
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    SwrContext* s = nullptr;
    if (swr_alloc_set_opts2(&s, &mono, AV_SAMPLE_FMT_FLT, o_.sample_rate_hz, &frame->ch_layout,
                            static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0, nullptr) < 0 ||
        swr_init(s) < 0) {
      swr_free(&s);
      throw Error(ErrorCode::Input, "cannot resample the audio (" + info_.codec + ", " +
                                        std::to_string(frame->sample_rate) + " Hz) to " +
                                        std::to_string(o_.sample_rate_hz) + " Hz mono");
    }
    swr_.reset(s);
  }

  void convert(const uint8_t** in, int n, SampleSink& sink) {
    const int cap = swr_get_out_samples(swr_.get(), n);
    if (cap <= 0) return;
    out_.resize(static_cast<size_t>(cap));
    uint8_t* dst[1] = {reinterpret_cast<uint8_t*>(out_.data())};
    const int got = swr_convert(swr_.get(), dst, cap, in, n);
    if (got > 0) sink.push(out_.data(), got);
  }

 public:
  double clock_origin_sec_ = 0;

 private:
  AVFormatContext* fmt_;
  AVStream* stream_;
  const AudioReadOptions& o_;
  AudioTrackInfo& info_;
  std::unique_ptr<AVCodecContext, CodecFreer> ctx_;
  std::unique_ptr<SwrContext, SwrFreer> swr_;
  std::vector<float> out_;
};

}  // namespace

AudioTrackInfo read_audio(const std::filesystem::path& path, const AudioReadOptions& options,
                          const std::function<void(std::span<const float>)>& on_samples) {
  if (options.sample_rate_hz <= 0) throw Error(ErrorCode::Internal, "read_audio: sample rate must be positive");
  AVFormatContext* raw = nullptr;
  if (const int r = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); r < 0)
    throw Error(ErrorCode::Input, "cannot read audio of '" + path.string() + "': " + av_text(r));
  std::unique_ptr<AVFormatContext, FormatCloser> fmt(raw);
  if (const int r = avformat_find_stream_info(fmt.get(), nullptr); r < 0)
    throw Error(ErrorCode::Input, "cannot read audio of '" + path.string() + "': " + av_text(r));
  AudioTrackInfo info;
  const int stream = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (stream < 0) {
    info.note = "no audio stream";
    return info;
  }
  for (unsigned k = 0; k < fmt->nb_streams; ++k)
    fmt->streams[k]->discard = static_cast<int>(k) == stream ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
  const AVCodecParameters* par = fmt->streams[stream]->codecpar;
  info.codec = avcodec_get_name(par->codec_id);
  info.source_rate_hz = par->sample_rate;
  info.source_channels = par->ch_layout.nb_channels;
  Decoder decoder(fmt.get(), stream, options, info);
  std::string why;
  if (!decoder.open(why)) {
    info.note = why;
    return info;
  }
  decoder.clock_origin_sec_ = video_clock_origin_sec(fmt.get());
  if (options.start_sec > 1.0) {  // seek a little before the start; samples before it are dropped
    const AVStream* s = fmt->streams[stream];
    const double target = options.start_sec - 0.5 + decoder.clock_origin_sec_;
    av_seek_frame(fmt.get(), stream, static_cast<int64_t>(target / av_q2d(s->time_base)), AVSEEK_FLAG_BACKWARD);
  }
  info.present = true;
  SampleSink sink(options, info, on_samples);
  decoder.run(sink);
  if (info.samples == 0) {
    info.present = false;
    info.note = "the audio stream holds no samples in the analysed time range";
  }
  return info;
}

}  // namespace psyface::audio

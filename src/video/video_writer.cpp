// VideoWriter (see video_writer.hpp): BGR → YUV 4:2:0 (swscale, BT.601 limited range, tagged so), one
// frame held back until the next one's time gives its duration, packets muxed with their durations so the
// last frame keeps its length and the file its duration.
#include "video/video_writer.hpp"

#include <unistd.h>

#include <cmath>
#include <map>

#include <opencv2/core.hpp>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "video/av_handles.hpp"

extern "C" {
#include <libavutil/opt.h>
}

namespace psyface::video {
namespace {

struct OutputContextDeleter {
  void operator()(AVFormatContext* p) const noexcept {
    if (p->pb) avio_closep(&p->pb);
    avformat_free_context(p);
  }
};
using OutputContextPtr = std::unique_ptr<AVFormatContext, OutputContextDeleter>;

struct DictionaryOwner {
  AVDictionary* d = nullptr;
  ~DictionaryOwner() { av_dict_free(&d); }
};

}  // namespace

struct VideoWriter::Impl {
  std::filesystem::path path, tmp;
  WriterOptions options;
  int width = 0, height = 0, coded_width = 0, coded_height = 0;
  OutputContextPtr format;
  detail::CodecContextPtr encoder;
  AVStream* stream = nullptr;
  detail::SwsContextPtr sws;
  detail::PacketPtr packet{av_packet_alloc()};
  detail::FramePtr pending;               // the last frame given, sent once the next one's time is known
  std::map<int64_t, int64_t> durations;   // pts → duration (encoder time base) of frames not yet muxed
  double first_t_sec = NAN;
  int64_t last_pts = -1, last_duration = 0, frames = 0;
  bool committed = false;

  [[noreturn]] void fail(const std::string& what, int code = 0) const {
    throw Error(ErrorCode::Output, "cannot write video '" + path.string() + "': " + what +
                                       (code ? " (" + detail::av_error_text(code) + ")" : ""));
  }

  void open_encoder(const AVCodec* codec);
  void open_file();
  void send(AVFrame* frame);  // frame null: flush
  void drain();
};

void VideoWriter::Impl::open_encoder(const AVCodec* codec) {
  const bool h264 = std::string(codec->name) == "libx264";
  encoder.reset(avcodec_alloc_context3(codec));
  if (!encoder) throw Error(ErrorCode::Internal, "out of memory for the video encoder");
  encoder->width = coded_width;
  encoder->height = coded_height;
  encoder->pix_fmt = AV_PIX_FMT_YUV420P;
  encoder->time_base = h264 ? AVRational{1, 90000} : AVRational{1, 60000};  // MPEG-4 Part 2: at most 16 bits
  if (options.nominal_fps > 0) encoder->framerate = av_d2q(options.nominal_fps, 100000);
  encoder->max_b_frames = 0;  // dts = pts: durations add up also at a variable rate (no reordering delay)
  encoder->colorspace = AVCOL_SPC_SMPTE170M;
  encoder->color_primaries = AVCOL_PRI_SMPTE170M;
  encoder->color_trc = AVCOL_TRC_SMPTE170M;
  encoder->color_range = AVCOL_RANGE_MPEG;
  if (format->oformat->flags & AVFMT_GLOBALHEADER) encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  DictionaryOwner opts;
  if (h264) {
    av_dict_set(&opts.d, "preset", options.preset.c_str(), 0);
    av_dict_set(&opts.d, "crf", std::to_string(options.crf).c_str(), 0);
  } else {
    encoder->flags |= AV_CODEC_FLAG_QSCALE;
    encoder->global_quality = FF_QP2LAMBDA * 3;  // high quality, so thin lines and small text stay legible
  }
  if (const int rc = avcodec_open2(encoder.get(), codec, &opts.d); rc < 0)
    fail(std::string("cannot open the ") + codec->name + " encoder", rc);
}

void VideoWriter::Impl::open_file() {
  stream = avformat_new_stream(format.get(), nullptr);
  if (!stream) fail("cannot add a video stream");
  if (const int rc = avcodec_parameters_from_context(stream->codecpar, encoder.get()); rc < 0)
    fail("cannot set the stream parameters", rc);
  stream->time_base = encoder->time_base;
  stream->avg_frame_rate = encoder->framerate;
  std::error_code ec;
  if (tmp.has_parent_path()) std::filesystem::create_directories(tmp.parent_path(), ec);  // avio_open names the error
  if (const int rc = avio_open(&format->pb, tmp.c_str(), AVIO_FLAG_WRITE); rc < 0)
    fail("cannot create " + tmp.string(), rc);
  DictionaryOwner mux;
  const std::string name = format->oformat->name;
  if (name == "mp4" || name == "mov") av_dict_set(&mux.d, "movflags", "+faststart", 0);  // plays while loading
  if (const int rc = avformat_write_header(format.get(), &mux.d); rc < 0) fail("cannot write the header", rc);
}

void VideoWriter::Impl::send(AVFrame* frame) {
  if (const int rc = avcodec_send_frame(encoder.get(), frame); rc < 0) fail("encoding failed", rc);
  drain();
}

void VideoWriter::Impl::drain() {
  while (true) {
    const int rc = avcodec_receive_packet(encoder.get(), packet.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    if (rc < 0) fail("encoding failed", rc);
    if (const auto it = durations.find(packet->pts); it != durations.end()) {
      packet->duration = it->second;
      durations.erase(it);
    }
    av_packet_rescale_ts(packet.get(), encoder->time_base, stream->time_base);
    packet->stream_index = stream->index;
    if (const int w = av_interleaved_write_frame(format.get(), packet.get()); w < 0) fail("write failed", w);
  }
}

VideoWriter::VideoWriter(const std::filesystem::path& path, int width_px, int height_px, const WriterOptions& options)
    : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.path = path;
  m.options = options;
  m.tmp = path;
  m.tmp += ".tmp-" + std::to_string(::getpid());
  if (width_px <= 0 || height_px <= 0) m.fail("frame size " + std::to_string(width_px) + "x" + std::to_string(height_px));
  m.width = width_px;
  m.height = height_px;
  m.coded_width = width_px + (width_px % 2);
  m.coded_height = height_px + (height_px % 2);
  const AVOutputFormat* container = av_guess_format(nullptr, path.c_str(), nullptr);
  if (!container) m.fail("FFmpeg knows no container for the extension '" + path.extension().string() + "' (use .mp4)");
  AVFormatContext* raw = nullptr;
  if (const int rc = avformat_alloc_output_context2(&raw, container, nullptr, m.tmp.c_str()); rc < 0 || !raw)
    m.fail("cannot set up the container", rc);
  m.format.reset(raw);
  const AVCodec* codec = options.allow_h264 ? avcodec_find_encoder_by_name("libx264") : nullptr;
  if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (!codec) throw Error(ErrorCode::Internal, "this FFmpeg build has neither a libx264 nor an MPEG-4 encoder");
  m.open_encoder(codec);
  m.sws.reset(sws_getContext(m.coded_width, m.coded_height, AV_PIX_FMT_BGR24, m.coded_width, m.coded_height,
                             AV_PIX_FMT_YUV420P, SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  if (!m.sws) throw Error(ErrorCode::Internal, "swscale cannot convert BGR24 to YUV420P");
  const int* bt601 = sws_getCoefficients(SWS_CS_ITU601);
  sws_setColorspaceDetails(m.sws.get(), bt601, 1, bt601, 0, 0, 1 << 16, 1 << 16);
  m.open_file();
}

VideoWriter::~VideoWriter() {
  if (impl_->committed) return;
  impl_->format.reset();  // closes the temporary file
  std::error_code ec;
  std::filesystem::remove(impl_->tmp, ec);
}

void VideoWriter::write(const cv::Mat& bgr, double t_sec) {
  auto& m = *impl_;
  if (bgr.type() != CV_8UC3 || bgr.cols != m.width || bgr.rows != m.height)
    throw Error(ErrorCode::Internal, "VideoWriter::write: expected a " + std::to_string(m.width) + "x" +
                                         std::to_string(m.height) + " BGR picture");
  cv::Mat src = bgr;
  if (m.coded_width != m.width || m.coded_height != m.height)
    cv::copyMakeBorder(bgr, src, 0, m.coded_height - m.height, 0, m.coded_width - m.width, cv::BORDER_REPLICATE);
  if (!src.isContinuous()) src = src.clone();
  if (std::isnan(m.first_t_sec)) m.first_t_sec = t_sec;
  const AVRational tb = m.encoder->time_base;
  int64_t pts = std::llround((t_sec - m.first_t_sec) * tb.den / tb.num);
  if (pts <= m.last_pts) pts = m.last_pts + 1;
  if (m.pending) {
    m.last_duration = pts - m.pending->pts;
    m.durations[m.pending->pts] = m.last_duration;
    m.send(m.pending.get());
  }
  detail::FramePtr frame(av_frame_alloc());
  if (!frame) throw Error(ErrorCode::Internal, "out of memory for a video frame");
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = m.coded_width;
  frame->height = m.coded_height;
  if (const int rc = av_frame_get_buffer(frame.get(), 0); rc < 0) m.fail("cannot allocate a frame", rc);
  const uint8_t* planes[1] = {src.data};
  const int strides[1] = {static_cast<int>(src.step[0])};
  sws_scale(m.sws.get(), planes, strides, 0, m.coded_height, frame->data, frame->linesize);
  frame->pts = pts;
  m.last_pts = pts;
  m.pending = std::move(frame);
  ++m.frames;
}

void VideoWriter::commit() {
  auto& m = *impl_;
  if (m.frames == 0) m.fail("no frame was written");
  const AVRational tb = m.encoder->time_base;
  const int64_t period = m.options.nominal_fps > 0 ? std::llround(tb.den / (tb.num * m.options.nominal_fps))
                         : m.last_duration > 0    ? m.last_duration
                                                  : tb.den / (30 * tb.num);
  m.durations[m.pending->pts] = std::max<int64_t>(1, period);
  m.send(m.pending.get());
  m.pending.reset();
  m.send(nullptr);
  if (const int rc = av_write_trailer(m.format.get()); rc < 0) m.fail("cannot finish the file", rc);
  if (const int rc = avio_closep(&m.format->pb); rc < 0) m.fail("cannot close " + m.tmp.string(), rc);
  util::sync_file(m.tmp);
  util::rename_durable(m.tmp, m.path);
  m.committed = true;
}

std::string VideoWriter::codec_name() const { return impl_->encoder->codec->name; }
int64_t VideoWriter::frames_written() const { return impl_->frames; }
const std::filesystem::path& VideoWriter::temp_path() const { return impl_->tmp; }

}  // namespace psyface::video

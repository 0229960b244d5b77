#include "video/probe.hpp"

#include <algorithm>
#include <cmath>

#include "psyface/error.hpp"
#include "video/av_input.hpp"

namespace psyface::video {
namespace detail {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& why) {
  throw Error(ErrorCode::Input, "cannot read video '" + path.string() + "': " + why);
}

double q_to_double(AVRational q) { return (q.num > 0 && q.den > 0) ? av_q2d(q) : 0.0; }

// The best video stream that is not an attached cover picture; -1 when there is none.
int find_video_stream(AVFormatContext* fmt) {
  int best = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (best >= 0 && !(fmt->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC)) return best;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVStream* s = fmt->streams[i];
    if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !(s->disposition & AV_DISPOSITION_ATTACHED_PIC))
      return static_cast<int>(i);
  }
  return -1;
}

VideoInfo describe(const std::filesystem::path& path, const AVFormatContext* fmt, const AVStream* s) {
  VideoInfo info;
  info.path = path.string();
  info.container_format = fmt->iformat ? fmt->iformat->name : "";
  info.codec_name = avcodec_get_name(s->codecpar->codec_id);
  info.stored_width_px = s->codecpar->width;
  info.stored_height_px = s->codecpar->height;
  // The container's sample aspect ratio (e.g. MP4 pasp), else the stream's (FFmpeg's guess, as ffprobe shows it). Ratios
  // beyond 4:1 either way are no camera's (a damaged header): the pixels are then taken as square.
  const AVRational sar = av_guess_sample_aspect_ratio(const_cast<AVFormatContext*>(fmt), const_cast<AVStream*>(s), nullptr);
  if (sar.num > 0 && sar.den > 0 && sar.num != sar.den && sar.num <= 4 * int64_t{sar.den} &&
      sar.den <= 4 * int64_t{sar.num})
    av_reduce(&info.pixel_aspect_num, &info.pixel_aspect_den, sar.num, sar.den, 1 << 20);
  size_t matrix_bytes = 0;
  const uint8_t* matrix = av_stream_get_side_data(s, AV_PKT_DATA_DISPLAYMATRIX, &matrix_bytes);
  const AVDictionaryEntry* tag = av_dict_get(s->metadata, "rotate", nullptr, 0);
  if (matrix && matrix_bytes >= 9 * sizeof(int32_t)) {
    info.orientation = orientation_from_display_matrix(reinterpret_cast<const int32_t*>(matrix));
    info.orientation_source = "display matrix";
  } else if (tag && tag->value) {
    info.orientation = orientation_from_rotate_tag(tag->value);
    info.orientation_source = "rotate tag";
  }
  if (info.orientation == Orientation{}) info.orientation_source = "none";  // nothing to turn
  set_displayed_size(info);
  info.nominal_fps = q_to_double(s->avg_frame_rate);
  if (info.nominal_fps <= 0) info.nominal_fps = q_to_double(s->r_frame_rate);
  const double tb = av_q2d(s->time_base);
  if (s->start_time != AV_NOPTS_VALUE) info.start_time_sec = s->start_time * tb;
  if (s->duration != AV_NOPTS_VALUE && s->duration > 0) {
    info.duration_sec = s->duration * tb;
  } else if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0) {
    const double fmt_start = fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time / double(AV_TIME_BASE) : 0;
    info.duration_sec = std::max(0.0, fmt->duration / double(AV_TIME_BASE) -
                                          std::max(0.0, info.start_time_sec - fmt_start));
  }
  info.frame_count_estimate =
      s->nb_frames > 0 ? s->nb_frames : std::llround(info.duration_sec * info.nominal_fps);
  return info;
}

}  // namespace

void set_displayed_size(VideoInfo& info) {
  const bool swap = info.orientation.rotation_cw_deg == 90 || info.orientation.rotation_cw_deg == 270;
  const int width = square_pixel_width(info);
  info.width_px = swap ? info.stored_height_px : width;
  info.height_px = swap ? width : info.stored_height_px;
}

void override_orientation(VideoInfo& info, int rotation_deg) {
  if (rotation_deg < 0) return;
  info.orientation = {normalise_degrees(rotation_deg), false};
  info.orientation_source = "--rotation";
  set_displayed_size(info);
}

OpenedInput open_input(const std::filesystem::path& path, const AVIOInterruptCB* interrupt) {
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw Error(ErrorCode::Internal, "out of memory opening '" + path.string() + "'");
  if (interrupt) raw->interrupt_callback = *interrupt;
  // On failure avformat_open_input frees the context itself.
  if (int r = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); r < 0) fail(path, av_error_text(r));
  OpenedInput in;
  in.format.reset(raw);
  if (int r = avformat_find_stream_info(raw, nullptr); r < 0)
    fail(path, "cannot read stream information: " + av_error_text(r));
  in.stream_index = find_video_stream(raw);
  if (in.stream_index < 0) fail(path, "no video stream (format '" + std::string(raw->iformat->name) + "')");
  const AVStream* s = raw->streams[in.stream_index];
  if (!avcodec_find_decoder(s->codecpar->codec_id))
    fail(path, std::string("no decoder for codec '") + avcodec_get_name(s->codecpar->codec_id) + "'");
  if (s->codecpar->width <= 0 || s->codecpar->height <= 0) fail(path, "video stream has no frame size");
  for (unsigned i = 0; i < raw->nb_streams; ++i)
    if (static_cast<int>(i) != in.stream_index) raw->streams[i]->discard = AVDISCARD_ALL;
  in.info = describe(path, raw, s);
  return in;
}

}  // namespace detail

double square_pixel_scale(const VideoInfo& info) {
  if (info.pixel_aspect_num <= 0 || info.pixel_aspect_den <= 0) return 1.0;
  const double ratio = double(info.pixel_aspect_num) / info.pixel_aspect_den;
  return std::fabs(ratio - 1.0) < kSquarePixelTolerance ? 1.0 : ratio;
}

std::string pixel_aspect_text(const VideoInfo& info) {
  return std::to_string(info.pixel_aspect_num) + ":" + std::to_string(info.pixel_aspect_den);
}

int square_pixel_width(const VideoInfo& info, int width_px) {
  const double scale = square_pixel_scale(info);
  if (scale == 1.0) return width_px;
  return std::max(1, static_cast<int>(std::lround(width_px * scale)));
}

VideoInfo probe(const std::filesystem::path& path) { return detail::open_input(path, nullptr).info; }

}  // namespace psyface::video

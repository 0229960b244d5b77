// The annotated video pass (see annotated_video.hpp): decode every frame, draw, encode.
#include "report/annotated_video.hpp"

#include <cmath>
#include <cstdio>

#include "psyface/error.hpp"
#include "report/annotation_overlay.hpp"
#include "report/annotation_timeline.hpp"
#include "video/video_reader.hpp"

namespace psyface::report {
namespace {

std::string describe(int width, int height, double fps, double duration) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%dx%d, %.3f fps, %.2f s", width, height, fps, duration);
  return buf;
}

double frame_period_sec(const video::VideoInfo& info) { return info.nominal_fps > 0 ? 1.0 / info.nominal_fps : 1.0 / 30; }

}  // namespace

int table_rotation_deg(const AnnotationTable& table) {
  if (!table.video || table.video->rotation == "auto") return -1;
  const std::string& r = table.video->rotation;
  if (r != "0" && r != "90" && r != "180" && r != "270")
    throw Error(ErrorCode::Input, table.video->sidecar.string() + ": options.rotation '" + r + "' is not auto, 0, 90, 180 or 270");
  return std::stoi(r);
}

void check_table_fits(const AnnotationTable& table, const video::VideoInfo& info) {
  const double period = frame_period_sec(info);
  if (const auto& v = table.video) {
    const bool same = v->width_px == info.width_px && v->height_px == info.height_px &&
                      std::abs(v->nominal_fps - info.nominal_fps) <= 0.01 * std::max(1.0, info.nominal_fps) &&
                      std::abs(v->duration_sec - info.duration_sec) <= std::max(0.05, 2 * period);
    if (!same && !v->pixel_aspect_recorded && video::square_pixel_scale(info) != 1.0)
      throw Error(ErrorCode::Input, table.source + " was made (" + v->sidecar.string() +
                                        ") before psyface scaled non-square pixels to square ones: " + info.path +
                                        " has pixels " + video::pixel_aspect_text(info) + " wide and is now analysed as " +
                                        std::to_string(info.width_px) + "x" + std::to_string(info.height_px) +
                                        ", its faces no longer squeezed: analyse it again");
    if (!same)
      throw Error(ErrorCode::Input, table.source + " was made from a video of " +
                                        describe(v->width_px, v->height_px, v->nominal_fps, v->duration_sec) + " (" +
                                        v->sidecar.string() + "), but " + info.path + " is " +
                                        describe(info.width_px, info.height_px, info.nominal_fps, info.duration_sec) +
                                        ": give the frames table of this video");
  }
  const AnalysedFrame& last = table.frames.back();
  if (info.duration_sec > 0 && last.t_sec > info.duration_sec + period + 0.05)
    throw Error(ErrorCode::Input, table.source + " has analysed frames up to t=" + std::to_string(last.t_sec) + " s, but " +
                                      info.path + " lasts " + std::to_string(info.duration_sec) +
                                      " s: give the frames table of this video");
  for (const auto& f : table.frames)
    for (const auto& face : f.faces) {
      const double cx = face.box_px.x + face.box_px.width / 2, cy = face.box_px.y + face.box_px.height / 2;
      if (cx < 0 || cy < 0 || cx > info.width_px || cy > info.height_px)
        throw Error(ErrorCode::Input, table.source + ": the face box of frame " + std::to_string(f.frame) +
                                          " is centred at (" + std::to_string(int(cx)) + ", " + std::to_string(int(cy)) +
                                          "), outside the " + std::to_string(info.width_px) + "x" +
                                          std::to_string(info.height_px) + " picture of " + info.path +
                                          ": give the frames table of this video");
    }
}

AnnotateSummary annotate_video(const std::filesystem::path& video, const AnnotationTable& table,
                               const std::filesystem::path& out, const AnnotateOptions& options,
                               const AnnotateCallbacks& callbacks) {
  if (table.frames.empty()) throw Error(ErrorCode::Input, table.source + ": no analysed frame");
  video::ReadOptions read;
  read.rotation_deg = table_rotation_deg(table);
  read.detect_shot_cuts = false;
  video::VideoReader reader(video, read);
  AnnotateSummary s;
  s.video = reader.info();
  check_table_fits(table, s.video);
  video::WriterOptions writer_options = options.writer;
  writer_options.nominal_fps = s.video.nominal_fps;
  video::VideoWriter writer(out, s.video.width_px, s.video.height_px, writer_options);
  s.codec = writer.codec_name();
  AnnotationTimeline timeline(table, frame_period_sec(s.video), video.string(), options.hold_factor);
  s.hold_sec = timeline.hold_sec();
  video::Frame frame;
  while (reader.next(frame)) {
    if (callbacks.should_stop && callbacks.should_stop()) {
      s.cancelled = true;
      break;
    }
    const auto shown = timeline.at(frame.t_sec);
    if (!shown.frame) ++s.frames_not_analysed;
    else if (shown.held) ++s.frames_held;
    else ++s.frames_analysed_shown;
    if (shown.frame && shown.frame->faces.empty()) ++s.frames_without_face;
    if (shown.frame) {
      if (options.blur_faces) blur_faces(frame.bgr, shown.frame->faces, options.blur_margin);
      draw_faces(frame.bgr, shown.frame->faces);
      s.boxes_drawn += static_cast<int64_t>(shown.frame->faces.size());
    }
    draw_status(frame.bgr, frame.t_sec, shown.frame, shown.held);
    writer.write(frame.bgr, frame.t_sec);
    ++s.frames_written;
    if (callbacks.on_progress) callbacks.on_progress(s.frames_written);
  }
  s.decode = reader.report();
  if (s.cancelled) return s;  // the writer's temporary file goes with it
  if (s.frames_written == 0) throw Error(ErrorCode::Input, video.string() + ": no frame could be decoded");
  timeline.finish();
  writer.commit();
  return s;
}

}  // namespace psyface::report

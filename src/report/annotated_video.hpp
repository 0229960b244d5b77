// annotate_video: a session video redrawn with what the analysis saw (face boxes, person and role labels,
// emotion and smile bars; annotation_overlay.hpp), every frame of the input kept with its time, so the
// output has the input's frame count and duration. Faces can be blurred for showing outside the team.
// The output holds face images: written only when asked for (psyface annotate). See docs/report.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "report/annotation_table.hpp"
#include "video/video_types.hpp"
#include "video/video_writer.hpp"

namespace psyface::report {

struct AnnotateOptions {
  bool blur_faces = false;      // blur each face box strongly before drawing (for showing outside the team)
  float blur_margin = 0.3f;     // the blurred area: the box grown by this fraction of its size on each side
  double hold_factor = 1.5;     // boxes held over frames without a row for up to this many analysed intervals
  video::WriterOptions writer;  // codec and quality (nominal_fps is taken from the input)
};

struct AnnotateCallbacks {
  std::function<void(int64_t frames_done)> on_progress;
  std::function<bool()> should_stop;  // polled once per frame
};

struct AnnotateSummary {
  video::VideoInfo video;
  video::DecodeReport decode;
  std::string codec;                    // the encoder used
  int64_t frames_written = 0;
  int64_t frames_analysed_shown = 0;    // frames with a row in the table
  int64_t frames_held = 0;              // frames showing the boxes of an earlier analysed frame
  int64_t frames_not_analysed = 0;      // frames no analysed frame applies to (nothing drawn, nothing blurred)
  int64_t frames_without_face = 0;      // frames whose analysed frame has no face (nothing drawn or blurred)
  int64_t boxes_drawn = 0;
  double hold_sec = 0;
  bool cancelled = false;               // stopped by should_stop: nothing written under the final name
};

// requires: table read from (or analysed from) this video (read_annotation_table, analyse_for_annotation);
//           out's extension a container FFmpeg writes (.mp4).
// ensures: out = every decoded frame of the video, upright as the reader (and the table's --rotation) gives
//          it, with the table's faces drawn (AnnotationTimeline's rule), at the input's times; written under
//          a temporary name and renamed at the end. Cancelled: no file under out, summary.cancelled.
// throws: Error(Input) naming table and video when the table does not fit the video (sidecar facts, times,
//         box positions; check_table_fits, AnnotationTimeline), or the video cannot be read;
//         Error(Output) when out cannot be written.
AnnotateSummary annotate_video(const std::filesystem::path& video, const AnnotationTable& table,
                               const std::filesystem::path& out, const AnnotateOptions& options,
                               const AnnotateCallbacks& callbacks);

// The table's --rotation for reading the video (-1: as the file says).
int table_rotation_deg(const AnnotationTable& table);

// requires: info from the reader opened with table_rotation_deg(table).
// throws: Error(Input) naming both files when the sidecar's video (size, frame rate, duration) differs from
//         this one, an analysed time lies past the video's end, or a face box's centre lies outside the picture.
void check_table_fits(const AnnotationTable& table, const video::VideoInfo& info);

}  // namespace psyface::report

// Which analysed frame's boxes a video frame shows. The rule (docs/report.md, "Annotated video"):
// - a video frame whose time equals an analysed time (within a quarter frame) shows that frame's faces;
// - a frame without a row (e.g. the table was made with --fps 5) shows the faces of the latest analysed
//   frame before it, if that one is less than hold_factor × the table's analysed interval (the median
//   spacing of its analysed times) older; otherwise nothing (before --start, after --end, a stretch the
//   analysis could not decode). Boxes are never interpolated or moved.
// Every analysed time must fall on a frame of the video: one that falls between two frames, or after the
// last one, means the table was made from another video, and is refused.
#pragma once
#include <cstddef>
#include <string>

#include "report/annotation_table.hpp"

namespace psyface::report {

class AnnotationTimeline {
 public:
  struct Shown {
    const AnalysedFrame* frame = nullptr;  // null: no analysed frame applies; nothing is drawn
    bool held = false;                     // the frame is an earlier analysed one (no row for this time)
  };

  // requires: table.frames in time order and not empty, table outlives this; frame_period_sec > 0
  //           (the video's nominal frame period; time tolerance = a quarter of it); video names the video
  //           for messages.
  AnnotationTimeline(const AnnotationTable& table, double frame_period_sec, std::string video, double hold_factor = 1.5);

  // requires: t_sec of the video's frames, in order. ensures: what this frame shows (rule above).
  // throws: Error(Input) naming the table and video when an analysed time lies between the previous
  //         video frame and this one.
  Shown at(double t_sec);

  // requires: every video frame given to at(). throws: Error(Input) when analysed times remain after the
  // video's last frame.
  void finish() const;

  double hold_sec() const { return hold_sec_; }

 private:
  [[noreturn]] void refuse(const AnalysedFrame& f, const std::string& where) const;

  const AnnotationTable& table_;
  std::string video_;
  double tolerance_sec_, hold_sec_;
  size_t next_ = 0;               // first analysed frame not reached yet
  const AnalysedFrame* current_ = nullptr;
  double last_video_t_sec_ = -1;
};

}  // namespace psyface::report

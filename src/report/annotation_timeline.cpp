// Which analysed frame a video frame shows (see annotation_timeline.hpp).
#include "report/annotation_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "psyface/error.hpp"

namespace psyface::report {
namespace {

std::string seconds(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f s", t);
  return buf;
}

double median_gap_sec(const std::vector<AnalysedFrame>& frames, double fallback) {
  std::vector<double> gaps;
  for (size_t i = 1; i < frames.size(); ++i) gaps.push_back(frames[i].t_sec - frames[i - 1].t_sec);
  if (gaps.empty()) return fallback;
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  return std::max(gaps[gaps.size() / 2], fallback);
}

}  // namespace

AnnotationTimeline::AnnotationTimeline(const AnnotationTable& table, double frame_period_sec, std::string video,
                                       double hold_factor)
    : table_(table),
      video_(std::move(video)),
      tolerance_sec_(std::max(0.25 * frame_period_sec, 6e-4)),  // timestamps are written with 4 decimals
      hold_sec_(hold_factor * median_gap_sec(table.frames, frame_period_sec)) {}

void AnnotationTimeline::refuse(const AnalysedFrame& f, const std::string& where) const {
  throw Error(ErrorCode::Input, table_.source + ": analysed frame " + std::to_string(f.frame) + " at t=" +
                                    seconds(f.t_sec) + " " + where + " of " + video_ +
                                    ": the table was not made from this video (give the video's own frames table)");
}

AnnotationTimeline::Shown AnnotationTimeline::at(double t_sec) {
  const auto& frames = table_.frames;
  if (next_ < frames.size() && frames[next_].t_sec < t_sec - tolerance_sec_)
    refuse(frames[next_], last_video_t_sec_ < 0 ? "comes before the first frame (t=" + seconds(t_sec) + ")"
                                                : "falls between the frames at t=" + seconds(last_video_t_sec_) +
                                                      " and t=" + seconds(t_sec));
  last_video_t_sec_ = t_sec;
  if (next_ < frames.size() && std::abs(frames[next_].t_sec - t_sec) <= tolerance_sec_) {
    current_ = &frames[next_++];
    return {current_, false};
  }
  if (current_ && t_sec - current_->t_sec < hold_sec_ - tolerance_sec_) return {current_, true};
  return {};
}

void AnnotationTimeline::finish() const {
  if (next_ < table_.frames.size())
    refuse(table_.frames[next_], "comes after the last frame (t=" + seconds(last_video_t_sec_) + ")");
}

}  // namespace psyface::report

// FrameSampler: which decoded frames are analysed (range start/end and the k / sample_fps time grid).
#pragma once
#include <cstdint>

#include "video/video_types.hpp"

namespace psyface::video {

// Timestamps closer than this are treated as equal (absorbs rounding in PTS × time base).
inline constexpr double kTimeToleranceSec = 1e-6;

// requires: nothing.
// ensures: returns normally when options are usable: sample_fps >= 0, start_sec >= 0, end_sec == -1 or
//          end_sec > start_sec, decoder_threads >= 0, rotation_deg -1, 0, 90, 180 or 270 (all finite).
// throws: psyface::Error(ErrorCode::Usage) naming the bad option and its value.
void validate_read_options(const ReadOptions& options);

class FrameSampler {
 public:
  enum class Decision { Skip, Take, End };

  // requires: validate_read_options(options) passes.
  explicit FrameSampler(const ReadOptions& options);

  // requires: successive calls with increasing t_sec (decode order after timestamp repair).
  // ensures: End when end_sec >= 0 and t_sec >= end_sec (and the caller should stop reading);
  //          Skip when t_sec < start_sec (only when start_sec > 0), or when sampling and t_sec is before
  //          the next grid time; otherwise Take. With sampling, a Take moves the next grid time to the
  //          first k / sample_fps strictly after t_sec, so one frame is taken per grid point at most and
  //          grid points that fall between two frames go to the later frame.
  Decision decide(double t_sec);

  // requires: before_sec < t_sec (a frame and the frame presented just before it; -infinity for none).
  // ensures: false only when decide() will not take a frame at t_sec whatever frames it sees before: no
  //          grid point at or after the first one in range lies in (before_sec, t_sec] (widened by the
  //          tolerance). Always true without sampling. A reader may leave such frames undecoded.
  bool may_take(double before_sec, double t_sec) const;

 private:
  double sample_fps_;
  double start_sec_;
  double end_sec_;
  int64_t first_grid_k_ = 0;  // the first analysed time is first_grid_k_ / sample_fps_
  int64_t next_grid_k_ = 0;   // the next analysed time is next_grid_k_ / sample_fps_
};

}  // namespace psyface::video

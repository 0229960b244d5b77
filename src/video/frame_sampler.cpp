#include "video/frame_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "psyface/error.hpp"

namespace psyface::video {
namespace {

void require(bool ok, const std::string& what, double value) {
  if (!ok) throw Error(ErrorCode::Usage, "invalid read option " + what + " = " + std::to_string(value));
}

}  // namespace

void validate_read_options(const ReadOptions& o) {
  require(std::isfinite(o.sample_fps) && o.sample_fps >= 0, "sample_fps (must be >= 0)", o.sample_fps);
  require(std::isfinite(o.start_sec) && o.start_sec >= 0, "start_sec (must be >= 0)", o.start_sec);
  require(std::isfinite(o.end_sec) && (o.end_sec == -1 || o.end_sec > o.start_sec),
          "end_sec (must be -1 or > start_sec)", o.end_sec);
  require(o.decoder_threads >= 0, "decoder_threads (must be >= 0)", o.decoder_threads);
  require(o.rotation_deg == -1 || o.rotation_deg == 0 || o.rotation_deg == 90 || o.rotation_deg == 180 ||
              o.rotation_deg == 270,
          "rotation_deg (must be -1, 0, 90, 180 or 270)", o.rotation_deg);
}

FrameSampler::FrameSampler(const ReadOptions& options)
    : sample_fps_(options.sample_fps), start_sec_(options.start_sec), end_sec_(options.end_sec) {
  if (sample_fps_ > 0)
    first_grid_k_ = next_grid_k_ = static_cast<int64_t>(std::ceil((start_sec_ - kTimeToleranceSec) * sample_fps_));
}

FrameSampler::Decision FrameSampler::decide(double t_sec) {
  if (end_sec_ >= 0 && t_sec >= end_sec_ - kTimeToleranceSec) return Decision::End;
  if (start_sec_ > 0 && t_sec < start_sec_ - kTimeToleranceSec) return Decision::Skip;
  if (sample_fps_ <= 0) return Decision::Take;
  if (t_sec < next_grid_k_ / sample_fps_ - kTimeToleranceSec) return Decision::Skip;
  next_grid_k_ = static_cast<int64_t>(std::floor((t_sec + kTimeToleranceSec) * sample_fps_)) + 1;
  return Decision::Take;
}

// A frame is taken iff a grid point lies after the frame before it and at or before it: the grid only
// moves on a take, to the first point after the frame taken.
bool FrameSampler::may_take(double before_sec, double t_sec) const {
  if (sample_fps_ <= 0) return true;
  int64_t k = first_grid_k_;
  if (std::isfinite(before_sec))
    k = std::max(k, static_cast<int64_t>(std::floor((before_sec - kTimeToleranceSec) * sample_fps_)) + 1);
  return k / sample_fps_ <= t_sec + kTimeToleranceSec;
}

}  // namespace psyface::video

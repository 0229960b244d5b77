#include "analysis/two_camera_plan.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "psyface/error.hpp"

namespace psyface::analysis {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

TwoCameraPlan plan_two_cameras(const std::filesystem::path& patient_video, const std::filesystem::path& therapist_video,
                               const video::ReadOptions& read, double offset_sec) {
  if (!std::isfinite(offset_sec)) throw Error(ErrorCode::Usage, "--offset-sec must be a finite number");
  TwoCameraPlan plan;
  plan.a = {patient_video.stem().string(), read};
  plan.b = {therapist_video.stem().string(), read};
  plan.dyad_stem = plan.a.stem + "+" + plan.b.stem;
  if (lower(plan.b.stem) == lower(plan.a.stem)) {
    plan.b.stem += ".B";
    plan.b_renamed = true;
  }
  plan.b.read.start_sec = std::max(0.0, read.start_sec - offset_sec);
  if (read.end_sec >= 0) {
    plan.b.read.end_sec = read.end_sec - offset_sec;
    if (plan.b.read.end_sec <= 0) {
      std::ostringstream msg;
      msg << "--end " << read.end_sec << " with --offset-sec " << offset_sec << ": the therapist video starts at "
          << offset_sec << " s on the patient video's clock, at or after the end of the window; nothing in common";
      throw Error(ErrorCode::Usage, msg.str());
    }
  }
  return plan;
}

}  // namespace psyface::analysis

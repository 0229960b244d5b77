// Two-camera sessions: what each camera's pass reads and the names of its output files, decided before
// any video is analysed (docs/roles.md, "Two cameras").
#pragma once
#include <filesystem>
#include <string>

#include "video/video_types.hpp"

namespace psyface::analysis {

struct CameraPass {
  std::string stem;         // output files: DIR/<stem>.frames.csv and DIR/<stem>.analysis.json
  video::ReadOptions read;  // --start/--end on this camera's own clock
};

struct TwoCameraPlan {
  CameraPass a, b;         // A: the patient's video, B: the therapist's
  std::string dyad_stem;   // the merged table: DIR/<dyad_stem>.frames.csv
  bool b_renamed = false;  // B's stem got ".B" because both videos have the same file stem
};

// requires: offset_sec finite (B's time + offset_sec = A's time).
// ensures: a.read = read; b.read is the same window moved onto B's clock ([start - offset, end - offset],
//          the start clipped at 0, an open end (< 0) kept open), so both cameras cover the same moments of
//          A's clock. a.stem = the patient video's stem; b.stem = the therapist video's stem, with ".B"
//          appended when it equals a.stem (compared without case, for case-insensitive file systems), so
//          B's files never replace A's. dyad_stem = "<patient stem>+<therapist stem>".
// throws: Error(Usage) when --end lies at or before camera B's start on A's clock (no common footage).
TwoCameraPlan plan_two_cameras(const std::filesystem::path& patient_video, const std::filesystem::path& therapist_video,
                               const video::ReadOptions& read, double offset_sec);

}  // namespace psyface::analysis

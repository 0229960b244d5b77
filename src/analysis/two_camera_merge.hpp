// Two-camera sessions: merge the per-frame tables of video A (patient side) and video B (therapist side)
// into one table on A's clock, with `camera` and `role` columns. Streams both files (a two-way merge of
// time-ordered rows), so memory does not grow with session length. Format: docs/roles.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace psyface::analysis {

// One camera's table and the roles of its faces.
struct CameraFrames {
  std::filesystem::path frames_csv;         // DIR/<stem>.frames.csv of this camera's video
  std::map<int, std::string> role_by_id;    // id (TwoCameraMergeOptions::id_column) -> role name, e.g. from
                                            // faces::assign_camera_roles through the track -> person map
  std::string unlisted_role = "unknown";    // role of a face whose id is not in role_by_id
};

struct TwoCameraMergeOptions {
  double offset_sec = 0;               // B's timestamp + offset_sec = A's timestamp of the same moment
                                       // (B started recording offset_sec after A: offset_sec > 0)
  std::string id_column = "face_id";   // the column role_by_id is keyed on
};

struct TwoCameraMergeSummary {
  int64_t rows_a = 0, rows_b = 0;
};

// requires: a.frames_csv and b.frames_csv in frames.csv format (docs/output-format.md) with identical
//           headers containing frame, timestamp and id_column; each file's rows in time order.
// ensures: `out` holds the header "camera,role,<the inputs' columns>" and every row of both files once:
//          camera "A" or "B"; role from the camera's role_by_id ("NA" for rows without a face: id -1 or NA).
//          Inputs that already have a role column (tables/person_columns) get no second one: the header is
//          "camera,<the inputs' columns>" and a camera's role values are kept when its role_by_id is empty.
//          B's timestamp is shifted by offset_sec (written with 4 decimals). Rows are sorted by timestamp, A before
//          B at equal timestamps, each camera's rows in file order. Written to a temporary file and renamed.
// throws: Error(Input) naming the file and line for an unreadable file, a missing column, different
//         headers, a row with the wrong number of fields, an unparsable timestamp or id, or a timestamp
//         earlier than the row before; Error(Output) when `out` cannot be written. `out` is untouched then.
TwoCameraMergeSummary merge_two_cameras(const CameraFrames& a, const CameraFrames& b,
                                        const std::filesystem::path& out, const TwoCameraMergeOptions& options = {});

}  // namespace psyface::analysis

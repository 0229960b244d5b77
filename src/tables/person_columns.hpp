// Adds the person_id and role columns (after face_id) to a frames.csv written during the pass, once
// identity clustering and role assignment are known at the end of the session, and renumbers face_id
// where a track was split. Streams one frame (a run of rows with the same frame value) at a time.
#pragma once
#include <filesystem>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace psyface::tables {

// What add_person_columns reads from one row for the labeller.
struct FrameRowKey {
  int64_t frame = 0;                                  // the frame column
  int face_id = -1;                                   // -1: a frame without a face
  double t_sec = 0;                                   // timestamp
  double box_x = 0, box_y = 0, box_w = 0, box_h = 0;  // 0 when NA
};

struct PersonLabel {
  int face_id = -1;  // the face id written (the row's own, or a new one after a track split)
  int person_id = -1;
  std::string role = "unknown";
  std::string inserted;  // face rows: the text of the inserted columns (comma-separated), see below
  std::string suffix;    // appended to the row after a comma, one value per extra column (may be empty)
};

// Columns computed after the session (docs/action-units.md) that go into the table before the column
// named `before`; rows without a face get NA in each.
struct InsertedColumns {
  std::vector<std::string> names;
  std::string before;
};

// requires: in is a frames.csv (header starts "frame,face_id," and has timestamp and box_x..box_h).
// label(rows of one frame) gives one label per row, same order; rows with face_id -1 keep -1, -1, NA.
// ensures: out written atomically with columns frame, face_id, person_id, role, then the rest, with
//          `inserted.names` (when any) before the column `inserted.before`, then extra_columns at the end
//          (each row's label.suffix holds their values, comma-separated; also on rows without a face).
// throws Error(Input) for a malformed input (file:line) or a table without the column inserted.before,
//        Error(Output) when out cannot be written.
void add_person_columns(const std::filesystem::path& in, const std::filesystem::path& out,
                        const std::function<std::vector<PersonLabel>(const std::vector<FrameRowKey>&)>& label,
                        const InsertedColumns& inserted = {}, const std::vector<std::string>& extra_columns = {});

}  // namespace psyface::tables

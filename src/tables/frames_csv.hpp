// DIR/<stem>.frames.csv: one row per (analysed frame, face) plus one success=0 row per analysed frame
// without a face. Columns: docs/output-format.md. Written to a temporary file, renamed by commit().
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "psyface/records.hpp"
#include "util/atomic_file.hpp"

namespace psyface::tables {

// The column names, in order (with_landmarks adds x_0..x_467, y_0..y_467).
std::vector<std::string> frames_csv_columns(bool with_landmarks);

class FramesCsvWriter {
 public:
  // throws Error(Output) when the file cannot be created.
  FramesCsvWriter(const std::filesystem::path& path, bool with_landmarks);

  // requires: rows of one frame, in frame order. An empty vector is not allowed: a frame without a face
  // is one observation with success = false.
  void write_frame(const std::vector<FaceObservation>& rows);

  // ensures: flushed and renamed into place. throws Error(Output).
  void commit();

  int64_t rows_written() const { return rows_; }

 private:
  void write_row(const FaceObservation& o);
  util::AtomicFile file_;
  bool with_landmarks_;
  size_t columns_ = 0;
  int64_t rows_ = 0;
  std::string line_;
};

}  // namespace psyface::tables

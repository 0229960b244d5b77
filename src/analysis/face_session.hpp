// FaceSessionColumns: the frames-table columns that need the whole session, added when the final table
// is written: action units normalised by each person's own baseline (AUxx_r, AUxx_c) and head motion
// (head_speed_deg_s, face_speed_iod_s). Formulas: docs/action-units.md, "Person baseline" and "Head
// motion". Keeps ~120 bytes per face row until the table is written (12 MB per 100 000 face rows).
#pragma once
#include <array>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "analysis/person_observer.hpp"
#include "psyface/records.hpp"

namespace psyface::analysis {

struct FaceSessionOptions {
  // Head motion: pose and face centre are median-filtered over ±smooth_sec within a face's track, then
  // differenced over ±diff_sec (detector jitter of ~1°/frame would otherwise read as ~30°/s at 30 fps).
  double smooth_sec = 0.1;
  double diff_sec = 0.1;
  float presence_threshold = 1.0f;  // AUxx_c = 1 when AUxx_r >= this
};

// The percentile of a person's session that is taken as their neutral value of each action unit's
// feature (kActionUnitNames order; docs/action-units.md).
const std::array<double, kActionUnitCount>& au_baseline_percentiles();

class FaceSessionColumns {
 public:
  explicit FaceSessionColumns(FaceSessionOptions options = {}) : options_(options) {}

  // The inserted columns, in order: AU01_r..AU45_r, AU01_c..AU45_c, head_speed_deg_s, face_speed_iod_s.
  static std::vector<std::string> column_names();

  // During the pass: every row with success = true, in table order.
  void add(const FaceObservation& row);

  // After the pass. ensures: a baseline per person (persons.person_of of the row's face id after track
  // splits; rows of no person: per face id) and the head motion of every row.
  void finish(const PersonResult& persons);

  // requires: finish() called; k < rows added. Appends row k's inserted columns (comma-separated, no
  // leading comma) to `out`.
  void append_row(size_t k, std::string& out) const;

  size_t rows() const { return rows_.size(); }
  // Per person (or face id), the baseline feature values; for the sidecar.
  const std::map<int, std::array<float, kActionUnitCount>>& baselines() const { return baselines_; }

 private:
  struct Row {
    int track_id = -1, group = -1;  // group: person id, or −2 − face id for rows of no person
    int face_id = -1;               // after track splits
    double t_sec = 0;
    float yaw_deg = 0, pitch_deg = 0, roll_deg = 0, inter_ocular_px = 0;
    cv::Point2f centre_px;
    std::array<float, kActionUnitCount> au_feature{};
    float head_speed_deg_s = 0, face_speed_iod_s = 0;
  };
  void compute_motion(const std::vector<size_t>& track_rows);

  FaceSessionOptions options_;
  std::vector<Row> rows_;
  std::map<int, std::array<float, kActionUnitCount>> baselines_;
};

}  // namespace psyface::analysis

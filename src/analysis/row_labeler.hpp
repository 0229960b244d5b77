// RowLabeler: the final face_id, person_id and role of each face row, once the session is over. Applies,
// per frame: track splits (a row after a split belongs to the new face id), identity (face id → person)
// and, in split layouts, panel = role (faces/panel_roles.hpp). Keeps the counts for the sidecar.
#pragma once
#include <vector>

#include <opencv2/core/types.hpp>

#include "analysis/person_observer.hpp"

namespace psyface::analysis {

struct RowKey {  // what the labeler needs of one row
  int track_id = -1;  // -1: a frame without a face
  double t_sec = 0;
  cv::Rect2f box_px;
};

struct RowLabel {
  int face_id = -1;
  int person_id = -1;
  faces::Role role = faces::Role::Unknown;
};

struct LabelReport {
  faces::PanelCounts panel;
  std::vector<faces::PersonInBothPanels> persons_in_both_panels;
};

class RowLabeler {
 public:
  // requires: persons outlives the labeler.
  explicit RowLabeler(const PersonResult& persons) : persons_(persons) {}

  // requires: rows = all rows of one frame, frames in time order. ensures: one label per row, same order.
  std::vector<RowLabel> label_frame(const std::vector<RowKey>& rows);

  // ensures: the counts over every frame labelled so far.
  LabelReport report() const;

 private:
  const PersonResult& persons_;
  faces::PanelCounts counts_;
};

}  // namespace psyface::analysis

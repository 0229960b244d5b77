#include "analysis/row_labeler.hpp"

namespace psyface::analysis {

std::vector<RowLabel> RowLabeler::label_frame(const std::vector<RowKey>& rows) {
  std::vector<RowLabel> labels(rows.size());
  std::vector<faces::PanelRow> faces;
  std::vector<size_t> face_rows;
  for (size_t k = 0; k < rows.size(); ++k) {
    if (rows[k].track_id < 0) continue;
    RowLabel& l = labels[k];
    l.face_id = persons_.splits.face_id_at(rows[k].track_id, rows[k].t_sec);
    l.person_id = persons_.person_of(l.face_id);
    l.role = persons_.role_of(l.face_id);
    faces.push_back({l.person_id, l.role, rows[k].box_px});
    face_rows.push_back(k);
  }
  faces::assign_panel_roles(persons_.panels, faces, counts_);
  for (size_t i = 0; i < faces.size(); ++i) labels[face_rows[i]].role = faces[i].role;
  return labels;
}

LabelReport RowLabeler::report() const { return {counts_, faces::persons_in_both_panels(counts_)}; }

}  // namespace psyface::analysis

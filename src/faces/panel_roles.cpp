#include "faces/panel_roles.hpp"

#include <algorithm>

namespace psyface::faces {
namespace {

int panel_of(const PanelSetup& s, const cv::Rect2f& box) {
  const double cx = box.x + 0.5 * box.width, cy = box.y + 0.5 * box.height;
  const cv::Rect2d& r = s.inset_px;
  if (s.pip) return cx >= r.x && cx <= r.x + r.width && cy >= r.y && cy <= r.y + r.height ? 1 : 0;
  return cx < s.line_x_px ? 0 : 1;
}

// Pip: the panel of the patient (main view 0, inset 1) from the roles assign_roles gave.
PanelSetup pip_setup(const RoleAssignment& roles, const std::vector<PersonPlacement>& placements, int width_px,
                     int height_px) {
  PanelSetup s;
  if (roles.speaker_view) {
    s.reason = "speaker view: persons switch between the main view and the inset, so roles follow identity";
    return s;
  }
  if (!(roles.inset.found || roles.inset.candidate) || width_px <= 0 || height_px <= 0) return s;
  const auto& r = roles.inset;
  s.pip = true;
  s.inset_px = {r.x0_norm * width_px, r.y0_norm * height_px, (r.x1_norm - r.x0_norm) * width_px,
                (r.y1_norm - r.y0_norm) * height_px};
  for (const auto& p : placements) {
    auto it = roles.roles.find(p.person_id);
    if (it == roles.roles.end() || (it->second != Role::Patient && it->second != Role::Therapist)) continue;
    const int panel = p.inset_share >= 0.5 ? 1 : 0;
    s.role[panel] = it->second;
    s.person[panel] = p.person_id;
  }
  for (int h = 0; h < 2; ++h)  // one region's role known: the other has the other role
    if (s.role[h] == Role::Unknown && s.role[1 - h] != Role::Unknown)
      s.role[h] = s.role[1 - h] == Role::Patient ? Role::Therapist : Role::Patient;
  if (s.role[0] == Role::Unknown) {
    s.reason = "no patient or therapist found, so the regions' roles are unknown: roles follow identity";
    return s;
  }
  s.active = true;
  s.reason = std::string("the ") + (s.role[1] == Role::Patient ? "patient" : "therapist") + " is in the inset (" +
             r.corner + ")";
  return s;
}

}  // namespace

PanelSetup make_panel_setup(const RoleAssignment& roles, const std::vector<PersonPlacement>& placements,
                            const PatientRule& patient, int frame_width_px, int frame_height_px) {
  if (roles.layout == Layout::Pip) return pip_setup(roles, placements, frame_width_px, frame_height_px);
  PanelSetup s;
  if (roles.layout != Layout::Split || frame_width_px <= 0) return s;
  const double line = roles.line_x_norm > 0 && roles.line_x_norm < 1 ? roles.line_x_norm : 0.5;
  s.line_x_px = line * frame_width_px;
  int patient_panel = -1;
  if (patient.kind == PatientRule::Left || patient.kind == PatientRule::Right) {
    patient_panel = patient.kind == PatientRule::Left ? 0 : 1;
    s.reason = std::string("--patient ") + patient_rule_text(patient);
  } else {
    for (const auto& p : placements) {
      auto it = roles.roles.find(p.person_id);
      if (it != roles.roles.end() && it->second == Role::Patient) {
        patient_panel = p.mean_center_x_norm < line ? 0 : 1;
        s.reason = "the patient (person " + std::to_string(p.person_id) + ") sits in the " +
                   (patient_panel == 0 ? "left" : "right") + " panel";
      }
    }
    if (patient_panel < 0) {
      s.reason = "no patient found, so the panels' roles are unknown: roles follow identity";
      return s;
    }
  }
  s.active = true;
  s.role[patient_panel] = Role::Patient;
  s.role[1 - patient_panel] = Role::Therapist;
  for (const auto& p : placements) {
    auto it = roles.roles.find(p.person_id);
    if (it == roles.roles.end()) continue;
    for (int h = 0; h < 2; ++h)
      if (it->second == s.role[h]) s.person[h] = p.person_id;
  }
  return s;
}

void assign_panel_roles(const PanelSetup& setup, std::vector<PanelRow>& rows, PanelCounts& counts) {
  counts.rows += static_cast<int64_t>(rows.size());
  if (!setup.active) return;
  std::array<std::vector<size_t>, 2> in_panel;
  for (size_t k = 0; k < rows.size(); ++k) {
    const int h = panel_of(setup, rows[k].box_px);
    in_panel[h].push_back(k);
    if (rows[k].person_id >= 0) ++counts.person_rows[rows[k].person_id][h];
  }
  for (int h = 0; h < 2; ++h) {
    const auto& members = in_panel[h];
    if (members.empty()) continue;
    size_t keeper = members.front();
    bool own_person = false;
    for (size_t k : members) {
      const bool own = setup.person[h] >= 0 && rows[k].person_id == setup.person[h];
      if ((own && !own_person) || (own == own_person && rows[k].box_px.area() > rows[keeper].box_px.area())) {
        keeper = k;
        own_person = own_person || own;
      }
    }
    for (size_t k : members) {
      const Role want = k == keeper ? setup.role[h] : Role::Other;
      if (rows[k].role == want) continue;
      ++(k == keeper ? counts.overrides : counts.demoted);
      rows[k].role = want;
    }
  }
}

std::vector<PersonInBothPanels> persons_in_both_panels(const PanelCounts& counts, int64_t min_rows, double min_share) {
  std::vector<PersonInBothPanels> out;
  for (const auto& [person, n] : counts.person_rows) {
    const double total = static_cast<double>(n[0] + n[1]);
    if (std::min(n[0], n[1]) >= min_rows && std::min(n[0], n[1]) >= min_share * total)
      out.push_back({person, n[0], n[1]});
  }
  return out;
}

}  // namespace psyface::faces

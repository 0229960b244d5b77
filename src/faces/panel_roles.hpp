// Panel = role: in a split layout the panel a face is in says whose face it is, whatever identity
// clustering concluded. Per frame, each face row takes the role of the panel its box centre lies in; when
// a panel holds several faces, the one of the panel's own person (else the largest) keeps the panel's role
// and the others become Other. Counts every row whose role this changes, and which persons were seen in
// both panels (identity and panels disagree: worth a look). Rules: docs/roles.md.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "faces/roles.hpp"

namespace psyface::faces {

// Which role each panel has. Inactive unless the layout decided is Split or Pip. In a pip layout panel 0 is
// the main view and panel 1 the inset: a box centre inside the inset region is in the inset.
struct PanelSetup {
  bool active = false;
  double line_x_px = 0;                                 // box centres left of it are in the left panel
  bool pip = false;                                     // panels are main view [0] and inset [1]
  cv::Rect2d inset_px;                                  // pip: the inset region in frame pixels
  std::array<Role, 2> role = {Role::Unknown, Role::Unknown};  // [0] left / main view, [1] right / inset
  std::array<int, 2> person = {-1, -1};                 // the person holding that role by identity, -1 none
  std::string reason;                                   // one line for the sidecar
};

// requires: roles from assign_roles; placements as given to it; frame_width_px > 0 (and frame_height_px
//           > 0 for a Pip layout).
// ensures: active for a Split layout: with --patient left/right the panels are patient and therapist as
//          the rule says; with largest/person:N the patient's panel (its mean box centre) is patient and the
//          other therapist; inactive (role by identity only) when the patient's side is unknown.
//          Pip: active unless speaker view or no patient was found; the inset panel has the role of the
//          person in the inset (the patient's region is the patient's, the other the therapist's).
PanelSetup make_panel_setup(const RoleAssignment& roles, const std::vector<PersonPlacement>& placements,
                            const PatientRule& patient, int frame_width_px, int frame_height_px = 0);

// One face row of a frame: its person (after identity clustering) and that person's role.
struct PanelRow {
  int person_id = -1;
  Role role = Role::Unknown;  // in: the person's role; out: the row's role
  cv::Rect2f box_px;
};

struct PanelCounts {
  int64_t rows = 0;           // face rows seen
  int64_t overrides = 0;      // rows given their panel's role instead of their person's
  int64_t demoted = 0;        // rows made Other because another face in the panel kept its role
  std::map<int, std::array<int64_t, 2>> person_rows;  // person → rows in the left / right panel
};

// requires: rows = the face rows of one frame. ensures: each row's role set as described above; counts
// updated. Does nothing (but count rows) when the setup is inactive.
void assign_panel_roles(const PanelSetup& setup, std::vector<PanelRow>& rows, PanelCounts& counts);

struct PersonInBothPanels {
  int person_id = -1;
  int64_t rows_left = 0, rows_right = 0;
};

// ensures: persons with at least min_rows rows and min_share of their rows in each panel.
std::vector<PersonInBothPanels> persons_in_both_panels(const PanelCounts& counts, int64_t min_rows = 5,
                                                       double min_share = 0.05);

}  // namespace psyface::faces

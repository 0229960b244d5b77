// Panel = role: panel roles from the layout and the patient rule, per-frame assignment with two faces in a
// panel, counts, and persons seen in both panels.
#include "faces/panel_roles.hpp"

#include <gtest/gtest.h>

namespace psyface::faces {
namespace {

// Two persons: 0 sits left (x = 0.25), 1 right (x = 0.75), split at the middle of a 1000 px frame.
RoleAssignment split_roles(Role left, Role right) {
  RoleAssignment r;
  r.layout = Layout::Split;
  r.line_x_norm = 0.5;
  r.roles = {{0, left}, {1, right}};
  return r;
}

std::vector<PersonPlacement> two_persons() {
  PersonPlacement a, b;
  a.person_id = 0, a.mean_center_x_norm = 0.25, a.frames = 100;
  b.person_id = 1, b.mean_center_x_norm = 0.75, b.frames = 100;
  return {a, b};
}

cv::Rect2f box_at(float cx, float size = 100) { return {cx - size / 2, 100, size, size}; }

TEST(PanelRoles, PanelsFollowThePatientRule) {
  const PanelSetup left = make_panel_setup(split_roles(Role::Patient, Role::Therapist), two_persons(), {PatientRule::Left}, 1000);
  ASSERT_TRUE(left.active);
  EXPECT_DOUBLE_EQ(left.line_x_px, 500);
  EXPECT_EQ(left.role[0], Role::Patient);
  EXPECT_EQ(left.role[1], Role::Therapist);
  EXPECT_EQ(left.person[0], 0);
  EXPECT_EQ(left.person[1], 1);
  // --patient person:1: person 1 sits right, so the right panel is the patient's.
  const PanelSetup by_person = make_panel_setup(split_roles(Role::Therapist, Role::Patient), two_persons(),
                                                {PatientRule::Person, 1}, 1000);
  ASSERT_TRUE(by_person.active);
  EXPECT_EQ(by_person.role[1], Role::Patient);
  EXPECT_EQ(by_person.role[0], Role::Therapist);
  // Largest without any patient found: inactive, roles follow identity.
  EXPECT_FALSE(make_panel_setup(split_roles(Role::Unknown, Role::Unknown), two_persons(), {PatientRule::Largest}, 1000).active);
  RoleAssignment single = split_roles(Role::Patient, Role::Other);
  single.layout = Layout::Single;
  EXPECT_FALSE(make_panel_setup(single, two_persons(), {PatientRule::Left}, 1000).active);
}

TEST(PanelRoles, RowsTakeTheirPanelsRoleAndASecondFaceBecomesOther) {
  const PanelSetup s = make_panel_setup(split_roles(Role::Patient, Role::Therapist), two_persons(), {PatientRule::Left}, 1000);
  PanelCounts counts;
  // Person 1 (therapist by identity) shows up in the left panel: the panel wins.
  std::vector<PanelRow> frame = {{1, Role::Therapist, box_at(250)}, {0, Role::Patient, box_at(750)}};
  assign_panel_roles(s, frame, counts);
  EXPECT_EQ(frame[0].role, Role::Patient);
  EXPECT_EQ(frame[1].role, Role::Therapist);
  EXPECT_EQ(counts.overrides, 2);
  // Two faces in the left panel: the panel's own person keeps the role even when smaller; then the larger.
  std::vector<PanelRow> two = {{2, Role::Other, box_at(200, 150)}, {0, Role::Patient, box_at(300, 80)}};
  assign_panel_roles(s, two, counts);
  EXPECT_EQ(two[0].role, Role::Other);
  EXPECT_EQ(two[1].role, Role::Patient);
  std::vector<PanelRow> strangers = {{3, Role::Other, box_at(200, 60)}, {4, Role::Unknown, box_at(300, 90)}};
  assign_panel_roles(s, strangers, counts);
  EXPECT_EQ(strangers[0].role, Role::Other);
  EXPECT_EQ(strangers[1].role, Role::Patient);
  EXPECT_EQ(counts.rows, 6);
  EXPECT_EQ(counts.overrides, 3);
  EXPECT_EQ(counts.demoted, 0);  // person 2 and 3 were Other already
  std::vector<PanelRow> demote = {{0, Role::Patient, box_at(200, 60)}, {1, Role::Therapist, box_at(300, 90)}};
  assign_panel_roles(s, demote, counts);
  EXPECT_EQ(demote[0].role, Role::Patient);
  EXPECT_EQ(demote[1].role, Role::Other);
  EXPECT_EQ(counts.demoted, 1);
}

TEST(PanelRoles, PipRowsInTheInsetTakeItsRole) {
  // 1280 x 720; the inset spans x 960-1260, y 520-700. Person 0 in the main view is the patient, person 1
  // in the inset the therapist.
  RoleAssignment r;
  r.layout = Layout::Pip;
  r.inset.found = r.inset.candidate = true;
  r.inset.corner = "bottom-right";
  r.inset.x0_norm = 0.75, r.inset.x1_norm = 960.0 / 1280 + 300.0 / 1280;
  r.inset.y0_norm = 520.0 / 720, r.inset.y1_norm = 700.0 / 720;
  r.roles = {{0, Role::Patient}, {1, Role::Therapist}};
  std::vector<PersonPlacement> p = two_persons();
  p[1].inset_share = 1;
  const PanelSetup s = make_panel_setup(r, p, {PatientRule::Left}, 1280, 720);
  ASSERT_TRUE(s.active);
  EXPECT_TRUE(s.pip);
  EXPECT_EQ(s.role[0], Role::Patient);
  EXPECT_EQ(s.role[1], Role::Therapist);
  EXPECT_NE(s.reason.find("therapist is in the inset"), std::string::npos) << s.reason;
  PanelCounts counts;
  // Identity swapped the two (similar faces): each row still takes its region's role. A face below the
  // inset's left edge but at its height is in the main view.
  std::vector<PanelRow> frame = {{1, Role::Therapist, {500, 200, 200, 200}}, {0, Role::Patient, {1060, 560, 80, 80}}};
  assign_panel_roles(s, frame, counts);
  EXPECT_EQ(frame[0].role, Role::Patient);
  EXPECT_EQ(frame[1].role, Role::Therapist);
  std::vector<PanelRow> beside = {{0, Role::Patient, {800, 560, 120, 120}}};
  assign_panel_roles(s, beside, counts);
  EXPECT_EQ(beside[0].role, Role::Patient);
  // --inset patient: the inset's person is the patient, the main view the therapist's.
  r.roles = {{0, Role::Therapist}, {1, Role::Patient}};
  const PanelSetup swapped = make_panel_setup(r, p, {PatientRule::Left}, 1280, 720);
  EXPECT_EQ(swapped.role[0], Role::Therapist);
  EXPECT_EQ(swapped.role[1], Role::Patient);
  // Speaker view: inactive, roles follow identity.
  r.speaker_view = true;
  EXPECT_FALSE(make_panel_setup(r, p, {PatientRule::Left}, 1280, 720).active);
}

TEST(PanelRoles, PersonsInBothPanelsAreReported) {
  const PanelSetup s = make_panel_setup(split_roles(Role::Patient, Role::Therapist), two_persons(), {PatientRule::Left}, 1000);
  PanelCounts counts;
  for (int k = 0; k < 40; ++k) {
    std::vector<PanelRow> f = {{0, Role::Patient, box_at(k < 20 ? 250.f : 750.f)}, {1, Role::Therapist, box_at(k < 39 ? 750.f : 250.f)}};
    assign_panel_roles(s, f, counts);
  }
  const auto both = persons_in_both_panels(counts);
  ASSERT_EQ(both.size(), 1u);  // person 1 was left in one row only
  EXPECT_EQ(both[0].person_id, 0);
  EXPECT_EQ(both[0].rows_left, 20);
  EXPECT_EQ(both[0].rows_right, 20);
}

}  // namespace
}  // namespace psyface::faces

// Roles: parsing of --patient / --layout, and the role table of docs/roles.md case by case.
#include "faces/roles.hpp"

#include <gtest/gtest.h>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

// A person in `frames` of the session's frames, face centred at x (0..1), face area share `area`.
PersonPlacement person(int id, int64_t frames, double x, double area = 0.02, double sd_x = 0) {
  PersonPlacement p;
  p.person_id = id;
  p.frames = frames;
  p.mean_center_x_norm = x;
  p.mean_area_norm = area;
  p.sd_center_x_norm = sd_x;
  return p;
}

RoleOptions with_patient(const std::string& rule) {
  RoleOptions o;
  o.patient = parse_patient_rule(rule);
  return o;
}

LayoutInfo divider_at(double x) { return {Layout::Auto, x, "test divider"}; }
LayoutInfo fixed(Layout layout) { return {layout, -1, ""}; }

// Roles as a compact string "id:role id:role ..." so a mismatch prints the whole table.
std::string table(const RoleAssignment& a) {
  std::string s;
  for (const auto& [id, role] : a.roles) {
    if (!s.empty()) s += ' ';
    s += std::to_string(id);
    s += ':';
    s += role_name(role);
  }
  return s;
}

void expect_reasons_for_all(const RoleAssignment& a) {
  EXPECT_EQ(a.roles.size(), a.reasons.size());
  for (const auto& [id, reason] : a.reasons) EXPECT_FALSE(reason.empty()) << "person " << id;
  EXPECT_FALSE(a.layout_reason.empty());
}

// ---------------------------------------------------------------------------------------------------
// Parsing

TEST(PatientRule, ParsesEveryForm) {
  EXPECT_EQ(parse_patient_rule("left").kind, PatientRule::Left);
  EXPECT_EQ(parse_patient_rule("right").kind, PatientRule::Right);
  EXPECT_EQ(parse_patient_rule("largest").kind, PatientRule::Largest);
  const PatientRule p = parse_patient_rule("person:12");
  EXPECT_EQ(p.kind, PatientRule::Person);
  EXPECT_EQ(p.person, 12);
  EXPECT_EQ(parse_patient_rule("person:0").person, 0);
  for (const char* text : {"left", "right", "largest", "person:7"})
    EXPECT_EQ(patient_rule_text(parse_patient_rule(text)), text);
}

TEST(PatientRule, RejectsBadTextWithUsageError) {
  for (const char* bad : {"", "Left", "middle", "person", "person:", "person:-1", "person:x", "person:1.5",
                          "person:3 ", " left", "person:99999999999"}) {
    try {
      parse_patient_rule(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Usage) << bad;
      const std::string msg = e.what();
      EXPECT_NE(msg.find("\"" + std::string(bad) + "\""), std::string::npos) << msg;
      EXPECT_NE(msg.find("person:N"), std::string::npos) << msg;
    }
  }
}

TEST(Layout, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_layout("auto"), Layout::Auto);
  EXPECT_EQ(parse_layout("split"), Layout::Split);
  EXPECT_EQ(parse_layout("single"), Layout::Single);
  EXPECT_EQ(parse_layout("two-cameras"), Layout::TwoCameras);
  EXPECT_THROW(parse_layout("wide"), Error);
  EXPECT_EQ(role_name(Role::Patient), "patient");
  EXPECT_EQ(role_name(Role::Therapist), "therapist");
  EXPECT_EQ(role_name(Role::Other), "other");
  EXPECT_EQ(role_name(Role::Unknown), "unknown");
}

// ---------------------------------------------------------------------------------------------------
// Split layouts

TEST(Roles, SplitScreenPatientLeftOrRightSwapsTheRoles) {
  const std::vector<PersonPlacement> ps = {person(0, 950, 0.25), person(1, 900, 0.75)};
  const auto left = assign_roles(ps, 1000, divider_at(0.5), with_patient("left"));
  EXPECT_EQ(left.layout, Layout::Split);
  EXPECT_DOUBLE_EQ(left.line_x_norm, 0.5);
  EXPECT_EQ(table(left), "0:patient 1:therapist");
  expect_reasons_for_all(left);
  EXPECT_NE(left.layout_reason.find("test divider"), std::string::npos) << left.layout_reason;
  const auto right = assign_roles(ps, 1000, divider_at(0.5), with_patient("right"));
  EXPECT_EQ(table(right), "0:therapist 1:patient");
}

TEST(Roles, SplitUsesTheDetectedDividerNotTheMiddle) {
  // Divider at 0.43 (a 4:3 picture beside a 16:9 one): a face at 0.46 is in the right half.
  const std::vector<PersonPlacement> ps = {person(0, 800, 0.20), person(1, 800, 0.46)};
  const auto a = assign_roles(ps, 1000, divider_at(0.43), with_patient("left"));
  EXPECT_EQ(table(a), "0:patient 1:therapist");
  EXPECT_DOUBLE_EQ(a.line_x_norm, 0.43);
}

TEST(Roles, SplitMainPersonPerHalfOthersAndMinorsAreOther) {
  // Left half: 0 (main), 2 (a visitor, 20 %); right half: 1 (main), 3 (3 %: below --min-presence).
  const std::vector<PersonPlacement> ps = {person(0, 900, 0.2), person(1, 850, 0.8), person(2, 200, 0.3),
                                         person(3, 30, 0.7)};
  const auto a = assign_roles(ps, 1000, divider_at(0.5), with_patient("right"));
  EXPECT_EQ(table(a), "0:therapist 1:patient 2:other 3:other");
  EXPECT_NE(a.reasons.at(3).find("min-presence"), std::string::npos) << a.reasons.at(3);
  expect_reasons_for_all(a);
}

TEST(Roles, MinPresenceIsAnOption) {
  const std::vector<PersonPlacement> ps = {person(0, 900, 0.2), person(1, 80, 0.8)};  // 1 is in 8 %
  EXPECT_EQ(table(assign_roles(ps, 1000, divider_at(0.5), with_patient("left"))), "0:patient 1:therapist");
  RoleOptions strict = with_patient("left");
  strict.min_presence = 0.10;
  EXPECT_EQ(table(assign_roles(ps, 1000, divider_at(0.5), strict)), "0:patient 1:other");
}

TEST(Roles, SplitWithAnEmptyPatientHalfStillNamesTheTherapist) {
  const std::vector<PersonPlacement> ps = {person(4, 700, 0.7)};
  const auto a = assign_roles(ps, 1000, divider_at(0.5), with_patient("left"));
  EXPECT_EQ(table(a), "4:therapist");
}

TEST(Roles, SplitLargestPicksTheLargerOfTheTwoMainFaces) {
  const std::vector<PersonPlacement> ps = {person(0, 900, 0.25, 0.010), person(1, 900, 0.75, 0.030)};
  EXPECT_EQ(table(assign_roles(ps, 1000, divider_at(0.5), with_patient("largest"))), "0:therapist 1:patient");
  // Only one half occupied: nothing to compare.
  const auto one = assign_roles({person(0, 900, 0.25)}, 1000, divider_at(0.5), with_patient("largest"));
  EXPECT_EQ(table(one), "0:unknown");
  // Equal faces: undecidable.
  const std::vector<PersonPlacement> same = {person(0, 900, 0.25, 0.02), person(1, 900, 0.75, 0.02)};
  EXPECT_EQ(table(assign_roles(same, 1000, divider_at(0.5), with_patient("largest"))), "0:unknown 1:unknown");
}

TEST(Roles, SplitPersonNIsPatientAndTheOtherSidesMainIsTherapist) {
  // Person 2 is not the main person of the left half, but the user names it.
  const std::vector<PersonPlacement> ps = {person(0, 900, 0.2), person(1, 850, 0.8), person(2, 300, 0.3),
                                         person(3, 200, 0.9)};
  const auto a = assign_roles(ps, 1000, divider_at(0.5), with_patient("person:2"));
  EXPECT_EQ(table(a), "0:other 1:therapist 2:patient 3:other");
  expect_reasons_for_all(a);
  // A named person below --min-presence is still the patient.
  const std::vector<PersonPlacement> minor = {person(0, 900, 0.2), person(1, 40, 0.8)};
  EXPECT_EQ(table(assign_roles(minor, 1000, divider_at(0.5), with_patient("person:1"))), "0:therapist 1:patient");
}

TEST(Roles, PersonNThatIsNotThereLeavesEveryoneUnknown) {
  const std::vector<PersonPlacement> ps = {person(0, 900, 0.2), person(1, 850, 0.8), person(2, 10, 0.5)};
  const auto a = assign_roles(ps, 1000, divider_at(0.5), with_patient("person:7"));
  EXPECT_EQ(table(a), "0:unknown 1:unknown 2:other");
  EXPECT_NE(a.reasons.at(0).find("no person 7"), std::string::npos) << a.reasons.at(0);
  const auto single = assign_roles(ps, 1000, fixed(Layout::Single), with_patient("person:7"));
  EXPECT_EQ(table(single), "0:unknown 1:unknown 2:other");
}

TEST(Roles, TieForTheMainPersonOfAHalfIsUnknown) {
  const std::vector<PersonPlacement> ps = {person(0, 500, 0.2), person(1, 500, 0.3), person(2, 900, 0.8)};
  const auto a = assign_roles(ps, 1000, divider_at(0.5), with_patient("left"));
  EXPECT_EQ(table(a), "0:unknown 1:unknown 2:therapist");
  EXPECT_NE(a.reasons.at(0).find("tie"), std::string::npos) << a.reasons.at(0);
}

// ---------------------------------------------------------------------------------------------------
// Auto: divider, two regions, or single

TEST(Roles, AutoWithoutDividerTwoPersonsInDifferentHalvesIsTwoRegions) {
  // A wide shot: patient on the left, therapist on the right, both most of the time.
  const std::vector<PersonPlacement> ps = {person(0, 700, 0.30, 0.01, 0.03), person(1, 650, 0.72, 0.01, 0.02)};
  const auto a = assign_roles(ps, 1000, {}, with_patient("left"));
  EXPECT_EQ(a.layout, Layout::Split);
  EXPECT_DOUBLE_EQ(a.line_x_norm, 0.5);
  EXPECT_EQ(table(a), "0:patient 1:therapist");
  EXPECT_NE(a.layout_reason.find("two regions"), std::string::npos) << a.layout_reason;
}

TEST(Roles, AutoFallsBackToSingle) {
  // Second person in only 20 % of frames (< 30 %): single layout, no therapist.
  const std::vector<PersonPlacement> few = {person(0, 900, 0.3), person(1, 200, 0.8)};
  const auto a = assign_roles(few, 1000, {}, with_patient("right"));
  EXPECT_EQ(a.layout, Layout::Single);
  EXPECT_EQ(table(a), "0:patient 1:other");
  // Both often present but on the same side.
  const std::vector<PersonPlacement> same_side = {person(0, 900, 0.2), person(1, 800, 0.35)};
  EXPECT_EQ(assign_roles(same_side, 1000, {}).layout, Layout::Single);
  // A person who wanders across the middle (mean 0.62, SD 0.08: 2 SD reaches 0.46) does not sit stably.
  const std::vector<PersonPlacement> wander = {person(0, 900, 0.2, 0.02, 0.02), person(1, 800, 0.62, 0.02, 0.08)};
  EXPECT_EQ(assign_roles(wander, 1000, {}).layout, Layout::Single);
}

TEST(Roles, ForcedSplitWithoutDividerMarksPersonsOnTheLineUnknown) {
  const std::vector<PersonPlacement> ps = {person(0, 900, 0.2), person(1, 800, 0.52), person(2, 700, 0.8)};
  const auto a = assign_roles(ps, 1000, fixed(Layout::Split), with_patient("left"));
  EXPECT_EQ(a.layout, Layout::Split);
  EXPECT_EQ(table(a), "0:patient 1:unknown 2:therapist");
  EXPECT_NE(a.reasons.at(1).find("side unclear"), std::string::npos) << a.reasons.at(1);
}

TEST(Roles, ForcedSingleIgnoresTheDivider) {
  const std::vector<PersonPlacement> ps = {person(0, 600, 0.25), person(1, 900, 0.75)};
  const auto a = assign_roles(ps, 1000, {Layout::Single, 0.5, ""}, with_patient("left"));
  EXPECT_EQ(a.layout, Layout::Single);
  EXPECT_EQ(table(a), "0:other 1:patient");
}

// ---------------------------------------------------------------------------------------------------
// Single layout

TEST(Roles, SingleMainPersonIsPatientNoTherapist) {
  const std::vector<PersonPlacement> ps = {person(3, 400, 0.5, 0.05), person(5, 950, 0.5, 0.02), person(6, 20, 0.1)};
  const auto a = assign_roles(ps, 1000, fixed(Layout::Single));
  EXPECT_EQ(table(a), "3:other 5:patient 6:other");
  expect_reasons_for_all(a);
}

TEST(Roles, SingleLargestPicksTheLargestFace) {
  const std::vector<PersonPlacement> ps = {person(3, 400, 0.5, 0.05), person(5, 950, 0.5, 0.02), person(6, 20, 0.1, 0.2)};
  // Person 6 has the largest face but is below --min-presence: not a candidate.
  EXPECT_EQ(table(assign_roles(ps, 1000, fixed(Layout::Single), with_patient("largest"))), "3:patient 5:other 6:other");
}

TEST(Roles, SinglePersonN) {
  const std::vector<PersonPlacement> ps = {person(3, 400, 0.5), person(5, 950, 0.5)};
  EXPECT_EQ(table(assign_roles(ps, 1000, fixed(Layout::Single), with_patient("person:3"))), "3:patient 5:other");
}

TEST(Roles, NothingToDecide) {
  const auto none = assign_roles({}, 1000, {});
  EXPECT_TRUE(none.roles.empty());
  EXPECT_EQ(none.layout, Layout::Single);
  // Only brief faces: all other, nobody is called patient.
  const auto brief = assign_roles({person(0, 10, 0.3), person(1, 20, 0.7)}, 1000, {});
  EXPECT_EQ(table(brief), "0:other 1:other");
  // A tie for the main person: unknown.
  const auto tie = assign_roles({person(0, 500, 0.4), person(1, 500, 0.45)}, 1000, fixed(Layout::Single));
  EXPECT_EQ(table(tie), "0:unknown 1:unknown");
}

TEST(Roles, SessionFramesSmallerThanAPersonsFramesIsTolerated) {
  const auto a = assign_roles({person(0, 500, 0.4)}, 0, fixed(Layout::Single));
  EXPECT_EQ(table(a), "0:patient");
  EXPECT_NE(a.reasons.at(0).find("500 of 500"), std::string::npos) << a.reasons.at(0);
}

// ---------------------------------------------------------------------------------------------------
// Two cameras

TEST(Roles, TwoCamerasAIsPatientSideBIsTherapistSide) {
  const std::vector<PersonPlacement> a = {person(0, 990, 0.5), person(1, 100, 0.9)};
  const std::vector<PersonPlacement> b = {person(0, 980, 0.4), person(1, 300, 0.1)};
  const auto ra = assign_camera_roles(a, 1000, Camera::A, with_patient("right"));
  const auto rb = assign_camera_roles(b, 1000, Camera::B, with_patient("right"));
  EXPECT_EQ(ra.layout, Layout::TwoCameras);
  EXPECT_EQ(table(ra), "0:patient 1:other");
  EXPECT_EQ(table(rb), "0:therapist 1:other");
  // person:N applies to camera A only.
  EXPECT_EQ(table(assign_camera_roles(a, 1000, Camera::A, with_patient("person:1"))), "0:other 1:patient");
  EXPECT_EQ(table(assign_camera_roles(b, 1000, Camera::B, with_patient("person:1"))), "0:therapist 1:other");
  EXPECT_THROW(assign_roles(a, 1000, fixed(Layout::TwoCameras)), Error);
}

TEST(Roles, BadOptionsAndDuplicateIdsThrow) {
  RoleOptions bad;
  bad.min_presence = 1.5;
  EXPECT_THROW(assign_roles({person(0, 1, 0.5)}, 10, {}, bad), Error);
  EXPECT_THROW(assign_roles({person(0, 1, 0.5), person(0, 2, 0.6)}, 10, {}), Error);
}

// ---------------------------------------------------------------------------------------------------
// Picture in picture

PersonPlacement in_inset(PersonPlacement p, double share) {
  p.inset_share = share;
  return p;
}

LayoutInfo inset_found(bool found = true) {
  LayoutInfo l;
  l.inset.found = found;
  l.inset.candidate = true;
  l.inset.corner = "bottom-right";
  l.inset.x0_norm = 0.75, l.inset.y0_norm = 0.72, l.inset.x1_norm = 0.98, l.inset.y1_norm = 0.98;
  l.inset.evidence = "test inset";
  return l;
}

TEST(Layout, PipAndInsetRolesParse) {
  EXPECT_EQ(parse_layout("pip"), Layout::Pip);
  EXPECT_EQ(layout_name(Layout::Pip), "pip");
  EXPECT_EQ(parse_inset_role("therapist"), Role::Therapist);
  EXPECT_EQ(parse_inset_role("patient"), Role::Patient);
  EXPECT_THROW(parse_inset_role("other"), Error);
}

TEST(Roles, PipGivesTheInsetTheTherapistAndTheMainViewThePatient) {
  // Both persons present all the time: as a single layout they tie and both are unknown.
  const std::vector<PersonPlacement> tie = {person(0, 1000, 0.47, 0.06), in_inset(person(1, 1000, 0.86, 0.004), 1)};
  EXPECT_EQ(table(assign_roles(tie, 1000, {})), "0:unknown 1:unknown");
  const auto a = assign_roles(tie, 1000, inset_found());
  EXPECT_EQ(a.layout, Layout::Pip);
  EXPECT_EQ(table(a), "0:patient 1:therapist");
  EXPECT_NE(a.layout_reason.find("test inset"), std::string::npos) << a.layout_reason;
  EXPECT_NE(a.reasons.at(1).find("the inset (bottom-right)"), std::string::npos) << a.reasons.at(1);
  expect_reasons_for_all(a);
  // --inset patient swaps them.
  RoleOptions o;
  o.inset = Role::Patient;
  EXPECT_EQ(table(assign_roles(tie, 1000, inset_found(), o)), "0:therapist 1:patient");
}

TEST(Roles, PipKeepsThePatientInTheMainViewWhenTheMainFaceIsOftenCovered) {
  // The main face is measured in 400 frames, the inset face in 990: in a single layout the inset's person
  // would be the patient.
  const std::vector<PersonPlacement> p = {person(0, 400, 0.47, 0.06), in_inset(person(1, 990, 0.86, 0.004), 0.98),
                                          person(2, 20, 0.2)};
  EXPECT_EQ(table(assign_roles(p, 1000, {})), "0:other 1:patient 2:other");
  EXPECT_EQ(table(assign_roles(p, 1000, inset_found())), "0:patient 1:therapist 2:other");
  // --patient largest or left changes nothing in a pip layout: the inset decides.
  EXPECT_EQ(table(assign_roles(p, 1000, inset_found(), with_patient("largest"))), "0:patient 1:therapist 2:other");
  // person:N names the patient wherever it is; the other region's main person is the therapist.
  EXPECT_EQ(table(assign_roles(p, 1000, inset_found(), with_patient("person:1"))), "0:therapist 1:patient 2:other");
  EXPECT_EQ(table(assign_roles(p, 1000, inset_found(), with_patient("person:7"))), "0:unknown 1:unknown 2:other");
}

TEST(Roles, PipOnlyWhenFoundOrForced) {
  const std::vector<PersonPlacement> p = {person(0, 1000, 0.47, 0.06), in_inset(person(1, 900, 0.86, 0.004), 1)};
  // auto with a candidate that failed a test: not pip.
  EXPECT_EQ(assign_roles(p, 1000, inset_found(false)).layout, Layout::Single);
  // --layout pip uses the best candidate; without any, nobody can be placed.
  LayoutInfo forced = inset_found(false);
  forced.layout = Layout::Pip;
  EXPECT_EQ(table(assign_roles(p, 1000, forced)), "0:patient 1:therapist");
  const auto none = assign_roles(p, 1000, fixed(Layout::Pip));
  EXPECT_EQ(none.layout, Layout::Pip);
  EXPECT_EQ(table(none), "0:unknown 1:unknown");
  // A divider does not outrank a found inset; --layout split and single still do.
  LayoutInfo both = inset_found();
  both.divider_x_norm = 0.5;
  EXPECT_EQ(assign_roles(p, 1000, both).layout, Layout::Pip);
  both.layout = Layout::Single;
  EXPECT_EQ(assign_roles(p, 1000, both).layout, Layout::Single);
}

TEST(Roles, SpeakerViewRolesFollowIdentity) {
  // The large tile follows the speaker: both persons are in the inset about half the time.
  const std::vector<PersonPlacement> p = {in_inset(person(0, 1000, 0.6, 0.03), 0.45), in_inset(person(1, 1000, 0.6, 0.03), 0.55)};
  const auto a = assign_roles(p, 1000, inset_found());
  EXPECT_TRUE(a.speaker_view);
  EXPECT_EQ(table(a), "0:unknown 1:unknown");
  EXPECT_NE(a.reasons.at(0).find("--patient person:N"), std::string::npos) << a.reasons.at(0);
  const auto named = assign_roles(p, 1000, inset_found(), with_patient("person:1"));
  EXPECT_EQ(table(named), "0:therapist 1:patient");
}

}  // namespace
}  // namespace psyface::faces

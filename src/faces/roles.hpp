// Roles: which person is the patient and which the therapist, decided from per-person summaries (after
// identity clustering) and the session's layout (split screen, one wide shot, or two cameras). Every
// decision comes with a one-line reason for the provenance. The rules are in docs/roles.md.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace psyface::faces {

enum class Role { Patient, Therapist, Other, Unknown };

// "patient", "therapist", "other", "unknown".
std::string_view role_name(Role role);

// Auto: decide from the divider, the inset and the persons (docs/roles.md). Split: the frame is two
// regions, left and right (a split screen, or one wide shot with one person on each side). Single: one
// region. TwoCameras: patient and therapist come from two videos (assign_camera_roles). Pip: picture in
// picture, one person large and the other in a small inset in a corner (a video-call recording).
enum class Layout { Auto, Split, Single, TwoCameras, Pip };

// "auto", "split", "single", "two-cameras", "pip".
std::string_view layout_name(Layout layout);

// requires: nothing. ensures: the layout named by text (a layout_name).
// throws: Error(Usage) naming the text and the valid names.
Layout parse_layout(std::string_view text);

// --inset: the role of the inset's person in a pip layout. requires: nothing. ensures: Therapist for
// "therapist", Patient for "patient". throws: Error(Usage) naming the text and the valid names.
Role parse_inset_role(std::string_view text);

// --patient: how to find the patient. Left/Right: the main person of that half (split layouts).
// Largest: the person with the largest mean face. Person: the person with id `person`.
struct PatientRule {
  enum Kind { Left, Right, Largest, Person } kind = Left;
  int person = -1;  // Person only: the person id (>= 0)
};

// requires: nothing. ensures: the rule for "left" | "right" | "largest" | "person:N" (N an integer >= 0).
// throws: Error(Usage) naming the text and the valid forms.
PatientRule parse_patient_rule(std::string_view text);

// The text parse_patient_rule reads back: "left", "right", "largest", "person:3".
std::string patient_rule_text(const PatientRule& rule);

// One person of a session (from identity clustering). Positions are of the face box.
struct PersonPlacement {
  int person_id = -1;
  int64_t frames = 0;               // analysed frames in which this person's face was measured
  double mean_center_x_norm = 0.5;  // mean box centre x / frame width, 0..1
  double mean_area_norm = 0;        // mean box area / frame area
  double first_t_sec = 0, last_t_sec = 0;
  double sd_center_x_norm = 0;      // standard deviation of box centre x / frame width; 0 when not known
  double inset_share = 0;           // share of the frames with the face centre in the inset region (pip)
};

// A picture-in-picture inset found from the face boxes (faces/inset_detection.hpp). The region spans the
// inset faces' boxes, as fractions of the frame width and height.
struct InsetRegion {
  bool found = false;       // the evidence passed every test (auto uses the inset only then)
  bool candidate = false;   // some corner held small faces: the region is the best corner's (for --layout pip)
  std::string corner;       // "top-left", "top-right", "bottom-left", "bottom-right"
  double x0_norm = 0, y0_norm = 0, x1_norm = 0, y1_norm = 0;
  std::string evidence;     // one line, e.g. "inset bottom-right: a face in 98.0% of 40 sampled frames, ..."
  bool contains(double x_norm, double y_norm) const {
    return x_norm >= x0_norm && x_norm <= x1_norm && y_norm >= y0_norm && y_norm <= y1_norm;
  }
};

// What is known about the layout. `layout` is the --layout option (Auto unless the user fixed it), or
// Split from LayoutDetector; divider_x_norm is the detected split-screen divider, -1 when none.
struct LayoutInfo {
  Layout layout = Layout::Auto;
  double divider_x_norm = -1;
  std::string evidence;  // how the divider was found, e.g. "divider at x = 0.499 in 9 of 10 sampled frames"
  InsetRegion inset;     // the picture-in-picture evidence
};

struct RoleOptions {
  PatientRule patient;               // --patient (default left)
  double min_presence = 0.05;        // --min-presence: persons in fewer analysed frames (share) are "other"
  double two_region_presence = 0.30; // Auto: share of frames each of two persons needs for a two-region layout
  double side_margin_norm = 0.05;    // no divider: a person's mean centre must be this far from the middle
  Role inset = Role::Therapist;      // --inset: the role of the inset's person in a pip layout
  double inset_person_share = 0.5;   // pip: a person with this share of frames in the inset is the inset's
};

struct RoleAssignment {
  Layout layout = Layout::Auto;     // as decided: Split, Single, TwoCameras or Pip
  double line_x_norm = -1;          // Split: the line between the halves (the divider, else 0.5)
  InsetRegion inset;                // Pip: the inset region
  bool speaker_view = false;        // Pip: persons switch between the main view and the inset
  std::string layout_reason;        // why this layout, one line
  std::map<int, Role> roles;        // person id -> role, every person given
  std::map<int, std::string> reasons;  // person id -> why, one line
};

// Roles of the persons of one video in which patient and therapist may both appear.
// requires: session_frames = analysed frames of the session (>= every person's frames; when smaller, the
//           largest person frame count is used instead); person ids unique; layout.layout != TwoCameras.
// ensures: every person has a role and a reason; at most one Patient and one Therapist; Single gives no
//          Therapist; persons below min_presence are Other unless named by person:N. Pip (forced, or auto
//          with layout.inset.found): the inset's main person takes options.inset, the main view's the other
//          role; when persons switch between the two (speaker view) roles follow identity (person:N).
// throws: Error(Usage) for layout TwoCameras (use assign_camera_roles) or options out of range.
RoleAssignment assign_roles(const std::vector<PersonPlacement>& persons, int64_t session_frames,
                            const LayoutInfo& layout, const RoleOptions& options = {});

// Two cameras: video A films the patient side, video B the therapist side.
enum class Camera { A, B };

// Roles of the persons of one camera's video. A: the patient is found by options.patient (Left and Right
// mean "the main person"; person:N and largest as in a single layout); B: the main person is the therapist.
// Everyone else is Other. requires/throws: as assign_roles.
RoleAssignment assign_camera_roles(const std::vector<PersonPlacement>& persons, int64_t session_frames, Camera camera,
                                   const RoleOptions& options = {});

}  // namespace psyface::faces

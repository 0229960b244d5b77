// The names of roles and layouts, and the parsers of --layout, --patient and --inset (faces/roles.hpp).
#include <charconv>

#include "faces/roles.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::Patient: return "patient";
    case Role::Therapist: return "therapist";
    case Role::Other: return "other";
    case Role::Unknown: return "unknown";
  }
  return "unknown";
}

std::string_view layout_name(Layout layout) {
  switch (layout) {
    case Layout::Auto: return "auto";
    case Layout::Split: return "split";
    case Layout::Single: return "single";
    case Layout::TwoCameras: return "two-cameras";
    case Layout::Pip: return "pip";
  }
  return "auto";
}

Layout parse_layout(std::string_view text) {
  for (Layout l : {Layout::Auto, Layout::Split, Layout::Single, Layout::TwoCameras, Layout::Pip})
    if (text == layout_name(l)) return l;
  throw Error(ErrorCode::Usage,
              "layout \"" + std::string(text) + "\": expected auto, split, single, two-cameras or pip");
}

Role parse_inset_role(std::string_view text) {
  if (text == "therapist") return Role::Therapist;
  if (text == "patient") return Role::Patient;
  throw Error(ErrorCode::Usage, "inset role \"" + std::string(text) + "\": expected therapist or patient");
}

PatientRule parse_patient_rule(std::string_view text) {
  if (text == "left") return {PatientRule::Left};
  if (text == "right") return {PatientRule::Right};
  if (text == "largest") return {PatientRule::Largest};
  constexpr std::string_view prefix = "person:";
  if (text.substr(0, prefix.size()) == prefix) {
    const std::string_view digits = text.substr(prefix.size());
    int id = -1;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (!digits.empty() && r.ec == std::errc() && r.ptr == digits.data() + digits.size() && id >= 0)
      return {PatientRule::Person, id};
  }
  throw Error(ErrorCode::Usage, "patient rule \"" + std::string(text) +
                                    "\": expected left, right, largest or person:N (N = a person id, 0 or more)");
}

std::string patient_rule_text(const PatientRule& rule) {
  switch (rule.kind) {
    case PatientRule::Left: return "left";
    case PatientRule::Right: return "right";
    case PatientRule::Largest: return "largest";
    case PatientRule::Person: return "person:" + std::to_string(rule.person);
  }
  return "left";
}

}  // namespace psyface::faces

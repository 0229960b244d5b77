#include "faces/roles.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include "psyface/error.hpp"
#include "util/number_text.hpp"

namespace psyface::faces {
namespace {

enum class Side { Left, Right, Unclear };

std::string fixed(double v, int decimals) { return util::fixed_text(v, decimals); }

std::string percent(double share) { return fixed(100 * share, 1) + "%"; }

struct Person {
  const PersonPlacement* summary;
  double presence;  // share of the session's analysed frames
  bool eligible;    // presence >= min_presence
  Side side = Side::Unclear;
  int id() const { return summary->person_id; }
};

// The persons being decided and the result being filled.
struct Context {
  std::vector<Person> people;
  int64_t frames;
  const RoleOptions& options;
  RoleAssignment& out;

  void set(const Person& p, Role role, std::string reason) {
    out.roles[p.id()] = role;
    out.reasons[p.id()] = std::move(reason);
  }
  std::string frames_text(const Person& p) const {
    return "in " + std::to_string(p.summary->frames) + " of " + std::to_string(frames) + " analysed frames (" +
           percent(p.presence) + ")";
  }
  const Person* find(int id) const {
    for (const auto& p : people)
      if (p.id() == id) return &p;
    return nullptr;
  }
  std::vector<const Person*> eligible() const {
    std::vector<const Person*> e;
    for (const auto& p : people)
      if (p.eligible) e.push_back(&p);
    return e;
  }
};

Context make_context(const std::vector<PersonPlacement>& persons, int64_t session_frames, const RoleOptions& options,
                     RoleAssignment& out) {
  if (!(options.min_presence >= 0 && options.min_presence < 1) ||
      !(options.two_region_presence >= 0 && options.two_region_presence <= 1) ||
      !(options.side_margin_norm >= 0 && options.side_margin_norm < 0.5))
    throw Error(ErrorCode::Usage,
                "role options out of range: min presence must be in [0, 1), two-region presence in [0, 1], side "
                "margin in [0, 0.5)");
  std::set<int> ids;
  int64_t frames = std::max<int64_t>(session_frames, 1);
  for (const auto& p : persons) {
    if (!ids.insert(p.person_id).second)
      throw Error(ErrorCode::Internal, "person " + std::to_string(p.person_id) + " summarised twice");
    frames = std::max(frames, p.frames);
  }
  Context c{{}, frames, options, out};
  for (const auto& p : persons) {
    const double presence = static_cast<double>(std::max<int64_t>(p.frames, 0)) / frames;
    c.people.push_back({&p, presence, presence >= options.min_presence});
  }
  for (const auto& p : c.people)  // default; the layout rules overwrite
    c.set(p, Role::Other,
          p.eligible ? "not the main person" : "present " + c.frames_text(p) + ", below --min-presence " +
                                                   percent(options.min_presence));
  return c;
}

std::string ids_text(const std::vector<const Person*>& group) {
  std::string s;
  for (size_t k = 0; k < group.size(); ++k)
    s += (k == 0 ? "" : k + 1 == group.size() ? " and " : ", ") + std::to_string(group[k]->id());
  return s;
}

// The person with the most frames (or the largest mean face) in `group`; nullptr when the group is empty or
// the best is tied, in which case the tied persons become Unknown.
const Person* pick_main(Context& c, const std::vector<const Person*>& group, bool by_area, const std::string& where) {
  if (group.empty()) return nullptr;
  auto key = [by_area](const Person* p) { return by_area ? p->summary->mean_area_norm : double(p->summary->frames); };
  const double best = key(*std::max_element(group.begin(), group.end(),
                                            [&](const Person* a, const Person* b) { return key(a) < key(b); }));
  std::vector<const Person*> tied;
  for (const Person* p : group)
    if (key(p) == best) tied.push_back(p);
  if (tied.size() == 1) return tied[0];
  for (const Person* p : tied)
    c.set(*p, Role::Unknown,
          "tie " + where + ": persons " + ids_text(tied) +
              (by_area ? " have the same mean face area" : " are in the same number of frames"));
  return nullptr;
}

std::string main_reason(const Context& c, const Person& p, bool by_area, const std::string& where) {
  if (by_area)
    return "largest mean face " + where + " (" + fixed(100 * p.summary->mean_area_norm, 2) +
           "% of the frame area; --patient largest), " + c.frames_text(p);
  return "main person " + where + ", " + c.frames_text(p);
}

// --patient person:N names a person that is not there: nobody can be called patient.
bool person_missing(Context& c) {
  const PatientRule& rule = c.options.patient;
  if (rule.kind != PatientRule::Person || c.find(rule.person)) return false;
  std::string present;
  for (const auto& p : c.people) present += (present.empty() ? "" : ", ") + std::to_string(p.id());
  const std::string why = "--patient person:" + std::to_string(rule.person) + " but there is no person " +
                          std::to_string(rule.person) + " (persons: " + (present.empty() ? "none" : present) + ")";
  for (const Person* p : c.eligible()) c.set(*p, Role::Unknown, why);
  return true;
}

// One region (single layout or one camera): one main person gets `role`, every other eligible person Other.
void assign_one_region(Context& c, Role role, bool use_patient_rule) {
  const PatientRule& rule = c.options.patient;
  const std::string role_text(role_name(role));
  if (use_patient_rule && rule.kind == PatientRule::Person) {
    if (person_missing(c)) return;
    const Person* chosen = c.find(rule.person);
    c.set(*chosen, role, "chosen by --patient person:" + std::to_string(rule.person) + ", " + c.frames_text(*chosen));
    for (const Person* p : c.eligible())
      if (p != chosen) c.set(*p, Role::Other, "not person " + std::to_string(rule.person) + " (--patient)");
    return;
  }
  const bool by_area = use_patient_rule && rule.kind == PatientRule::Largest;
  const auto group = c.eligible();
  const Person* main = pick_main(c, group, by_area, "for " + role_text);
  if (!main) return;
  c.set(*main, role, main_reason(c, *main, by_area, "of the frame"));
  for (const Person* p : group)
    if (p != main)
      c.set(*p, Role::Other,
            (by_area ? "smaller mean face than person " : "fewer frames than person ") + std::to_string(main->id()) +
                " (the " + role_text + "), " + c.frames_text(*p));
}

Side side_of(const Person& p, double line, double margin) {
  const double x = p.summary->mean_center_x_norm;
  const double need = margin > 0 ? std::max(margin, 2 * p.summary->sd_center_x_norm) : 0.0;
  if (x < line - need) return Side::Left;
  if (x > line + need) return Side::Right;
  return Side::Unclear;
}

using Halves = std::array<std::vector<const Person*>, 2>;  // eligible persons left [0] and right [1]

const char* half_name(int half) { return half == 0 ? "left" : "right"; }

// Puts every person on a side of the line; eligible persons too close to it become Unknown.
Halves sort_into_halves(Context& c, double line, double margin) {
  Halves half;
  for (auto& p : c.people) {
    p.side = side_of(p, line, margin);
    if (!p.eligible) continue;
    if (p.side == Side::Unclear)
      c.set(p, Role::Unknown,
            "side unclear: mean face centre x = " + fixed(p.summary->mean_center_x_norm, 3) +
                " is too close to the line x = " + fixed(line, 3) + " (margin " + fixed(margin, 2) +
                ", or 2 SD of the centre when larger)");
    else
      half[p.side == Side::Left ? 0 : 1].push_back(&p);
  }
  return half;
}

void others_in_half(Context& c, const std::vector<const Person*>& group, const Person* main, int half) {
  for (const Person* p : group)
    if (p != main)
      c.set(*p, Role::Other, std::string("in the ") + half_name(half) + " half with person " +
                                 std::to_string(main->id()) + ", who is in more frames");
}

// person:N in a split layout: N is the patient, the main person of the other half the therapist.
void split_by_person(Context& c, const Halves& half) {
  const int id = c.options.patient.person;
  const Person* patient = c.find(id);
  c.set(*patient, Role::Patient, "chosen by --patient person:" + std::to_string(id) + ", " + c.frames_text(*patient));
  if (patient->side == Side::Unclear) {
    for (const Person* p : c.eligible())
      if (p != patient) c.set(*p, Role::Unknown, "the patient's side is unclear, so the therapist's side is too");
    return;
  }
  const int own = patient->side == Side::Left ? 0 : 1, other = 1 - own;
  for (const Person* p : half[own])
    if (p != patient) c.set(*p, Role::Other, std::string("in the patient's half (") + half_name(own) + ")");
  const std::string where = std::string("the ") + half_name(other) + " half";
  const Person* t = pick_main(c, half[other], false, "in " + where);
  if (!t) return;
  c.set(*t, Role::Therapist, main_reason(c, *t, false, "of " + where + " (the patient is in the other half)"));
  others_in_half(c, half[other], t, other);
}

// --patient largest in a split layout: the larger of the two halves' main persons is the patient.
void split_by_size(Context& c, const std::array<const Person*, 2>& main) {
  if (!main[0] || !main[1]) {
    for (int h = 0; h < 2; ++h)
      if (main[h])
        c.set(*main[h], Role::Unknown, std::string("--patient largest compares the two halves' main persons, but "
                                                   "only the ") + half_name(h) + " half has one");
    return;
  }
  const double a0 = main[0]->summary->mean_area_norm, a1 = main[1]->summary->mean_area_norm;
  if (a0 == a1) {
    for (const Person* m : main) c.set(*m, Role::Unknown, "--patient largest: both halves' faces are the same size");
    return;
  }
  const int p = a0 > a1 ? 0 : 1;
  c.set(*main[p], Role::Patient, main_reason(c, *main[p], true, "of the two halves' main persons"));
  c.set(*main[1 - p], Role::Therapist,
        main_reason(c, *main[1 - p], false, std::string("of the ") + half_name(1 - p) + " half (smaller face)"));
}

// Split: the main person of each half. `margin` > 0 without a divider (a person must sit clearly on one side).
void assign_split(Context& c, double line, double margin) {
  const Halves half = sort_into_halves(c, line, margin);
  const PatientRule& rule = c.options.patient;
  if (rule.kind == PatientRule::Person) {
    if (!person_missing(c)) split_by_person(c, half);
    return;
  }
  const std::array<const Person*, 2> main = {pick_main(c, half[0], false, "in the left half"),
                                             pick_main(c, half[1], false, "in the right half")};
  for (int h = 0; h < 2; ++h)
    if (main[h]) others_in_half(c, half[h], main[h], h);
  if (rule.kind == PatientRule::Largest) {
    split_by_size(c, main);
    return;
  }
  const int patient_half = rule.kind == PatientRule::Left ? 0 : 1;
  for (int h = 0; h < 2; ++h)
    if (main[h])
      c.set(*main[h], h == patient_half ? Role::Patient : Role::Therapist,
            main_reason(c, *main[h], false, std::string("of the ") + half_name(h) + " half (--patient " +
                                                patient_rule_text(rule) + ")"));
}

// Auto without a divider: Split when persons with >= two_region_presence sit clearly in both halves.
bool two_regions(Context& c, std::string& reason) {
  std::vector<const Person*> side[2];
  for (auto& p : c.people) {
    if (p.presence < c.options.two_region_presence || !p.eligible) continue;
    const Side s = side_of(p, 0.5, c.options.side_margin_norm);
    if (s != Side::Unclear) side[s == Side::Left ? 0 : 1].push_back(&p);
  }
  const std::string share = percent(c.options.two_region_presence);
  if (side[0].empty() || side[1].empty()) {
    reason = "single: no divider detected and no two persons, each in >= " + share +
             " of analysed frames, sitting clearly in different halves";
    return false;
  }
  reason = "split (two regions): no divider detected, but person " + ids_text(side[0]) + " (left) and person " +
           ids_text(side[1]) + " (right) are each in >= " + share + " of analysed frames";
  return true;
}

// Pip, speaker view: the large tile follows whoever speaks, so position says nothing about the role.
void assign_speaker_view(Context& c, const std::vector<const Person*>& switchers) {
  const std::string why = "speaker view: person " + ids_text(switchers) +
                          " appears both in the main view and in the inset, so roles follow identity";
  if (c.options.patient.kind != PatientRule::Person) {
    for (const Person* p : c.eligible())
      c.set(*p, Role::Unknown, why + "; name the patient with --patient person:N");
    return;
  }
  if (person_missing(c)) return;
  const int id = c.options.patient.person;
  const Person* patient = c.find(id);
  c.set(*patient, Role::Patient, why + "; chosen by --patient person:" + std::to_string(id));
  std::vector<const Person*> rest;
  for (const Person* p : c.eligible())
    if (p != patient) rest.push_back(p);
  const Person* t = pick_main(c, rest, false, "for therapist");
  if (!t) return;
  c.set(*t, Role::Therapist, why + "; the main person besides the patient, " + c.frames_text(*t));
  for (const Person* p : rest)
    if (p != t) c.set(*p, Role::Other, "fewer frames than person " + std::to_string(t->id()) + " (the therapist)");
}

// Pip: the inset's main person takes --inset, the main view's main person the other role (docs/roles.md).
void assign_pip(Context& c, const InsetRegion& inset) {
  const Role inset_role = c.options.inset;
  const Role main_role = inset_role == Role::Patient ? Role::Therapist : Role::Patient;
  constexpr double kSwitch = 0.10;  // a person with at least this share of frames in each region switches
  std::array<std::vector<const Person*>, 2> group;  // [0] main view, [1] inset
  std::vector<const Person*> switchers;
  for (const Person* p : c.eligible()) {
    const double s = p->summary->inset_share;
    group[s >= c.options.inset_person_share ? 1 : 0].push_back(p);
    if (s >= kSwitch && s <= 1 - kSwitch) switchers.push_back(p);
  }
  if (!switchers.empty()) {
    c.out.speaker_view = true;
    assign_speaker_view(c, switchers);
    return;
  }
  const std::array<std::string, 2> where = {"the main view", "the inset (" + inset.corner + ")"};
  std::array<Role, 2> role = {main_role, inset_role};
  std::array<std::string, 2> because = {"", " (--inset " + std::string(role_name(inset_role)) + ")"};
  std::array<const Person*, 2> main = {nullptr, nullptr};
  if (c.options.patient.kind == PatientRule::Person) {  // person:N names the patient: its region is the patient's
    if (person_missing(c)) return;
    const Person* patient = c.find(c.options.patient.person);
    const int own = patient->summary->inset_share >= c.options.inset_person_share ? 1 : 0;
    role[own] = Role::Patient;
    role[1 - own] = Role::Therapist;
    because = {" (--patient person:N names the other region's person)", " (--patient person:N names the other "
                                                                        "region's person)"};
    because[own] = " (--patient person:" + std::to_string(patient->id()) + ")";
    main[own] = patient;
  }
  for (int r = 0; r < 2; ++r) {
    if (!main[r]) main[r] = pick_main(c, group[r], false, "in " + where[r]);
    if (!main[r]) continue;
    c.set(*main[r], role[r],
          "main person of " + where[r] + because[r] + ", " + percent(main[r]->summary->inset_share) +
              " of their frames in the inset, " + c.frames_text(*main[r]));
    for (const Person* p : group[r])
      if (p != main[r])
        c.set(*p, Role::Other, "in " + where[r] + " with person " + std::to_string(main[r]->id()) + ", the " +
                                   std::string(role_name(role[r])));
  }
}

}  // namespace

RoleAssignment assign_roles(const std::vector<PersonPlacement>& persons, int64_t session_frames,
                            const LayoutInfo& layout, const RoleOptions& options) {
  if (layout.layout == Layout::TwoCameras)
    throw Error(ErrorCode::Usage, "two-camera sessions: roles are assigned per camera (assign_camera_roles)");
  if (options.inset != Role::Patient && options.inset != Role::Therapist)
    throw Error(ErrorCode::Usage, "the inset's role must be patient or therapist");
  RoleAssignment out;
  Context c = make_context(persons, session_frames, options, out);
  if (layout.layout == Layout::Pip || (layout.layout == Layout::Auto && layout.inset.found)) {
    out.layout = Layout::Pip;
    out.inset = layout.inset;
    const std::string how = layout.layout == Layout::Pip ? "pip (--layout pip): " : "pip: ";
    out.layout_reason = how + (layout.inset.evidence.empty() ? "no inset evidence" : layout.inset.evidence);
    if (layout.inset.found || layout.inset.candidate)
      assign_pip(c, layout.inset);
    else
      for (const Person* p : c.eligible()) c.set(*p, Role::Unknown, "--layout pip, but no inset face was found");
    return out;
  }
  const bool divider = layout.divider_x_norm > 0 && layout.divider_x_norm < 1;
  const std::string divider_text =
      layout.evidence.empty() ? "divider at x = " + fixed(layout.divider_x_norm, 3) : layout.evidence;
  bool split = layout.layout == Layout::Split;
  if (layout.layout == Layout::Split)
    out.layout_reason = divider ? "split (--layout split): " + divider_text
                                : "split (--layout split): no divider detected, halves at x = 0.5";
  else if (layout.layout == Layout::Single)
    out.layout_reason = "single (--layout single)";
  else if (divider) {
    split = true;
    out.layout_reason = "split: " + divider_text;
  } else {
    split = two_regions(c, out.layout_reason);
  }
  if (split) {
    out.layout = Layout::Split;
    out.line_x_norm = divider ? layout.divider_x_norm : 0.5;
    assign_split(c, out.line_x_norm, divider ? 0.0 : options.side_margin_norm);
  } else {
    out.layout = Layout::Single;
    assign_one_region(c, Role::Patient, true);
  }
  return out;
}

RoleAssignment assign_camera_roles(const std::vector<PersonPlacement>& persons, int64_t session_frames, Camera camera,
                                   const RoleOptions& options) {
  RoleAssignment out;
  Context c = make_context(persons, session_frames, options, out);
  out.layout = Layout::TwoCameras;
  if (camera == Camera::A) {
    out.layout_reason = "two cameras: video A films the patient side";
    assign_one_region(c, Role::Patient, true);
  } else {
    out.layout_reason = "two cameras: video B films the therapist side";
    assign_one_region(c, Role::Therapist, false);
  }
  return out;
}

}  // namespace psyface::faces

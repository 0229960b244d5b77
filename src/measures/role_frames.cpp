// Per-role series from a frames table (see role_frames.hpp).
#include "measures/role_frames.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "measures/synchrony_resample.hpp"
#include "psyface/error.hpp"

namespace psyface::measures {
namespace {

struct Columns {
  int camera = -1, frame = -1, timestamp = -1, success = -1, role = -1, confidence = -1, dominant = -1,
      valence = -1, smile = -1, head_speed = -1, gaze_x = -1, gaze_y = -1, speaking = -1, talk_state = -1;
  std::array<int, kEmotionCount> emo{};
  std::array<int, kActionUnitCount> au{};  // -1 when absent
};

void split_line(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(line.substr(start));
      return;
    }
    out.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

[[noreturn]] void fail(const std::string& source, int64_t line, const std::string& what) {
  throw Error(ErrorCode::Input, source + " line " + std::to_string(line) + ": " + what);
}

double to_number(std::string_view s, const std::string& source, int64_t line, std::string_view column) {
  if (s == "NA" || s.empty()) return std::nan("");
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size())
    fail(source, line, "column " + std::string(column) + ": '" + std::string(s) + "' is not a number");
  return v;
}

Columns find_columns(const std::vector<std::string_view>& header, const std::string& source) {
  std::map<std::string_view, int> index;
  for (size_t i = 0; i < header.size(); ++i) index[header[i]] = static_cast<int>(i);
  auto need = [&](std::string_view name) {
    auto it = index.find(name);
    if (it == index.end()) fail(source, 1, "missing column '" + std::string(name) + "'");
    return it->second;
  };
  Columns c;
  if (index.count("camera")) c.camera = index["camera"];
  if (index.count("speaking")) c.speaking = index["speaking"];
  if (index.count("talk_state")) c.talk_state = index["talk_state"];
  c.frame = need("frame");
  c.timestamp = need("timestamp");
  c.success = need("success");
  c.role = need("role");
  c.confidence = need("confidence");
  c.dominant = need("dominant");
  c.valence = need("valence");
  c.smile = need("smile_intensity");
  for (int k = 0; k < kEmotionCount; ++k) c.emo[k] = need("emo_" + std::string(kEmotionNames[k]));
  auto optional = [&](const std::string& name) {
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
  };
  for (int k = 0; k < kActionUnitCount; ++k) c.au[k] = optional(std::string(kActionUnitNames[k]) + "_r");
  c.head_speed = optional("head_speed_deg_s");
  c.gaze_x = optional("gaze_angle_x");
  c.gaze_y = optional("gaze_angle_y");
  return c;
}

// One analysed frame of one camera with the (most confident) observation of each role.
struct CameraFrame {
  double t_sec = 0;
  RoleFrame patient, therapist;
};

int talk_state_index(std::string_view s) {
  return s == "none" ? 0 : s == "one" ? 1 : s == "both" ? 2 : s == "unseen" ? 3 : -1;
}

int emotion_index(std::string_view name) {
  for (int k = 0; k < kEmotionCount; ++k)
    if (kEmotionNames[k] == name) return k;
  return -1;
}

double mean_interval(const std::vector<RoleFrame>& frames) {
  std::vector<double> t;
  for (const auto& f : frames) t.push_back(f.t_sec);
  const double rate = analysed_rate_hz(t);
  return rate > 0 ? 1 / rate : 0;
}

}  // namespace

RoleTable read_role_table(std::string_view text, const std::string& source) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  int64_t line_number = 0;
  auto next_line = [&](std::string_view& line) {
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      line = text.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) return true;
    }
    return false;
  };
  std::string_view line;
  if (!next_line(line)) fail(source, 1, "empty table");
  split_line(line, fields);
  const Columns c = find_columns(fields, source);
  const size_t n_columns = fields.size();

  // camera -> frames in file order (keyed by frame index, rows of one frame are adjacent per camera)
  std::map<std::string, std::vector<CameraFrame>> cameras;
  std::map<std::string, std::map<int64_t, size_t>> frame_slot;
  std::map<std::string, std::array<int64_t, 2>> role_rows;  // camera -> rows of patient, therapist
  while (next_line(line)) {
    split_line(line, fields);
    if (fields.size() != n_columns)
      fail(source, line_number, std::to_string(fields.size()) + " fields, the header has " + std::to_string(n_columns));
    const std::string camera = c.camera >= 0 ? std::string(fields[c.camera]) : "A";
    const double frame = to_number(fields[c.frame], source, line_number, "frame");
    const double t = to_number(fields[c.timestamp], source, line_number, "timestamp");
    if (!std::isfinite(frame) || !std::isfinite(t)) fail(source, line_number, "frame and timestamp must be numbers");
    if (frame != std::trunc(frame) || std::fabs(frame) > 0x1p62)  // int64 holds it exactly (found by fuzzing)
      fail(source, line_number, "column frame: '" + std::string(fields[c.frame]) + "' is not a whole frame number");
    auto& frames = cameras[camera];
    auto [slot, inserted] = frame_slot[camera].try_emplace(static_cast<int64_t>(frame), frames.size());
    if (inserted) frames.push_back(CameraFrame{t, {}, {}});
    CameraFrame& cf = frames[slot->second];
    if (fields[c.success] != "1") continue;
    const std::string_view role = fields[c.role];
    const int r = role == "patient" ? 0 : role == "therapist" ? 1 : -1;
    if (r < 0) continue;
    RoleFrame obs;
    obs.t_sec = t;
    obs.valid = true;
    obs.confidence = to_number(fields[c.confidence], source, line_number, "confidence");
    for (int k = 0; k < kEmotionCount; ++k)
      obs.p[k] = to_number(fields[c.emo[k]], source, line_number, "emo_" + std::string(kEmotionNames[k]));
    obs.dominant = emotion_index(fields[c.dominant]);
    if (obs.dominant < 0) fail(source, line_number, "unknown dominant emotion '" + std::string(fields[c.dominant]) + "'");
    obs.valence = to_number(fields[c.valence], source, line_number, "valence");
    obs.smile_intensity = to_number(fields[c.smile], source, line_number, "smile_intensity");
    for (int k = 0; k < kActionUnitCount; ++k)
      if (c.au[k] >= 0) obs.au_r[k] = to_number(fields[c.au[k]], source, line_number, std::string(kActionUnitNames[k]) + "_r");
    if (c.head_speed >= 0) obs.head_speed_deg_s = to_number(fields[c.head_speed], source, line_number, "head_speed_deg_s");
    if (c.gaze_x >= 0) obs.gaze_angle_x = to_number(fields[c.gaze_x], source, line_number, "gaze_angle_x");
    if (c.gaze_y >= 0) obs.gaze_angle_y = to_number(fields[c.gaze_y], source, line_number, "gaze_angle_y");
    if (c.speaking >= 0) obs.speaking = fields[c.speaking] == "1" ? 1 : fields[c.speaking] == "0" ? 0 : -1;
    if (c.talk_state >= 0) obs.talk_state = talk_state_index(fields[c.talk_state]);
    ++role_rows[camera][r];
    RoleFrame& target = r == 0 ? cf.patient : cf.therapist;
    if (!target.valid || obs.confidence > target.confidence) target = obs;
  }

  RoleTable table;
  for (int r = 0; r < 2; ++r) {
    std::string best = cameras.empty() ? "A" : cameras.begin()->first;
    int64_t most = 0;
    for (const auto& [camera, rows] : role_rows)
      if (rows[r] > most) most = rows[r], best = camera;
    RoleSeries& s = r == 0 ? table.patient : table.therapist;
    s.role = r == 0 ? "patient" : "therapist";
    auto it = cameras.find(best);
    if (it == cameras.end()) continue;
    std::vector<CameraFrame>& frames = it->second;
    std::stable_sort(frames.begin(), frames.end(),
                     [](const CameraFrame& a, const CameraFrame& b) { return a.t_sec < b.t_sec; });
    for (const CameraFrame& cf : frames) {
      RoleFrame f = r == 0 ? cf.patient : cf.therapist;
      f.t_sec = cf.t_sec;
      s.present = s.present || f.valid;
      s.frames.push_back(f);
    }
    s.frame_interval_sec = mean_interval(s.frames);
  }
  mark_other_speaking(table);
  return table;
}

void mark_other_speaking(RoleTable& table) {
  const double tolerance = 0.5 * std::max(table.patient.frame_interval_sec, table.therapist.frame_interval_sec) + 1e-3;
  auto mark = [&](RoleSeries& s, const RoleSeries& other) {
    size_t j = 0;
    for (auto& f : s.frames) {  // both series in time order: the nearest frame moves forward only
      while (j + 1 < other.frames.size() &&
             std::fabs(other.frames[j + 1].t_sec - f.t_sec) <= std::fabs(other.frames[j].t_sec - f.t_sec))
        ++j;
      f.other_speaking = -1;
      if (j < other.frames.size() && other.frames[j].valid && std::fabs(other.frames[j].t_sec - f.t_sec) <= tolerance)
        f.other_speaking = other.frames[j].speaking;
    }
  };
  mark(table.patient, table.therapist);
  mark(table.therapist, table.patient);
}

}  // namespace psyface::measures

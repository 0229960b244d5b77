// sessions.csv parsing and validation (see manifest.hpp).
#include "study/manifest.hpp"

#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <set>

#include "faces/focal_length.hpp"
#include "psyface/error.hpp"
#include "util/atomic_file.hpp"

namespace psyface::study {
namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Line number of a "<file>:<line>..." problem (0 when there is none), for listing problems in file order.
long problem_line(const std::string& p, size_t name_size) {
  return p.size() > name_size + 1 && p[name_size] == ':' ? std::strtol(p.c_str() + name_size + 1, nullptr, 10) : 0;
}

[[noreturn]] void throw_problems(const std::string& what, std::vector<std::string> problems, size_t name_size) {
  std::stable_sort(problems.begin(), problems.end(), [&](const std::string& a, const std::string& b) {
    return problem_line(a, name_size) < problem_line(b, name_size);
  });
  std::string msg = what + " (" + std::to_string(problems.size()) + " problem" + (problems.size() > 1 ? "s" : "") +
                    "):";
  for (const auto& p : problems) msg += "\n  " + p;
  throw Error(ErrorCode::Input, msg);
}

// Splits text into lines (LF or CRLF); calls f(line_number, line) for each.
template <typename F>
void for_each_line(const std::string& text, F f) {
  size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string raw = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    f(++line, raw);
  }
}

bool parse_int(const std::string& s, int& v) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

bool valid_date(const std::string& s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) || !parse_int(s.substr(8, 2), d)) return false;
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month(unsigned(m)), std::chrono::day(unsigned(d))}.ok();
}

bool valid_patient_rule(const std::string& s) {
  if (s == "left" || s == "right" || s == "largest") return true;
  int n;
  return s.rfind("person:", 0) == 0 && parse_int(s.substr(7), n) && n >= 0;
}

fs::path resolve(const fs::path& dir, const std::string& file) {
  const fs::path p(file);
  return p.is_absolute() ? p : dir / p;
}

}  // namespace

CsvFile split_csv(const std::string& input, const std::string& name, std::vector<std::string>& problems) {
  std::string text = input;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 byte order mark
  CsvFile out;
  for_each_line(text, [&](int line, const std::string& raw) {
    if (trim(raw).empty() || trim(raw)[0] == '#') return;
    std::vector<std::string> fields(1);
    bool quoted = false, was_quoted = false, stray = false;
    for (size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (quoted) {
        if (c == '"' && i + 1 < raw.size() && raw[i + 1] == '"') fields.back() += '"', ++i;
        else if (c == '"') quoted = false;
        else fields.back() += c;
      } else if (c == '"' && trim(fields.back()).empty() && !was_quoted) {
        quoted = was_quoted = true;
        fields.back().clear();
      } else if (c == ',') {
        fields.emplace_back();
        was_quoted = stray = false;
      } else if (was_quoted && c != ' ' && c != '\t') {
        if (!stray) problems.push_back(name + ":" + std::to_string(line) + ":" + std::to_string(fields.size()) +
                           ": text after a closing quote");
        stray = true;
      } else if (!was_quoted) {
        fields.back() += c;
      }
    }
    if (quoted) {
      problems.push_back(name + ":" + std::to_string(line) + ":" + std::to_string(fields.size()) +
                         ": unterminated quoted field (line breaks inside fields are not supported)");
      return;
    }
    for (auto& f : fields) f = trim(f);
    if (out.header.empty()) {
      out.header = fields;
      out.header_line = line;
      return;
    }
    if (fields.size() != out.header.size()) {
      problems.push_back(name + ":" + std::to_string(line) + ": " + std::to_string(fields.size()) +
                         " fields, the header has " + std::to_string(out.header.size()));
      return;
    }
    out.records.push_back({line, std::move(fields)});
  });
  return out;
}

StudyManifest read_sessions_csv(const fs::path& dir, bool require_videos) {
  const fs::path file = dir / "sessions.csv";
  const std::string name = file.string();
  if (!fs::exists(file)) throw Error(ErrorCode::Input, name + " not found (psyface study init " + dir.string() + " writes a template)");
  std::vector<std::string> problems;
  const CsvFile csv = split_csv(util::read_file(file), name, problems);
  if (csv.header.empty()) throw Error(ErrorCode::Input, name + ": no header line");
  static const std::vector<std::string> kRequired = {"session_id", "patient_id", "session_number", "date", "video"};
  static const std::set<std::string> kKnown = {"session_id", "patient_id", "session_number", "date", "video",
                                               "therapist_id", "layout", "patient", "therapist_video", "offset_sec",
                                               "inset", "focal_px"};
  std::map<std::string, size_t> col;
  StudyManifest m;
  for (size_t i = 0; i < csv.header.size(); ++i) {
    const std::string& h = csv.header[i];
    const std::string at = name + ":" + std::to_string(csv.header_line) + ":" + std::to_string(i + 1);
    if (h.empty()) problems.push_back(at + ": empty column name");
    else if (col.count(h)) problems.push_back(at + ": duplicate column '" + h + "'");
    col[h] = i;
    if (!h.empty() && !kKnown.count(h)) m.extra_columns.push_back(h);
  }
  bool header_ok = true;
  for (const auto& r : kRequired)
    if (!col.count(r))
      problems.push_back(name + ":" + std::to_string(csv.header_line) + ": missing column '" + r + "'"), header_ok = false;
  if (!header_ok) throw_problems(name + " is not valid", problems, name.size());

  std::map<std::string, int> seen;
  for (const auto& rec : csv.records) {
    auto get = [&](const char* c) { return col.count(c) ? rec.fields[col[c]] : std::string(); };
    auto problem = [&](const char* c, const std::string& what) {
      problems.push_back(name + ":" + std::to_string(rec.line) + ":" + std::to_string(col[c] + 1) + ": " + c + ": " + what);
    };
    StudySession s;
    s.line = rec.line;
    s.session_id = get("session_id");
    s.patient_id = get("patient_id");
    s.therapist_id = get("therapist_id");
    if (s.session_id.empty()) problem("session_id", "empty");
    else if (seen.count(s.session_id))
      problem("session_id", "duplicate '" + s.session_id + "' (first on line " + std::to_string(seen[s.session_id]) + ")");
    else seen[s.session_id] = rec.line;
    if (s.patient_id.empty()) problem("patient_id", "empty");
    if (!parse_int(get("session_number"), s.session_number) || s.session_number < 0)
      problem("session_number", "'" + get("session_number") + "' is not a whole number >= 0");
    s.date = get("date");
    if (!valid_date(s.date)) problem("date", "'" + s.date + "' is not a date (YYYY-MM-DD)");
    s.video = get("video");
    s.video_path = resolve(dir, s.video);
    if (s.video.empty()) problem("video", "empty");
    else if (require_videos && !fs::is_regular_file(s.video_path))
      problem("video", "file not found: " + s.video_path.string());
    if (col.count("layout") && !get("layout").empty()) s.layout = get("layout");
    if (s.layout != "auto" && s.layout != "split" && s.layout != "single" && s.layout != "two-cameras" &&
        s.layout != "pip")
      problem("layout", "unknown layout '" + s.layout + "' (auto, split, single, two-cameras, pip)");
    if (col.count("inset") && !get("inset").empty()) s.inset = get("inset");
    if (s.inset != "therapist" && s.inset != "patient") problem("inset", "'" + s.inset + "' is not therapist or patient");
    if (col.count("patient") && !get("patient").empty()) s.patient = get("patient");
    if (!valid_patient_rule(s.patient)) problem("patient", "'" + s.patient + "' is not left, right, largest or person:N");
    s.therapist_video = get("therapist_video");
    if (!s.therapist_video.empty()) {
      s.therapist_video_path = resolve(dir, s.therapist_video);
      if (require_videos && !fs::is_regular_file(s.therapist_video_path))
        problem("therapist_video", "file not found: " + s.therapist_video_path.string());
      if (s.layout == "auto") s.layout = "two-cameras";
      if (s.layout != "two-cameras") problem("layout", "a session with therapist_video has layout two-cameras");
    } else if (s.layout == "two-cameras") {
      problem("layout", "two-cameras needs a therapist_video");
    }
    const std::string offset = get("offset_sec");
    if (!offset.empty() && !parse_double(offset, s.offset_sec)) problem("offset_sec", "'" + offset + "' is not a number");
    s.focal_px = get("focal_px");
    double focal = 0;
    if (!s.focal_px.empty() && !faces::parse_focal_px(s.focal_px, focal))
      problem("focal_px", "'" + s.focal_px +
                              "' is not a focal length in pixels (1 to 1000000), 0 (OpenFace's guess) or -1 (none)");
    for (const auto& c : m.extra_columns) s.extra.emplace_back(c, rec.fields[col[c]]);
    m.sessions.push_back(std::move(s));
  }
  if (m.sessions.empty() && problems.empty()) problems.push_back(name + ": no sessions listed");
  if (!problems.empty()) throw_problems(name + " is not valid", problems, name.size());
  return m;
}

void apply_session_focal_px(std::vector<std::string>& analyze_args, const std::string& focal_px) {
  if (focal_px.empty()) return;
  const auto at = std::find(analyze_args.begin(), analyze_args.end(), "--focal-px");
  if (at == analyze_args.end() || at + 1 == analyze_args.end()) analyze_args.insert(analyze_args.end(), {"--focal-px", focal_px});
  else *(at + 1) = focal_px;
}

bool parse_time_sec(const std::string& text, double& seconds) {
  double total = 0;
  size_t start = 0;
  int parts = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    const std::string part = text.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    double v;
    if (!parse_double(part, v) || v < 0) return false;
    if (++parts > 3) return false;
    if (parts > 1 && v >= 60) return false;
    total = total * 60 + v;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  seconds = total;
  return true;
}

std::map<std::string, std::vector<measures::Segment>> read_segments_csv(const fs::path& file, const StudyManifest& known) {
  const std::string name = file.string();
  if (!fs::exists(file)) throw Error(ErrorCode::Input, "segments file not found: " + name);
  std::vector<std::string> problems;
  const CsvFile csv = split_csv(util::read_file(file), name, problems);
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < csv.header.size(); ++i) col[csv.header[i]] = i;
  for (const char* c : {"session_id", "start", "end", "label"})
    if (!col.count(c))
      problems.push_back(name + ":" + std::to_string(csv.header_line) + ": missing column '" + std::string(c) + "'");
  if (!problems.empty()) throw_problems(name + " is not valid", problems, name.size());
  std::set<std::string> ids;
  for (const auto& s : known.sessions) ids.insert(s.session_id);
  std::map<std::string, std::vector<measures::Segment>> out;
  for (const auto& rec : csv.records) {
    auto problem = [&](const char* c, const std::string& what) {
      problems.push_back(name + ":" + std::to_string(rec.line) + ":" + std::to_string(col[c] + 1) + ": " + c + ": " + what);
    };
    const std::string& id = rec.fields[col["session_id"]];
    if (!ids.count(id)) problem("session_id", "'" + id + "' is not in sessions.csv");
    measures::Segment seg;
    seg.label = rec.fields[col["label"]];
    const bool ok_start = parse_time_sec(rec.fields[col["start"]], seg.start_sec);
    const bool ok_end = parse_time_sec(rec.fields[col["end"]], seg.end_sec);
    if (!ok_start) problem("start", "'" + rec.fields[col["start"]] + "' is not seconds or hh:mm:ss");
    if (!ok_end) problem("end", "'" + rec.fields[col["end"]] + "' is not seconds or hh:mm:ss");
    if (ok_start && ok_end && seg.end_sec <= seg.start_sec) problem("end", "end is not after start");
    if (seg.label.empty()) problem("label", "empty");
    out[id].push_back(seg);
  }
  if (!problems.empty()) throw_problems(name + " is not valid", problems, name.size());
  return out;
}

namespace {
struct ConfigKey {
  const char* key;
  double measures::MeasureOptions::*real;
  const char* help;
};
const ConfigKey kConfigKeys[] = {
    {"smile_threshold", &measures::MeasureOptions::smile_threshold, "smiling: smile_intensity above this"},
    {"smile_rel_delta", &measures::MeasureOptions::smile_rel_delta, "relative smiling: above own session median + this"},
    {"shared_smile_tolerance_sec", &measures::MeasureOptions::shared_smile_tolerance_sec,
     "shared smiling: both roles smiling within +- this many seconds"},
    {"episode_on_p", &measures::MeasureOptions::episode_on_p, "episode starts: dominant non-neutral emotion with p >= this"},
    {"episode_off_p", &measures::MeasureOptions::episode_off_p, "episode lasts while its p >= this (hysteresis)"},
    {"brief_max_sec", &measures::MeasureOptions::brief_max_sec, "episodes shorter than this are brief expressions"},
    {"brief_min_fps", &measures::MeasureOptions::brief_min_fps, "brief expressions need this analysed frame rate"},
    {"window_min", &measures::MeasureOptions::window_min, "fixed window length in minutes"},
    {"first_min", &measures::MeasureOptions::first_min, "the first N minutes compared with the rest"},
    {"synchrony_rate_hz", &measures::MeasureOptions::synchrony_rate_hz, "smile series rate for synchrony"},
    {"au_presence", &measures::MeasureOptions::au_presence, "an action unit is present at AUxx_r >= this (smiles)"},
    {"gaze_averted_deg", &measures::MeasureOptions::gaze_averted_deg,
     "gaze averted: more than this many degrees from the role's session median gaze"},
};
// primary_measures = a, b, c (each a measure column, no quality column, no repeats); primary_role.
void read_primary_key(StudyConfig& config, const std::string& key, const std::string& value, const std::string& where,
                      std::vector<std::string>& problems) {
  if (key == "primary_role") {
    if (value != "patient" && value != "therapist")
      problems.push_back(where + "primary_role: '" + value + "' is not patient or therapist");
    config.primary_role = value;
    return;
  }
  config.primary_measures.clear();
  config.primary_measures_declared = true;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = std::min(value.find(',', start), value.size());
    const std::string name = trim(value.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    if (const auto problem = primary_measure_problem(name); !problem.empty())
      problems.push_back(where + "primary_measures: " + problem);
    else if (std::find(config.primary_measures.begin(), config.primary_measures.end(), name) != config.primary_measures.end())
      problems.push_back(where + "primary_measures: \"" + name + "\" is listed twice");
    else
      config.primary_measures.push_back(name);
  }
  if (config.primary_measures.empty() && value.find_first_not_of(", \t") == std::string::npos)
    problems.push_back(where + "primary_measures: empty (list the measures, e.g. " + kDefaultPrimaryMeasures[0] + ", " +
                       kDefaultPrimaryMeasures[1] + ")");
}

}  // namespace

StudyConfig read_study_config(const fs::path& dir) {
  StudyConfig config;
  const fs::path file = dir / "study.conf";
  if (!fs::exists(file)) return config;
  const std::string text = util::read_file(file);
  std::vector<std::string> problems;
  for_each_line(text, [&](int line, std::string raw) {
    if (const auto hash = raw.find('#'); hash != std::string::npos) raw.erase(hash);
    raw = trim(raw);
    if (raw.empty()) return;
    const auto eq = raw.find('=');
    const std::string where = file.string() + ":" + std::to_string(line) + ": ";
    if (eq == std::string::npos) {
      problems.push_back(where + "expected key = value");
      return;
    }
    const std::string key = trim(raw.substr(0, eq)), value = trim(raw.substr(eq + 1));
    if (key == "segments") {
      config.segments_file = value;
      return;
    }
    if (key == "primary_measures" || key == "primary_role") {
      read_primary_key(config, key, value, where, problems);
      return;
    }
    if (key == "synchrony_surrogates") {
      if (!parse_int(value, config.measures.synchrony_surrogates)) problems.push_back(where + key + ": not a whole number");
      return;
    }
    bool known = false;
    for (const auto& k : kConfigKeys)
      if (key == k.key) {
        known = true;
        if (!parse_double(value, config.measures.*k.real)) problems.push_back(where + key + ": '" + value + "' is not a number");
      }
    if (!known) problems.push_back(where + "unknown key '" + key + "'");
  });
  if (!problems.empty()) throw_problems(file.string() + " is not valid", problems, file.string().size());
  try {
    measures::check_measure_options(config.measures);
  } catch (const Error& e) {
    throw Error(ErrorCode::Input, file.string() + ": " + e.what());
  }
  return config;
}

std::string measure_options_text(const StudyConfig& c) {
  std::string s;
  char buf[64];
  for (const auto& k : kConfigKeys) {
    std::snprintf(buf, sizeof buf, "%.17g", c.measures.*k.real);
    s += std::string(k.key) + "=" + buf + ";";
  }
  s += "synchrony_surrogates=" + std::to_string(c.measures.synchrony_surrogates) + ";segments=" + c.segments_file;
  return s;
}

std::string sessions_template() {
  return "# psyface study: one row per session. Lines starting with # are ignored; delete these comments if your\n"
         "# spreadsheet program does not like them. Required columns: session_id, patient_id, session_number,\n"
         "# date (YYYY-MM-DD), video (relative to this folder). Optional: therapist_id, layout (auto, split, single,\n"
         "# two-cameras, pip), patient (left, right, largest, person:N), therapist_video and offset_sec (two cameras:\n"
         "# therapist time + offset_sec = patient time), inset (pip: therapist or patient), focal_px (gaze camera:\n"
         "# focal length in pixels, 0 = guess from the frame size, -1 = none for split screens joining cameras).\n"
         "# Any other column is kept and exported.\n"
         "session_id,patient_id,therapist_id,session_number,date,video,layout,patient,therapist_video,offset_sec\n"
         "# P01-S01,P01,T01,1,2024-01-15,videos/p01_s01.mp4,auto,left,,\n"
         "# P01-S02,P01,T01,2,2024-01-22,videos/p01_s02_patient.mp4,two-cameras,,videos/p01_s02_therapist.mp4,0.4\n";
}

std::string config_template() {
  std::string s =
      "# psyface study options (measures). Changing a value recomputes the measures from the stored per-frame\n"
      "# tables on the next 'psyface study run' (no video is decoded). Formulas: docs/measures.md.\n"
      "# Analysis options (--fps, --model, ...) are given to 'psyface study run'; changing those re-analyses.\n";
  const measures::MeasureOptions d;
  char buf[64];
  for (const auto& k : kConfigKeys) {
    std::snprintf(buf, sizeof buf, "%g", d.*k.real);
    s += "# " + std::string(k.help) + "\n" + k.key + " = " + buf + "\n";
  }
  s += "# surrogates of the synchrony test (0 = no p-value)\nsynchrony_surrogates = " +
       std::to_string(d.synchrony_surrogates) + "\n";
  s += "# user segments: CSV with session_id, start, end, label (seconds or hh:mm:ss)\n# segments = segments.csv\n";
  s += "# statistics: the pre-declared measures psyface stats analyses (p-values adjusted over these; --measures all\n"
       "# analyses every measure, labelled exploratory) and the role whose rows it uses (patient or therapist)\n";
  std::string primaries;
  for (const auto& m : kDefaultPrimaryMeasures) primaries += (primaries.empty() ? "" : ", ") + m;
  s += "primary_measures = " + primaries + "\nprimary_role = " + kDefaultPrimaryRole + "\n";
  return s;
}

}  // namespace psyface::study

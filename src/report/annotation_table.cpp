// Reading a frames table for the annotated video (see annotation_table.hpp).
#include "report/annotation_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "psyface/error.hpp"
#include "study/frames_store.hpp"
#include "util/atomic_file.hpp"

namespace psyface::report {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// One CSV record of a line: RFC 4180 quotes within the line.
std::vector<std::string> split_record(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted && ch == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += line[++i];
    else if (ch == '"') quoted = !quoted;
    else if (ch == ',' && !quoted) fields.emplace_back();
    else fields.back() += ch;
  }
  return fields;
}

struct Columns {
  size_t frame = 0, face_id = 0, timestamp = 0, success = 0, box_x = 0, box_y = 0, box_w = 0, box_h = 0, smile = 0;
  std::optional<size_t> person_id, role;
  std::array<size_t, kEmotionCount> emotion{};
};

class TableParser {
 public:
  TableParser(std::istream& in, std::string source) : in_(in), source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::Input, source_ + " line " + std::to_string(line_number_) + ": " + what);
  }

  bool next() {
    while (std::getline(in_, line_)) {
      ++line_number_;
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      if (line_.find_first_not_of(" \t") == std::string::npos) continue;
      fields_ = split_record(line_);
      if (line_number_ > 1 && fields_.size() != header_.size())
        fail(std::to_string(fields_.size()) + " fields, the header has " + std::to_string(header_.size()));
      return true;
    }
    if (in_.bad()) fail("read error");
    return false;
  }

  Columns read_header() {
    if (!next()) throw Error(ErrorCode::Input, source_ + ": empty file, expected a frames table (docs/output-format.md)");
    header_ = fields_;
    if (!header_.empty() && header_[0].rfind("\xEF\xBB\xBF", 0) == 0) header_[0].erase(0, 3);
    if (find("camera"))
      fail("a two-camera table (column camera): annotate each camera's video with its own table (<stem>.frames.csv)");
    Columns c{need("frame"), need("face_id"), need("timestamp"), need("success"), need("box_x"), need("box_y"),
              need("box_w"), need("box_h"), need("smile_intensity"), find("person_id"), find("role"), {}};
    for (int k = 0; k < kEmotionCount; ++k) c.emotion[k] = need("emo_" + std::string(kEmotionNames[k]));
    return c;
  }

  double number(size_t col) const {
    const std::string& s = fields_[col];
    if (s.empty() || s == "NA" || s == "NaN") return NAN;
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
      fail("column " + header_[col] + ": '" + s + "' is not a number");
    return v;
  }

  double finite(size_t col) const {
    const double v = number(col);
    if (!std::isfinite(v)) fail("column " + header_[col] + " is missing in a row with success = 1");
    return v;
  }

  const std::string& text(size_t col) const { return fields_[col]; }

 private:
  std::optional<size_t> find(const std::string& name) const {
    const auto it = std::find(header_.begin(), header_.end(), name);
    if (it == header_.end()) return std::nullopt;
    return static_cast<size_t>(it - header_.begin());
  }
  size_t need(const std::string& name) const {
    if (const auto i = find(name)) return *i;
    throw Error(ErrorCode::Input, source_ + " line 1: no column '" + name +
                                      "' (not a psyface frames table? see docs/output-format.md)");
  }

  std::istream& in_;
  std::string source_, line_;
  int64_t line_number_ = 0;
  std::vector<std::string> header_, fields_;
};

AnnotatedFace read_face(const TableParser& p, const Columns& c) {
  AnnotatedFace f;
  f.face_id = static_cast<int>(p.finite(c.face_id));
  if (c.person_id) {
    const double person = p.number(*c.person_id);
    f.person_id = std::isfinite(person) ? static_cast<int>(person) : -1;
  }
  if (c.role && !p.text(*c.role).empty() && p.text(*c.role) != "NA") f.role = p.text(*c.role);
  f.box_px = cv::Rect2f(float(p.finite(c.box_x)), float(p.finite(c.box_y)), float(p.finite(c.box_w)),
                        float(p.finite(c.box_h)));
  if (!(f.box_px.width > 0 && f.box_px.height > 0)) p.fail("a face row whose box has no area");
  for (int k = 0; k < kEmotionCount; ++k) f.emotion[k] = float(p.finite(c.emotion[k]));
  const double smile = p.number(c.smile);
  f.smile_intensity = std::isfinite(smile) ? float(smile) : 0.f;
  return f;
}

std::vector<AnalysedFrame> parse_frames(std::istream& in, const std::string& source) {
  TableParser p(in, source);
  const Columns c = p.read_header();
  std::vector<AnalysedFrame> frames;
  std::map<int64_t, size_t> by_frame;  // rows of one frame are adjacent in psyface's tables, but need not be
  while (p.next()) {
    const double frame = p.finite(c.frame), t = p.finite(c.timestamp), success = p.finite(c.success);
    if (frame < 0 || frame != std::floor(frame) || frame > 9.0e15) p.fail("column frame: not a frame number");
    const auto [it, added] = by_frame.emplace(static_cast<int64_t>(frame), frames.size());
    if (added) frames.push_back({static_cast<int64_t>(frame), t, {}});
    else if (std::abs(frames[it->second].t_sec - t) > 1e-3) p.fail("frame " + std::to_string(it->first) + " has two timestamps");
    if (success == 1) frames[it->second].faces.push_back(read_face(p, c));
    else if (success != 0) p.fail("column success: expected 0 or 1");
  }
  std::stable_sort(frames.begin(), frames.end(), [](const auto& a, const auto& b) { return a.t_sec < b.t_sec; });
  return frames;
}

TableVideoFacts read_sidecar(const std::filesystem::path& sidecar) {
  TableVideoFacts facts;
  facts.sidecar = sidecar;
  try {
    const auto j = nlohmann::json::parse(util::read_file(sidecar));
    const auto& v = j.at("video");
    facts.video_path = v.value("path", "");
    facts.width_px = v.at("width_px").get<int>();
    facts.height_px = v.at("height_px").get<int>();
    facts.nominal_fps = v.value("nominal_fps", 0.0);
    facts.duration_sec = v.value("duration_sec", 0.0);
    facts.pixel_aspect_recorded = v.contains("pixel_aspect");
    if (j.contains("options") && j["options"].contains("rotation"))
      facts.rotation = j["options"]["rotation"].get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::Input, sidecar.string() + ": not a psyface analysis sidecar (" + e.what() + ")");
  }
  return facts;
}

}  // namespace

std::filesystem::path sidecar_path_of(const std::filesystem::path& table) {
  const std::string name = table.filename().string();
  for (const auto& [tail, sidecar] : {std::pair<std::string, std::string>{".frames.csv.gz", ".analysis.json"},
                                      {".frames.csv", ".analysis.json"},
                                      {".frames.partial.csv", ".analysis.partial.json"}})
    if (ends_with(name, tail)) return table.parent_path() / (name.substr(0, name.size() - tail.size()) + sidecar);
  return {};
}

AnnotationTable read_annotation_table(const std::filesystem::path& table) {
  if (!std::filesystem::is_regular_file(table)) throw Error(ErrorCode::Input, "frames table not found: " + table.string());
  AnnotationTable out;
  out.source = table.string();
  std::unique_ptr<std::istream> in;
  if (table.extension() == ".gz") in = std::make_unique<std::istringstream>(study::load_frames_table(table, ""));
  else in = std::make_unique<std::ifstream>(table, std::ios::binary);
  if (!*in) throw Error(ErrorCode::Input, table.string() + ": cannot open");
  out.frames = parse_frames(*in, out.source);
  if (out.frames.empty()) throw Error(ErrorCode::Input, table.string() + ": no rows (no analysed frame)");
  if (const auto sidecar = sidecar_path_of(table); !sidecar.empty() && std::filesystem::exists(sidecar))
    out.video = read_sidecar(sidecar);
  return out;
}

}  // namespace psyface::report

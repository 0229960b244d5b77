#include "analysis/two_camera_merge.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <vector>

#include "psyface/error.hpp"
#include "tables/csv.hpp"
#include "tables/csv_reader.hpp"
#include "util/atomic_file.hpp"

namespace psyface::analysis {
namespace {

// One camera's side of the merge: the reader, the current row's time and role, and its checks.
struct CameraStream {
  const char* name;
  const CameraFrames& cam;
  tables::CsvReader reader;
  double offset_sec;
  size_t time_col = 0, id_col = 0;
  size_t role_col = std::string::npos;  // an input role column (tables/person_columns), else npos
  double t_sec = 0, previous_t_sec = -INFINITY;
  std::string role;
  bool has_row = false;
  int64_t rows = 0;

  CameraStream(const char* camera_name, const CameraFrames& c, double offset, const std::string& id_column)
      : name(camera_name), cam(c), reader(c.frames_csv), offset_sec(offset) {
    reader.column("frame");
    time_col = reader.column("timestamp");
    id_col = reader.column(id_column);
    const auto& h = reader.header();
    if (const auto it = std::find(h.begin(), h.end(), "role"); it != h.end()) role_col = it - h.begin();
  }

  // ensures: has_row with the next row parsed (time shifted and rounded to 0.1 ms, role looked up).
  void advance() {
    has_row = reader.next();
    if (!has_row) return;
    const auto& f = reader.fields();
    double t = 0;
    if (!parse(f[time_col], t) || !std::isfinite(t)) reader.fail("unparsable timestamp \"" + f[time_col] + "\"");
    if (t < previous_t_sec)
      reader.fail("timestamp " + f[time_col] + " is earlier than the row before; rows must be in time order");
    previous_t_sec = t;
    t_sec = offset_sec == 0 ? t : std::round((t + offset_sec) * 1e4) / 1e4;
    // An input role column is kept unless this camera's role map is given.
    role = role_col != std::string::npos && cam.role_by_id.empty() ? f[role_col] : role_of(f[id_col]);
    ++rows;
  }

  std::string role_of(const std::string& id_text) const {
    if (id_text == "NA" || id_text.empty()) return "NA";
    int id = 0;
    const auto r = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (r.ec != std::errc() || r.ptr != id_text.data() + id_text.size())
      reader.fail("unparsable " + reader.header()[id_col] + " \"" + id_text + "\"");
    if (id < 0) return "NA";
    const auto it = cam.role_by_id.find(id);
    return it != cam.role_by_id.end() ? it->second : cam.unlisted_role;
  }

  static bool parse(const std::string& s, double& v) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
  }
};

void check_same_header(const CameraStream& a, const CameraStream& b) {
  const auto& ha = a.reader.header();
  const auto& hb = b.reader.header();
  for (size_t k = 0; k < std::max(ha.size(), hb.size()); ++k) {
    const std::string ca = k < ha.size() ? ha[k] : "(none)", cb = k < hb.size() ? hb[k] : "(none)";
    if (ca != cb)
      throw Error(ErrorCode::Input, b.reader.path().string() + " line 1: column " + std::to_string(k + 1) + " is \"" +
                                        cb + "\" but \"" + ca + "\" in " + a.reader.path().string() +
                                        " (analyse both videos with the same options, e.g. --landmarks)");
  }
}

void write_row(std::ofstream& out, std::string& line, const CameraStream& s) {
  line.assign(s.name);
  if (s.role_col == std::string::npos) {
    line += ',';
    line += tables::csv_field(s.role);
  }
  const auto& f = s.reader.fields();
  for (size_t k = 0; k < f.size(); ++k) {
    line += ',';
    if (k == s.role_col) {
      line += tables::csv_field(s.role);
    } else if (k == s.time_col && s.offset_sec != 0) {
      char buf[48];
      const auto r = std::to_chars(buf, buf + sizeof buf, s.t_sec, std::chars_format::fixed, 4);
      line.append(buf, r.ptr);
    } else {
      line += tables::csv_field(f[k]);
    }
  }
  line += '\n';
  out << line;
}

}  // namespace

TwoCameraMergeSummary merge_two_cameras(const CameraFrames& a, const CameraFrames& b,
                                        const std::filesystem::path& out, const TwoCameraMergeOptions& options) {
  if (!std::isfinite(options.offset_sec)) throw Error(ErrorCode::Usage, "two-camera offset must be a finite number");
  CameraStream sa("A", a, 0.0, options.id_column);
  CameraStream sb("B", b, options.offset_sec, options.id_column);
  check_same_header(sa, sb);
  util::AtomicFile file(out);
  std::ofstream& os = file.stream();
  std::string line = sa.role_col == std::string::npos ? "camera,role" : "camera";
  for (const auto& c : sa.reader.header()) {
    line += ',';
    line += tables::csv_field(c);
  }
  os << line << '\n';
  sa.advance();
  sb.advance();
  while (sa.has_row || sb.has_row) {
    CameraStream& s = !sb.has_row || (sa.has_row && sa.t_sec <= sb.t_sec) ? sa : sb;
    write_row(os, line, s);
    s.advance();
  }
  file.commit();
  return {sa.rows, sb.rows};
}

}  // namespace psyface::analysis

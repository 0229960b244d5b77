#include "report/session_page.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "measures/face_action_measures.hpp"
#include "measures/speaking_measures.hpp"
#include "psyface/error.hpp"
#include "report/annotation_table.hpp"
#include "report/html_text.hpp"
#include "report/report_format.hpp"
#include "report/session_series.hpp"
#include "study/frames_store.hpp"
#include "study/primary_measures.hpp"
#include "util/atomic_file.hpp"

namespace psyface::report {
namespace {

constexpr double kW = 900, kH = 200, kLeft = 44, kRight = 12, kTop = 8, kBottom = 28;
constexpr int kSmoothHalf = 2;  // 5-s centred moving mean of 1-s bins
constexpr const char* kColours[] = {"#888", "#c0392b", "#7d3c98", "#6e2c00", "#e67e22", "#2874a6", "#17a589"};

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// v to 0.1, without trailing zeros: "30", "3.5", "1234.5" (segment times in s, mean CEAS scores).
std::string tenths(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.10g", std::round(v * 10) / 10);
  return b;
}

// n tenths as the shortest SVG number: 28 -> "2.8", -3 -> "-.3", 40 -> "4", 0 -> "0".
std::string short_tenths(long n) {
  const long a = n < 0 ? -n : n;
  std::string s = n < 0 ? "-" : "";
  if (a >= 10) s += std::to_string(a / 10);
  if (a % 10) s += "." + std::to_string(a % 10);
  return a == 0 ? "0" : s;
}

// One polyline per series, gaps where a bin has no face; x in minutes.
struct Plot {
  std::string id, title;
  double end_min = 1;
  double first_min = 10;
  const std::vector<measures::Segment>* segments = nullptr;
  const std::vector<RatedSegment>* rated = nullptr;
  bool cursor = false;  // a player drives a cursor line (session_viewer.cpp)
  std::string body;
  double y_max = 1;     // top of the y axis (smile intensity may pass 1: set_y_max)
  double x(double t_sec) const { return kLeft + t_sec / 60 / end_min * (kW - kLeft - kRight); }
  double y(double v) const { return kTop + (1 - v / y_max) * (kH - kTop - kBottom); }
  // The y axis up to the largest value, rounded up to a half (at least 1), so that no trace leaves the plot.
  void set_y_max(const std::vector<double>& v) {
    for (double a : v)
      if (std::isfinite(a)) y_max = std::max(y_max, std::ceil(a * 2) / 2);
  }
  // The path: "M" at the first point of each run, then "l" steps between points rounded to 0.1 unit, the
  // steps taken between the rounded absolute positions (no drift), written short ("l2.8-.3"): a third
  // smaller than absolute "L" pairs for the same points.
  void line(const std::string& name, const char* colour, const std::vector<SeriesBin>& bins, const std::vector<double>& v) {
    std::string d;
    bool pen = false;
    long px = 0, py = 0;  // the previous point in tenths
    for (size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) { pen = false; continue; }
      const long nx = std::lround(x(bins[i].t_sec) * 10), ny = std::lround(y(v[i]) * 10);
      if (!pen) {
        d += "M" + fmt(nx / 10.0) + " " + fmt(ny / 10.0);
      } else {
        const std::string dy = short_tenths(ny - py);
        d += "l" + short_tenths(nx - px) + (dy[0] == '-' ? "" : " ") + dy;
      }
      px = nx, py = ny, pen = true;
    }
    body += "<path class=\"trace\" data-series=\"" + html_escape(name) + "\" stroke=\"" + colour + "\" d=\"" + d +
            "\"><title>" + html_escape(name) + "</title></path>";
  }
  std::string svg() const {
    std::string s = "<figure class=\"plot\" data-plot=\"" + html_escape(id) + "\" data-end-min=\"" + exact_number(end_min) +
                    "\"><div class=\"plot-title\">" + html_escape(title) + "</div><svg viewBox=\"0 0 " + fmt(kW) + " " +
                    fmt(kH) + "\" width=\"" + fmt(kW) + "\" height=\"" + fmt(kH) + "\" role=\"img\"";
    if (cursor)
      s += " data-x0=\"" + fmt(kLeft) + "\" data-x1=\"" + fmt(kW - kRight) + "\" data-end-sec=\"" + exact_number(end_min * 60) + "\"";
    s += ">";
    for (const auto& r : *rated) s += rated_mark(r);
    for (const auto& seg : *segments)
      s += "<rect class=\"segment\" x=\"" + fmt(x(seg.start_sec)) + "\" y=\"" + fmt(kTop) + "\" width=\"" +
           fmt(x(seg.end_sec) - x(seg.start_sec)) + "\" height=\"" + fmt(kH - kTop - kBottom) + "\"><title>" +
           html_escape(seg.label) + "</title></rect><text class=\"segment-label\" x=\"" + fmt(x(seg.start_sec) + 2) +
           "\" y=\"" + fmt(kTop + 10) + "\">" + html_escape(seg.label) + "</text>";
    for (double v : {0.0, y_max / 2, y_max})
      s += "<line class=\"grid\" x1=\"" + fmt(kLeft) + "\" x2=\"" + fmt(kW - kRight) + "\" y1=\"" + fmt(y(v)) + "\" y2=\"" +
           fmt(y(v)) + "\"/><text class=\"tick\" x=\"" + fmt(kLeft - 4) + "\" y=\"" + fmt(y(v) + 4) + "\">" + shown_number(v) + "</text>";
    const double step = end_min > 30 ? 10 : end_min > 6 ? 2 : end_min > 1.5 ? 0.5 : 0.1;
    for (double m = 0; m <= end_min + 1e-9; m += step)
      s += "<text class=\"tick x\" x=\"" + fmt(x(m * 60)) + "\" y=\"" + fmt(kH - 10) + "\">" + shown_number(m) + "</text>";
    s += "<text class=\"axis\" x=\"" + fmt(kW - kRight) + "\" y=\"" + fmt(kH) + "\">min</text>";
    if (first_min < end_min)
      s += "<line class=\"first-window\" x1=\"" + fmt(x(first_min * 60)) + "\" x2=\"" + fmt(x(first_min * 60)) + "\" y1=\"" +
           fmt(kTop) + "\" y2=\"" + fmt(kH - kBottom) + "\"><title>end of the first " + tenths(first_min) +
           " minutes</title></line>";
    if (cursor)
      s += "<line class=\"cursor\" x1=\"" + fmt(kLeft) + "\" x2=\"" + fmt(kLeft) + "\" y1=\"" + fmt(kTop) + "\" y2=\"" +
           fmt(kH - kBottom) + "\" visibility=\"hidden\"/>";
    return s + body + "</svg></figure>";
  }
  // The rated segment shaded, labelled with the mean CEAS Mode over raters; every score in its <title>.
  std::string rated_mark(const RatedSegment& r) const {
    double mode = 0;
    std::string detail = "rated " + tenths(r.start_sec) + "-" + tenths(r.end_sec) + " s:";
    for (const auto& sc : r.scores) {
      mode += sc.ceas_mode;
      detail += " " + sc.rater + " mode " + std::to_string(sc.ceas_mode) + " peak " + std::to_string(sc.ceas_peak) +
                (sc.primary_emotion.empty() ? "" : " " + sc.primary_emotion) + ";";
    }
    const std::string label = r.scores.empty() ? "CEAS" : "CEAS " + tenths(mode / static_cast<double>(r.scores.size()));
    return "<g class=\"rated\" data-start-sec=\"" + exact_number(r.start_sec) + "\" data-end-sec=\"" + exact_number(r.end_sec) +
           "\"><rect class=\"segment rated\" x=\"" + fmt(x(r.start_sec)) + "\" y=\"" + fmt(kTop) + "\" width=\"" +
           fmt(x(r.end_sec) - x(r.start_sec)) + "\" height=\"" + fmt(kH - kTop - kBottom) + "\"><title>" + html_escape(detail) +
           "</title></rect><text class=\"segment-label rated\" x=\"" + fmt(x(r.start_sec) + 2) + "\" y=\"" + fmt(kTop + 22) + "\">" +
           html_escape(label) + "</text></g>";
  }
};

std::string role_plots(const measures::RoleSeries& role, const SessionPageInput& in, double end_sec, bool cursor) {
  if (!role.present) return "<p class=\"missing\">The " + role.role + "'s face was not measured in any frame.</p>";
  const auto bins = bin_series(role, 1.0);
  Plot emo{role.role + "-emotions", role.role + ": emotion probabilities (1-s bins, 5-s moving mean)",
           std::max(end_sec / 60, 1.0 / 60), in.options.first_min, &in.segments, &in.rated, cursor, {}};
  Plot smile = emo;
  smile.id = role.role + "-smile";
  smile.title = role.role + ": smile intensity (1-s bins, 5-s moving mean)";
  std::vector<double> v(bins.size());
  for (int e = 0; e < kEmotionCount; ++e) {
    for (size_t i = 0; i < bins.size(); ++i) v[i] = bins[i].p[e];
    emo.line(std::string(kEmotionNames[e]), kColours[e], bins, smooth(v, kSmoothHalf));
  }
  for (size_t i = 0; i < bins.size(); ++i) v[i] = bins[i].smile;
  const auto smoothed = smooth(v, kSmoothHalf);
  smile.set_y_max(smoothed);
  smile.line("smile_intensity", "#d4ac0d", bins, smoothed);
  std::string legend = "<p class=\"legend\">";
  for (int e = 0; e < kEmotionCount; ++e)
    legend += "<span style=\"color:" + std::string(kColours[e]) + "\">&#9632; " + std::string(kEmotionNames[e]) + "</span> ";
  return emo.svg() + legend + "</p>" + smile.svg();
}

std::string rated_table(const std::vector<RatedSegment>& rated) {
  if (rated.empty()) return "";
  std::string h = "<h2>Rated segments</h2><table class=\"rated\"><tr><th>start (s)</th><th>end (s)</th><th>rater</th>"
                  "<th>CEAS Mode</th><th>CEAS Peak</th><th>primary emotion</th></tr>";
  for (const auto& r : rated)
    for (const auto& sc : r.scores)
      h += "<tr>" + number_cell(r.start_sec, "start_sec") + number_cell(r.end_sec, "end_sec") + text_cell(sc.rater, "rater") +
           count_cell(sc.ceas_mode, "ceas_mode") + count_cell(sc.ceas_peak, "ceas_peak") + text_cell(sc.primary_emotion, "primary_emotion") + "</tr>";
  return h + "</table>";
}

// The group of a measure on the session page: 0 affect, 1 action units, gaze and head motion (the
// face-action part of the catalogue), 2 speaking and listening (its speaking part), 3 quality and bookkeeping
// (docs/report.md, "Session pages").
int measure_group(const std::string& name) {
  static const std::map<std::string, int> part = [] {
    std::map<std::string, int> g;
    for (const auto& m : measures::face_action_catalog()) g[m.name] = 1;
    for (const auto& m : measures::speaking_catalog(measures::measure_catalog())) g[m.name] = 2;
    return g;
  }();
  if (study::is_quality_column(name)) return 3;
  const auto it = part.find(name);
  return it == part.end() ? 0 : it->second;
}

std::string measures_table(const measures::RoleTable& table, const SessionPageInput& in) {
  const auto rows = in.stored_measures.empty() ? measures::compute_measures(table, in.segments, in.options) : in.stored_measures;
  std::vector<const measures::RoleWindowMeasures*> cols;
  for (const auto& r : rows)
    if (r.window.kind == "session" || r.window.kind == "first") cols.push_back(&r);
  std::string head = "<tr><th>measure</th>";
  for (const auto* c : cols)
    head += "<th>" + html_escape(c->role + (c->window.kind == "first" ? " (first " + tenths(in.options.first_min) + " min)" : "")) + "</th>";
  head += "</tr>";
  static constexpr const char* kGroups[] = {"Affect", "Action units, gaze and head motion",
                                            "Over listening and speaking frames; turns", "Quality and bookkeeping"};
  const auto& catalog = measures::measure_catalog();
  std::string h;
  for (int g = 0; g < 4; ++g) {
    std::string body;
    int n = 0;
    for (size_t m = 0; m < catalog.size(); ++m) {
      if (measure_group(catalog[m].name) != g) continue;
      ++n;
      body += "<tr><td title=\"" + html_escape(catalog[m].description) + "\">" + html_escape(catalog[m].name) + "</td>";
      for (const auto* c : cols) body += number_cell(c->values[m], c->role + "." + c->window.kind + "." + catalog[m].name);
      body += "</tr>";
    }
    if (n == 0) continue;
    h += std::string("<details class=\"measure-group\"") + (g < 2 ? " open" : "") + "><summary>" + kGroups[g] + " (" +
         std::to_string(n) + ")</summary><table class=\"measures\">" + head + body + "</table></details>";
  }
  return h;
}

std::string quality(const measures::RoleTable& table, const nlohmann::json& sc, const std::string& sidecar_name,
                    SessionPageResult& result) {
  std::string h = "<table class=\"quality\"><tr><th>role</th><th>analysed frames</th><th>valid-face share</th><th>mean confidence</th></tr>";
  for (const auto* r : {&table.patient, &table.therapist}) {
    int valid = 0;
    double conf = 0;
    for (const auto& f : r->frames)
      if (f.valid) ++valid, conf += f.confidence;
    const double n = static_cast<double>(r->frames.size());
    h += "<tr><td>" + r->role + "</td>" + count_cell(static_cast<int64_t>(n), r->role + ".frames") +
         number_cell(n > 0 ? valid / n : NAN, r->role + ".valid_share") + number_cell(valid ? conf / valid : NAN, r->role + ".mean_confidence") + "</tr>";
  }
  h += "</table>";
  if (!sc.is_object())
    return h + "<p class=\"missing\">No sidecar (" + html_escape(sidecar_name) +
           ") beside the table: its decode facts and provenance are not on this page (a two-camera table's are in its "
           "cameras' sidecars).</p>";
  const auto v = sc.value("video", nlohmann::json::object());
  const auto corrupt = v.value("frames_corrupt", int64_t{0}), errors = v.value("decode_errors", int64_t{0});
  h += "<p class=\"decode\">Frames decoded <span data-k=\"frames_decoded\">" + std::to_string(v.value("frames_decoded", int64_t{0})) +
       "</span>, corrupt <span data-k=\"frames_corrupt\">" + std::to_string(corrupt) + "</span>, decode errors <span data-k=\"decode_errors\">" +
       std::to_string(errors) + "</span>.</p>";
  if (corrupt > 0 || errors > 0) result.warnings.push_back(std::to_string(corrupt) + " corrupt frames, " + std::to_string(errors) + " decode errors");
  if (v.value("truncated", false))
    result.warnings.push_back("decoding stopped at " + shown_number(v.value("last_t_sec", 0.0)) + " s: " + v.value("first_error", std::string()));
  for (const auto& w : sc.value("warnings", nlohmann::json::array())) result.warnings.push_back(w.is_string() ? w.get<std::string>() : w.dump());
  for (const auto& w : result.warnings) h += "<p class=\"warning\">" + html_escape(w) + "</p>";
  return h;
}

std::string provenance(const nlohmann::json& sc) {
  if (!sc.is_object()) return "";
  const auto revision = sc.find("measurement_revision");  // absent: made before revisions were recorded
  const std::string revision_text =
      revision != sc.end() && revision->is_number_integer() ? std::to_string(revision->get<int>()) : "1";
  std::string h = "<h2>Provenance</h2><p>psyface " + html_escape(sc.value("psyface_version", std::string("?"))) +
                  " (measurement revision " + revision_text + "), analysed " +
                  html_escape(sc.value("started", std::string("?"))) + "; video " +
                  html_escape(sc.value("video", nlohmann::json::object()).value("path", std::string("?"))) +
                  "</p><table class=\"models\"><tr><th>model</th><th>sha256</th><th>source</th></tr>";
  for (const auto& m : sc.value("models", nlohmann::json::array()))
    h += "<tr>" + text_cell(m.value("name", ""), "model") + text_cell(m.value("sha256", ""), "sha256") + text_cell(m.value("source", ""), "source") + "</tr>";
  h += "</table><p class=\"options\">Options: ";
  const auto options = sc.value("options", nlohmann::json::object());
  for (const auto& [k, val] : options.items())
    h += "<code>" + html_escape(k) + "=" + html_escape(val.is_string() ? val.get<std::string>() : val.dump()) + "</code> ";
  return h + "</p>";
}

constexpr const char* kStyle =
    "body{font:14px system-ui,sans-serif;margin:1.5em;max-width:960px;color:#222}table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:2px 6px}td.num{text-align:right}svg .trace{fill:none;stroke-width:1.2}"
    "svg .grid{stroke:#eee}svg .tick,svg .axis{font-size:10px;text-anchor:end;fill:#555}svg .tick.x{text-anchor:middle}"
    "svg .first-window{stroke:#333;stroke-dasharray:4 3}svg .segment{fill:#f4d03f;opacity:.25}svg .segment-label{font-size:10px;fill:#7d6608}"
    ".warning{color:#a00}.missing{color:#777}figure{margin:.5em 0}.plot-title{font-weight:600}code{margin-right:.6em}"
    "svg .segment.rated{fill:#5dade2}svg .segment-label.rated{fill:#1b4f72}svg .cursor{stroke:#c0392b;stroke-width:1.5}"
    ".viewer{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ccc;padding:.4em 0}"
    ".cameras{display:flex;gap:8px}.cameras figure{margin:0;flex:1}.cameras video{width:100%;max-height:36vh;background:#000}"
    "figcaption,.viewer-help{font-size:12px;color:#555;margin:.2em 0}.no-video{color:#777}svg[data-end-sec]{cursor:crosshair}"
    "details.measure-group>summary{font-weight:600;cursor:pointer;margin:.5em 0 .2em}";

}  // namespace

std::string session_page_html(const SessionPageInput& in, SessionPageResult& result) {
  measures::check_measure_options(in.options);
  const auto table = measures::read_role_table(in.frames_text, in.frames_source);
  nlohmann::json sc;
  if (!in.sidecar.empty() && std::filesystem::exists(in.sidecar)) {
    try {
      sc = nlohmann::json::parse(util::read_file(in.sidecar));
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::Input, in.sidecar.string() + ": not JSON (" + e.what() + ")");
    }
  }
  double end_sec = 0;
  for (const auto* r : {&table.patient, &table.therapist})
    if (!r->frames.empty()) end_sec = std::max(end_sec, r->frames.back().t_sec);
  const SessionViewer viewer = session_viewer(in.videos, in.page_dir.empty() ? std::filesystem::path(".") : in.page_dir);
  result.player = viewer.player;
  std::string h = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
                  "content=\"" + session_page_csp(viewer.player) + "\"><title>psyface session: " + html_escape(in.title) +
                  "</title><style>" + kStyle + "</style></head><body>";
  if (!in.back_href.empty()) h += "<p><a class=\"back\" href=\"" + html_escape(in.back_href) + "\">&larr; study report</a></p>";
  h += "<h1>" + html_escape(in.title) + "</h1><p class=\"source\">Table: " + html_escape(in.frames_source) + "</p>" + viewer.html;
  for (const auto* r : {&table.patient, &table.therapist})
    h += "<section class=\"role\" data-role=\"" + r->role + "\"><h2>" + r->role + "</h2>" + role_plots(*r, in, end_sec, viewer.player) +
         "</section>";
  h += rated_table(in.rated) + "<h2>Measures</h2>" + measures_table(table, in) + "<h2>Quality</h2>" + quality(table, sc, in.sidecar.empty() ? std::string(".analysis.json") : in.sidecar.filename().string(), result) + provenance(sc);
  if (viewer.player) h += "<script>" + viewer_script() + "</script>";
  return h + "</body></html>\n";
}

SessionPageResult write_session_page(const SessionPageInput& in, const std::filesystem::path& out) {
  SessionPageResult result;
  SessionPageInput with_dir = in;
  with_dir.page_dir = out.parent_path();
  const auto html = session_page_html(with_dir, result);
  util::write_file_atomic(out, html);
  result.page = out;
  result.bytes = html.size();
  return result;
}

namespace {

// A two-camera table (<A>+<B>.frames.csv, written by `psyface analyze --patient-video A --therapist-video B`)
// has no sidecar of its own; its cameras' sidecars <A>.analysis.json (camera side A) and <B>.analysis.json
// (side B) beside it name the two videos and the offset. Empty when the stem is not such a pair.
// throws: Error(Input) naming a camera sidecar that is not JSON when both sidecars of a split exist (as for a
//         table's own sidecar); a split with one sidecar missing is not a pair and is passed over.
std::vector<SessionVideo> two_camera_videos(const std::filesystem::path& dir, const std::string& stem) {
  const auto read = [](const std::filesystem::path& p) {  // p exists
    auto j = nlohmann::json::parse(util::read_file(p), nullptr, false);
    if (j.is_discarded()) throw Error(ErrorCode::Input, p.string() + ": not JSON (a camera sidecar of this two-camera table)");
    return j;
  };
  const auto side_of = [](const nlohmann::json& sc) {
    const auto camera = sc.is_object() ? sc.value("camera", nlohmann::json::object()) : nlohmann::json::object();
    return camera.is_object() ? camera.value("side", std::string()) : std::string();
  };
  const auto video_of = [](const nlohmann::json& sc) {
    const auto video = sc.value("video", nlohmann::json::object());
    return video.is_object() ? video.value("path", std::string()) : std::string();
  };
  for (size_t plus = stem.find('+'); plus != std::string::npos; plus = stem.find('+', plus + 1)) {
    const auto pa = dir / (stem.substr(0, plus) + ".analysis.json"), pb = dir / (stem.substr(plus + 1) + ".analysis.json");
    if (!std::filesystem::exists(pa) || !std::filesystem::exists(pb)) continue;  // not this split: no pair here
    const auto a = read(pa);
    const auto b = read(pb);
    if (side_of(a) != "A" || side_of(b) != "B" || video_of(a).empty() || video_of(b).empty()) continue;
    const auto options = a.value("options", nlohmann::json::object());
    const double offset = options.is_object() && options.value("offset_sec", nlohmann::json()).is_number()
                              ? options["offset_sec"].get<double>()
                              : 0.0;
    return {{"patient camera", video_of(a), 0}, {"therapist camera", video_of(b), offset}};
  }
  return {};
}

}  // namespace

SessionPageResult write_video_report(const std::filesystem::path& table, std::filesystem::path out) {
  const std::string name = table.filename().string();
  const auto pos = name.rfind(".frames.csv");
  if (pos == std::string::npos || pos == 0)
    throw Error(ErrorCode::Input, table.string() + ": not a frames table (<stem>.frames.csv or .frames.csv.gz)");
  if (!std::filesystem::is_regular_file(table)) throw Error(ErrorCode::Input, table.string() + ": no such file");
  SessionPageInput in;
  in.title = name.substr(0, pos);
  in.frames_source = table.string();
  in.frames_text = table.extension() == ".gz" ? study::load_frames_table(table, "") : util::read_file(table);
  in.sidecar = sidecar_path_of(table);
  if (std::filesystem::exists(in.sidecar)) {
    const auto sc = nlohmann::json::parse(util::read_file(in.sidecar), nullptr, false);  // malformed: session_page_html says so
    const auto video = sc.is_object() ? sc.value("video", nlohmann::json::object()) : nlohmann::json::object();
    if (video.is_object() && video.value("path", std::string()) != "") in.videos.push_back({"video", video.value("path", std::string()), 0});
  } else {
    in.videos = two_camera_videos(table.parent_path(), in.title);
  }
  if (out.empty()) out = table.parent_path() / (in.title + ".report.html");
  return write_session_page(in, out);
}

}  // namespace psyface::report

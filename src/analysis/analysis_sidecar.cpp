// The analysis sidecar's JSON (analysis_sidecar.hpp).
#include "analysis/analysis_sidecar.hpp"

#include <ctime>

#include "faces/roles.hpp"
#include "psyface/version.hpp"

namespace psyface::analysis {
namespace {

nlohmann::json persons_json(const PersonResult& p) {
  nlohmann::json persons = nlohmann::json::array();
  for (const auto& person : p.persons.persons) {
    auto role = p.roles.roles.find(person.person_id);
    auto why = p.roles.reasons.find(person.person_id);
    persons.push_back({{"person_id", person.person_id},
                       {"tracks", person.track_ids},
                       {"frames", person.frames},
                       {"embeddings", person.embeddings},
                       {"first_sec", person.first_t_sec},
                       {"last_sec", person.last_t_sec},
                       {"role", role == p.roles.roles.end() ? "unknown" : std::string(faces::role_name(role->second))},
                       {"reason", why == p.roles.reasons.end() ? "" : why->second}});
  }
  return {{"layout", faces::layout_name(p.roles.layout)},
          {"layout_reason", p.roles.layout_reason},
          {"divider_x_norm", p.layout.divider_x_norm},
          {"layout_evidence", p.layout.evidence},
          {"inset_evidence", p.layout.inset.evidence},
          {"embeddings_computed", p.embeddings},
          {"persons", persons}};
}

nlohmann::json summary_json(const AnalyzeSummary& s, const std::string& started, nlohmann::json options) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : s.models) models.push_back({{"name", m.name}, {"sha256", m.sha256}, {"source", m.source}});
  const auto& v = s.video;
  const auto& d = s.decode;
  const auto& t = s.times;
  return {{"format", "psyface-analysis"},
          {"format_version", 1},
          {"psyface_version", kVersion},
          {"measurement_revision", kMeasurementRevision},
          {"started", started},
          {"finished", now_iso8601()},
          {"options", std::move(options)},
          {"models", models},
          {"video",
           {{"path", v.path}, {"container", v.container_format}, {"codec", v.codec_name}, {"width_px", v.width_px},
            {"height_px", v.height_px}, {"nominal_fps", v.nominal_fps}, {"duration_sec", v.duration_sec},
            {"frame_count_estimate", v.frame_count_estimate}, {"frames_decoded", d.frames_decoded},
            {"frames_analysed", s.frames_analysed}, {"frames_corrupt", d.frames_corrupt},
            {"decode_errors", d.decode_errors}, {"timestamps_repaired", d.timestamps_repaired},
            {"frame_index_estimated", d.frame_index_estimated},
            {"truncated", d.truncated}, {"undecoded_sec", d.undecoded_sec}, {"last_t_sec", d.last_t_sec},
            {"first_error", d.first_error}, {"stored_width_px", v.stored_width_px},
            {"stored_height_px", v.stored_height_px},
            {"pixel_aspect", video::pixel_aspect_text(v)},
            {"rotation_deg", v.orientation.rotation_cw_deg},
            {"hflip", v.orientation.hflip}, {"rotation_source", v.orientation_source}}},
          {"rows", {{"face", s.face_rows}, {"no_face", s.no_face_rows}}},
          {"tracking",
           {{"tracks_started", s.tracking.tracks_started}, {"reacquisitions", s.tracking.reacquisitions},
            {"detector_runs", s.tracking.detector_runs}, {"mesh_runs", s.tracking.mesh_runs}}},
          {"timing_ms",
           {{"wall", s.wall_sec * 1000}, {"decode_wait", t.decode_wait_ms}, {"detect", t.detect_ms},
            {"mesh", t.mesh_ms}, {"crop_geometry", t.crop_geometry_ms}, {"emotion", t.emotion_ms},
            {"write", t.write_ms}, {"persons", t.persons_ms}}},
          {"persons", persons_json(s.persons)},
          {"cancelled", s.cancelled}};
}

// Every decision that changed rows, counted, so a study can list the sessions that need a look
// (docs/output-format.md).
nlohmann::json decisions_json(const AnalyzeSummary& s, const LabelReport& labels) {
  nlohmann::json splits = nlohmann::json::array();
  for (const auto& x : s.persons.splits.splits)
    splits.push_back({{"face_id", x.track_id}, {"t_sec", x.t_sec}, {"new_face_id", x.new_face_id},
                      {"similarity", x.similarity}});
  nlohmann::json both = nlohmann::json::array();
  for (const auto& p : labels.persons_in_both_panels)
    both.push_back({{"person_id", p.person_id}, {"rows_left", p.rows_left}, {"rows_right", p.rows_right}});
  const auto& panels = s.persons.panels;
  return {{"rotation_deg", s.video.orientation.rotation_cw_deg},
          {"hflip", s.video.orientation.hflip},
          {"rotation_source", s.video.orientation_source},
          {"shot_cuts", s.shot_cut_sec.size()},
          {"shot_cut_sec", s.shot_cut_sec},
          {"track_splits", splits.size()},
          {"splits", splits},
          {"panel_roles", panels.active},
          {"panel_reason", panels.reason},
          {"panel_overrides", labels.panel.overrides},
          {"panel_demoted_to_other", labels.panel.demoted},
          {"persons_in_both_panels", both}};
}

}  // namespace

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

nlohmann::json sidecar_json(const AnalyzeSummary& summary, const LabelReport& labels, const std::string& started,
                            nlohmann::json options) {
  nlohmann::json sidecar = summary_json(summary, started, std::move(options));
  sidecar["decisions"] = decisions_json(summary, labels);
  return sidecar;
}

}  // namespace psyface::analysis

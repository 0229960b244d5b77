// Study-wide analysis options of the done sessions (see analysis_options.hpp).
#include "study/analysis_options.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "psyface/version.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "util/sha256.hpp"

namespace psyface::study {
namespace {

bool is_flag(const std::string& s) { return s.size() > 2 && s.compare(0, 2, "--") == 0; }

// options_json of a run ({"analyze": [...], "models": "...", per-session fields}) -> the shared options.
SessionAnalysisOptions shared_options(const std::string& session_id, const std::string& options_json) {
  SessionAnalysisOptions o;
  o.session_id = session_id;
  const auto j = nlohmann::json::parse(options_json, nullptr, false);
  std::vector<std::string> args;
  if (j.is_object() && j.contains("analyze") && j["analyze"].is_array())
    for (const auto& a : j["analyze"]) args.push_back(a.is_string() ? a.get<std::string>() : a.dump());
  if (j.is_object() && j.contains("models") && j["models"].is_string()) o.models = j["models"].get<std::string>();
  // A session's own focal_px column replaced the study's --focal-px in its analyze call (batch_runner's
  // child_args): record the value that was used.
  if (j.is_object() && j.contains("focal_px") && j["focal_px"].is_string())
    apply_session_focal_px(args, j["focal_px"].get<std::string>());
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool has_value = is_flag(args[i]) && i + 1 < args.size() && !is_flag(args[i + 1]);
    if (args[i] == "--models") {  // the folder's path; its models' checksum is compared instead
      i += has_value;
      continue;
    }
    kept.push_back(args[i]);
    if (has_value) kept.push_back(args[i + 1]);
    o.values[args[i]] = has_value ? args[i + 1] : "on";
    i += has_value;
  }
  for (const auto& k : kept) o.options += (o.options.empty() ? "" : " ") + k;
  o.values["models"] = o.models.empty() ? "not recorded" : o.models;
  if (j.is_object() && j.contains("measurement_revision") && j["measurement_revision"].is_number_integer())
    o.measurement_revision = j["measurement_revision"].get<int>();
  o.values["measurement revision"] = std::to_string(o.measurement_revision);
  o.options_hash = util::sha256_bytes(
      nlohmann::json{{"analyze", kept}, {"models", o.models}, {"measurement_revision", o.measurement_revision}}.dump());
  return o;
}

std::string list_ids(const std::vector<std::string>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size() && i < 5; ++i) s += (i ? ", " : "") + ids[i];
  return ids.size() > 5 ? s + ", ..." : s;
}

// option -> value -> sessions, for the options whose value is not the same in every done session
// (an option absent from a session counts as the value "absent").
std::map<std::string, std::map<std::string, std::vector<std::string>>> differences(
    const std::vector<SessionAnalysisOptions>& sessions) {
  std::set<std::string> keys;
  for (const auto& s : sessions)
    for (const auto& [k, v] : s.values) keys.insert(k);
  std::map<std::string, std::map<std::string, std::vector<std::string>>> out;
  for (const auto& k : keys) {
    std::map<std::string, std::vector<std::string>> by_value;
    for (const auto& s : sessions) {
      const auto it = s.values.find(k);
      by_value[it == s.values.end() ? "absent" : it->second].push_back(s.session_id);
    }
    if (by_value.size() > 1) out[k] = std::move(by_value);
  }
  return out;
}

std::string shown(const std::string& key, const std::string& value) {
  if (key == "models") return "models " + value.substr(0, 12);
  return value == "on" ? key : key + " " + value;
}

}  // namespace

std::vector<SessionAnalysisOptions> done_session_options(SqliteDb& db) {
  Statement q(db, R"(SELECT s.session_id,
      (SELECT r.options_json FROM runs r WHERE r.session_id = s.session_id AND r.options_hash = s.options_hash
         AND r.status = 'done' ORDER BY r.run_id DESC LIMIT 1)
    FROM sessions s WHERE s.status = 'done' ORDER BY s.session_id)");
  std::vector<SessionAnalysisOptions> out;
  while (q.step()) out.push_back(shared_options(q.text(0), q.text(1)));
  return out;
}

std::map<std::string, std::string> differing_options(const std::vector<SessionAnalysisOptions>& sessions) {
  std::map<std::string, std::string> out;
  for (const auto& [key, by_value] : differences(sessions))
    for (const auto& [value, ids] : by_value)
      for (const auto& id : ids) out[id] += (out[id].empty() ? "" : " ") + shown(key, value);
  return out;
}

namespace {

// "" when every done session was measured by this psyface's revision; else which were not, and what to do.
std::string older_revision_warning(const std::vector<SessionAnalysisOptions>& sessions) {
  std::map<int, std::vector<std::string>> other;
  for (const auto& s : sessions)
    if (s.measurement_revision != kMeasurementRevision) other[s.measurement_revision].push_back(s.session_id);
  if (other.empty()) return "";
  std::string text;
  for (const auto& [revision, ids] : other)
    text += (text.empty() ? "" : "; ") + std::to_string(ids.size()) + " (" + list_ids(ids) + ") by revision " +
            std::to_string(revision) + (revision == 1 ? " (made before revisions were recorded)" : "");
  return "done sessions were measured by another psyface measurement revision than this psyface's " +
         std::to_string(kMeasurementRevision) + ": " + text +
         ". psyface study run analyses them again (docs/output-format.md, \"Measurement revisions\")";
}

}  // namespace

std::string options_mismatch_warning(const std::vector<SessionAnalysisOptions>& sessions) {
  const auto diff = differences(sessions);
  if (diff.empty()) return older_revision_warning(sessions);
  std::string text = "the done sessions were analysed with different options, so their measures are not comparable:";
  for (const auto& [key, by_value] : diff) {
    std::string part;
    for (const auto& [value, ids] : by_value)
      part += (part.empty() ? "" : "; ") + shown(key, value) + " in " + std::to_string(ids.size()) + " (" +
              list_ids(ids) + ")";
    text += " " + part + ".";
  }
  text += " Run psyface study run again with one set of options (it re-analyses the sessions that differ); "
          "the export's session_info.csv lists each session's options";
  // revisions that differ among the sessions are named above; all of them older than this psyface's are not
  if (!diff.count("measurement revision"))
    if (const auto older = older_revision_warning(sessions); !older.empty()) text += ". Also: " + older;
  return text;
}

std::string study_options_warning(const std::filesystem::path& dir, const std::string& journal) {
  StudyDb db(dir / "study.sqlite", false, journal);
  return options_mismatch_warning(done_session_options(db.raw()));
}

}  // namespace psyface::study

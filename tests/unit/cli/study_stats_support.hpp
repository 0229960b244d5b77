// Study folders whose sessions are stored as done through the study API (no video analysed): a synthetic
// two-person per-frame table per session in DIR/frames/, its measures and a run with given options. For the
// end-to-end tests of psyface stats and study export on a real study database.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "measures/affect_measures.hpp"
#include "psyface/records.hpp"
#include "psyface/version.hpp"
#include "study/frames_store.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "study/study_paths.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

namespace psyface::test {
namespace fs = std::filesystem;

constexpr double kDurationSec = 120;
constexpr double kFps = 2;

inline std::string session_id(int k) { return "S" + std::to_string(k + 1); }
inline std::string patient_id(int k) { return "P" + std::to_string(k / 2 + 1); }

// A two-person frames table as psyface analyze writes it: the patient's happiness follows a slow sine whose
// phase and level depend on the session; every 13th frame has no patient face.
inline std::string frames_table(int k) {
  std::ostringstream out;
  out << "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
         "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\n";
  const int frames = static_cast<int>(kDurationSec * kFps);
  for (int i = 0; i < frames; ++i) {
    const double t = i / kFps;
    auto row = [&](int face, const char* role, double happy) {
      const double rest = 1 - happy;
      const std::array<double, 7> p = {rest * 0.6, happy, rest * 0.25, 0, 0, 0, rest * 0.15};
      const int dom = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
      char buf[400];
      std::snprintf(buf, sizeof buf, "%d,%d,%d,%s,%.3f,1,0.9,%.6f,%.6f,%.6f,0,0,0,%.6f,%s,%.6f,%.6f\n", i, face, face,
                    role, t, p[0], p[1], p[2], p[6], std::string(kEmotionNames[dom]).c_str(), happy - p[2], happy);
      out << buf;
    };
    if (i % 13 != 5) row(0, "patient", 0.45 + 0.05 * k * 0.5 + 0.4 * std::sin(t / (6 + k) + k));
    row(1, "therapist", 0.5 + 0.3 * std::sin(t / 9 + 0.5 * k));
  }
  return out.str();
}

// The options a run of this psyface records at the least: its measurement revision.
inline std::string current_run_options() {
  return nlohmann::json{{"measurement_revision", kMeasurementRevision}}.dump();
}

// Stores session k as done through the study API: frames table into DIR/frames/, measures computed from
// it (with the study's segments and options), run recorded with `options_json` as its options (the
// options hash is that text's SHA-256; "synthetic" for current_run_options()). The measures hash is a
// placeholder, so the next refresh recomputes the measures from the stored table as after a measure
// option change.
inline void store_done_session(study::StudyDb& db, const fs::path& dir, int k,
                               const std::map<std::string, std::vector<measures::Segment>>& segments,
                               const study::StudyConfig& config, const std::string& options_json = current_run_options()) {
  const std::string id = session_id(k);
  const std::string text = frames_table(k);
  const fs::path csv = dir / "tmp" / (id + ".frames.csv");
  fs::create_directories(csv.parent_path());
  util::write_file_atomic(csv, text);
  study::AnalysisOutcome o;
  o.fingerprint = "synthetic";
  o.options_hash = options_json == current_run_options() ? "synthetic" : util::sha256_bytes(options_json);
  o.options_json = options_json;
  o.frames_file = "frames/" + study::session_file_name(id) + ".frames.csv.gz";
  o.frames_sha256 = study::store_frames_table(csv, dir / o.frames_file);
  o.duration_sec = kDurationSec;
  fs::remove(csv);
  const auto it = segments.find(id);
  const auto rows = measures::compute_measures(measures::read_role_table(text, csv.string()),
                                               it == segments.end() ? std::vector<measures::Segment>{} : it->second,
                                               config.measures);
  const auto state = db.session(id);
  ASSERT_TRUE(state);
  const int64_t run = db.claim(id, state->claim_token, {"tok" + id, "test", 1, 0}, o.options_hash, o.options_json);
  ASSERT_GT(run, 0);
  db.finish_done(id, run, o, "synthetic", rows, 0);
}

}  // namespace psyface::test

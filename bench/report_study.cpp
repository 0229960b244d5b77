// bench_report_study: time and size of `psyface report DIR` on a synthetic study (docs/report.md,
// docs/benchmarks.md). Builds DIR with N sessions stored as analysed through the study API (two-person
// per-frame tables made here, no video), ratings of 3 segments x 2 raters in every session and outcomes
// with dropouts, then writes the report (index and one session page per session) and prints its figures.
// Load time in the browser: bench/report_load.mjs. Never fails on speed.
//   bench_report_study --sessions 400 --out DIR [--minutes 50] [--fps 1] [--sessions-per-patient 10]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>

#include "measures/affect_measures.hpp"
#include "psyface/records.hpp"
#include "report/study_report.hpp"
#include "stats/study_import.hpp"
#include "study/frames_store.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "study/study_paths.hpp"
#include "util/atomic_file.hpp"

using namespace psyface;
namespace fs = std::filesystem;

namespace {

struct Args {
  int sessions = 10, per_patient = 10;
  double minutes = 50, fps = 1;
  fs::path out;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// "<prefix><n>" (built by append: GCC 12 warns falsely about "S" + std::string inlined)
std::string numbered(const char* prefix, int n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}
std::string id_of(int k) { return numbered("S", k + 1); }
std::string patient_of(int k, const Args& a) { return numbered("P", k / a.per_patient + 1); }

// A two-person table: happiness of each role follows slow sines whose level depends on the session; one
// patient frame in 13 has no face.
std::string frames_table(int k, const Args& a) {
  std::ostringstream out;
  out << "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
         "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\n";
  const int frames = static_cast<int>(a.minutes * 60 * a.fps);
  char buf[400];
  for (int i = 0; i < frames; ++i) {
    const double t = i / a.fps;
    for (int face = 0; face < 2; ++face) {
      if (face == 0 && i % 13 == 5) continue;
      const double happy = face == 0 ? 0.4 + 0.03 * (k % 7) + 0.35 * std::sin(t / (40 + k % 11) + k)
                                     : 0.5 + 0.3 * std::sin(t / 60 + 0.5 * k + 0.02 * t * (k % 3));
      const double rest = 1 - happy;
      const double p[7] = {rest * 0.6, happy, rest * 0.25, 0, 0, 0, rest * 0.15};
      const int dom = happy > rest * 0.6 ? 1 : 0;
      std::snprintf(buf, sizeof buf, "%d,%d,%d,%s,%.3f,1,0.9,%.6f,%.6f,%.6f,0,0,0,%.6f,%s,%.6f,%.6f\n", i, face, face,
                    face == 0 ? "patient" : "therapist", t, p[0], p[1], p[2], p[6],
                    std::string(kEmotionNames[dom]).c_str(), happy - p[2], happy);
      out << buf;
    }
  }
  return out.str();
}

void build_study(const Args& a) {
  fs::remove_all(a.out);
  fs::create_directories(a.out / "videos");
  std::string csv = "session_id,patient_id,therapist_id,session_number,date,video\n";
  for (int k = 0; k < a.sessions; ++k) {
    util::write_file_atomic(a.out / "videos" / (id_of(k) + ".mp4"), "synthetic");
    csv += id_of(k) + "," + patient_of(k, a) + "," + numbered("T", k % 5 + 1) + "," +
           std::to_string(k % a.per_patient + 1) + ",2024-01-01,videos/" + id_of(k) + ".mp4\n";
  }
  util::write_file_atomic(a.out / "sessions.csv", csv);
  util::write_file_atomic(a.out / "study.conf", "synchrony_surrogates = 20\n");
  const auto manifest = study::read_sessions_csv(a.out);
  const auto config = study::read_study_config(a.out);
  study::StudyDb db(a.out / "study.sqlite", true);
  db.sync_sessions(manifest);
  for (int k = 0; k < a.sessions; ++k) {
    const std::string text = frames_table(k, a), id = id_of(k);
    const fs::path csv_file = a.out / "tmp" / (id + ".frames.csv");
    fs::create_directories(csv_file.parent_path());
    util::write_file_atomic(csv_file, text);
    study::AnalysisOutcome o;
    o.fingerprint = o.options_hash = "synthetic";
    o.options_json = "{}";
    o.model_checksums = "face-api:synthetic;mini-xception:synthetic;";
    o.frames_file = "frames/" + study::session_file_name(id) + ".frames.csv.gz";
    o.frames_sha256 = study::store_frames_table(csv_file, a.out / o.frames_file);
    o.duration_sec = a.minutes * 60;
    fs::remove(csv_file);
    const auto rows = measures::compute_measures(measures::read_role_table(text, csv_file.string()), {}, config.measures);
    const auto state = db.session(id);
    const int64_t run = db.claim(id, state->claim_token, {"bench", "bench", 1, 0}, o.options_hash, o.options_json);
    db.finish_done(id, run, o, "synthetic", rows, 0);
  }
}

void import_ratings_and_outcomes(const Args& a) {
  std::vector<stats::HumanRating> ratings;
  const char* emotions[] = {"joy", "sadness", "anger", ""};
  for (int k = 0; k < a.sessions; ++k)
    for (int s = 0; s < 3; ++s)
      for (int r = 0; r < 2; ++r) {
        const int mode = 1 + (k * 3 + s * 2 + r + k * s) % 6;
        ratings.push_back({id_of(k), 60.0 + 300 * s, 120.0 + 300 * s, numbered("R", r + 1), mode,
                           std::min(7, mode + (s * r + k) % 3), emotions[(k + s + r) % 4], "bench"});
      }
  stats::import_ratings(a.out, ratings);
  std::vector<stats::OutcomeRecord> outcomes;
  const int patients = (a.sessions + a.per_patient - 1) / a.per_patient;
  for (int p = 0; p < patients; ++p)
    outcomes.push_back({numbered("P", p + 1), 30.0 + p % 5, 20.0 + (p * 7) % 11, p % 4 == 3 ? 1 : 0, {}, "bench"});
  stats::import_outcomes(a.out, outcomes, {true, false});
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--sessions") a.sessions = std::stoi(v);
    else if (k == "--out") a.out = v;
    else if (k == "--minutes") a.minutes = std::stod(v);
    else if (k == "--fps") a.fps = std::stod(v);
    else if (k == "--sessions-per-patient") a.per_patient = std::stoi(v);
    else return std::fprintf(stderr, "unknown option %s\n", k.c_str()), 2;
  }
  if (a.out.empty()) return std::fprintf(stderr, "usage: bench_report_study --sessions N --out DIR\n"), 2;
  auto t0 = std::chrono::steady_clock::now();
  build_study(a);
  import_ratings_and_outcomes(a);
  std::printf("study: %d sessions of %.0f min at %.3g fps (%d patients) built and rated in %.1f s\n", a.sessions,
              a.minutes, a.fps, (a.sessions + a.per_patient - 1) / a.per_patient, seconds_since(t0));
  t0 = std::chrono::steady_clock::now();
  const auto s = report::write_study_report(a.out, {});
  std::printf("psyface report: %.2f s, index.html %.0f KB (%.2f MB), %zu statistics files, %d session pages "
              "(%.1f MB in all, largest %.0f KB, %d with a player)\n", seconds_since(t0), s.bytes / 1024.0,
              s.bytes / 1048576.0, s.stats_files.size(), s.session_pages.pages, s.session_pages.bytes / 1048576.0,
              s.session_pages.largest_bytes / 1024.0, s.session_pages.with_player);
  t0 = std::chrono::steady_clock::now();
  report::write_study_report(a.out, {});
  std::printf("psyface report again (measures up to date): %.2f s\n", seconds_since(t0));
  return 0;
}

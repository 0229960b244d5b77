// psyface analyze VIDEO --out DIR — per-frame facial affect for a session video.
#include <csignal>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <atomic>
#include <iostream>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "analysis/analysis_sidecar.hpp"
#include "analysis/face_session.hpp"
#include "analysis/row_labeler.hpp"
#include "analysis/session_analyzer.hpp"
#include "analysis/speaking_columns.hpp"
#include "analysis/two_camera_plan.hpp"
#include "cli/cli_common.hpp"
#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"
#include "faces/patient_reference.hpp"
#include "tables/frames_csv.hpp"
#include "tables/person_columns.hpp"
#include "analysis/two_camera_merge.hpp"
#include "util/atomic_file.hpp"
#include "util/number_text.hpp"
#include "util/progress.hpp"
#include "video/probe.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace psyface::cli {
namespace {

struct AnalyzeCliOptions : SessionAnalysisCliOptions {  // a, emotion, rotation, no_persons
  std::string video;
  std::string out_dir = "psyface-out";
  std::string layout = "auto";
  std::string patient = "left";
  std::string inset = "therapist";
  std::string patient_ref;         // study reference embedding: created when missing, checked otherwise
  float ref_threshold = -1;       // -1 = the identity threshold of the embedding model
  std::string patient_video, therapist_video;
  double offset_sec = 0;
  bool no_audio = false;          // skip the audio track: the speaking columns are NA
  ModelRunOptions run;
};

AnalyzeCliOptions g_opts;
std::atomic<bool> g_interrupted{false};

void on_sigint(int) {
  g_interrupted = true;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

nlohmann::json options_json() {
  const auto& a = g_opts.a;
  return {{"fps", a.read.sample_fps},
          {"rotation", g_opts.rotation},
          {"start_sec", a.read.start_sec},
          {"end_sec", a.read.end_sec},
          {"detector", a.tracker.detector.model},
          {"detect_every", a.tracker.detect_every_frames},
          {"min_face_px", a.tracker.detector.min_face_px},
          {"detection_threshold", a.tracker.detector.score_threshold},
          {"max_faces", a.tracker.detector.max_faces},
          {"mesh_min_presence", a.tracker.mesh.min_presence},
          {"model", g_opts.emotion.model},
          {"tta", g_opts.emotion.tta},
          {"engine", models::engine_name(models::default_engine())},
          {"crop_px", a.emotion_crop_px},
          {"crop_margin", a.crop_margin},
          {"low_confidence", a.low_confidence},
          {"large_yaw_deg", a.large_yaw_deg},
          {"focal_px", a.focal_px},
          {"landmarks", a.landmarks},
          {"persons", !g_opts.no_persons},
          {"embedding_model", a.persons.embedding_model},
          {"person_similarity", a.persons.identity.min_similarity},
          {"layout", g_opts.layout},
          {"patient", g_opts.patient},
          {"inset", g_opts.inset},
          {"role_min_presence", a.persons.roles.min_presence},
          {"patient_ref", g_opts.patient_ref},
          {"patient_video", g_opts.patient_video},
          {"therapist_video", g_opts.therapist_video},
          {"offset_sec", g_opts.offset_sec},
          {"audio", !g_opts.no_audio}};
}

// Mean emotion probabilities and smile per track, printed to stdout when the run ends.
struct TrackMeans {
  int64_t rows = 0;
  std::array<double, kEmotionCount> p{};
  double smile = 0;
};

void print_track_means(const std::map<int, TrackMeans>& tracks, int64_t frames, const analysis::PersonResult& persons) {
  std::printf("%-6s %-7s %-10s %7s %7s", "track", "person", "role", "frames", "share");
  for (auto n : kEmotionNames) std::printf(" %9.9s", std::string(n).c_str());
  std::printf(" %7s\n", "smile");
  for (const auto& [id, t] : tracks) {
    std::printf("%-6d %-7d %-10s %7lld %7.3f", id, persons.person_of(id),
                std::string(faces::role_name(persons.role_of(id))).c_str(), static_cast<long long>(t.rows),
                frames ? double(t.rows) / frames : 0.0);
    for (double v : t.p) std::printf(" %9.3f", v / t.rows);
    std::printf(" %7.3f\n", t.smile / t.rows);
  }
}

// --patient-ref. The reference file, when it exists, is read and checked for compatibility before any
// video is analysed (load_patient_reference), so a bad file costs no analysis time.
struct ReferenceCheck {
  std::optional<faces::PatientReference> existing;  // empty: create the reference from this session
};

// requires: --patient-ref given. ensures: the reference (when the file exists) made with this run's
// embedding model and recipe. throws Error(Input) naming the file otherwise, Error(Usage) with --no-persons.
ReferenceCheck load_patient_reference(const std::string& embedding_model) {
  if (g_opts.no_persons) throw Error(ErrorCode::Usage, "--patient-ref needs identity embeddings (drop --no-persons)");
  ReferenceCheck check;
  if (!std::filesystem::exists(g_opts.patient_ref)) return check;
  check.existing = faces::read_patient_reference(g_opts.patient_ref);
  if (check.existing->model != embedding_model)
    throw Error(ErrorCode::Input, g_opts.patient_ref + " was made with embedding model '" + check.existing->model +
                                      "', this run uses '" + embedding_model + "'");
  if (check.existing->recipe != faces::kEmbeddingRecipe)
    throw Error(ErrorCode::Input, g_opts.patient_ref + " was made with embedding recipe '" + check.existing->recipe +
                                      "', this psyface uses '" + faces::kEmbeddingRecipe + "'; rebuild the reference");
  return check;
}

// Creates the study's reference embedding from this session's patient, or compares the patient with it.
// Returns what goes into the sidecar.
nlohmann::json check_patient_reference(const analysis::PersonResult& p, const ReferenceCheck& check,
                                       const std::string& video) {
  const faces::IdentifiedPerson* patient = nullptr;
  for (const auto& person : p.persons.persons) {
    auto it = p.roles.roles.find(person.person_id);
    if (it != p.roles.roles.end() && it->second == faces::Role::Patient) patient = &person;
  }
  nlohmann::json j = {{"file", g_opts.patient_ref}};
  if (!patient || patient->mean_embedding.empty()) {
    std::cerr << "psyface: warning: no patient with an identity embedding in " << video
              << "; the patient reference was not used\n";
    j["status"] = "no patient";
    return j;
  }
  if (!check.existing) {
    faces::PatientReference ref{p.embedding_model, p.embedding_sha256, faces::kEmbeddingRecipe,
                                patient->mean_embedding, patient->embeddings, video, analysis::now_iso8601()};
    faces::write_patient_reference(g_opts.patient_ref, ref);
    std::cerr << "psyface: created patient reference " << g_opts.patient_ref << " from person " << patient->person_id << "\n";
    j["status"] = "created";
    return j;
  }
  const float threshold = g_opts.ref_threshold >= 0 ? g_opts.ref_threshold : faces::person_threshold(p.embedding_model);
  const float sim = faces::FaceEmbedder::cosine(check.existing->embedding, patient->mean_embedding);
  j["similarity"] = sim;
  j["threshold"] = threshold;
  j["status"] = sim >= threshold ? "match" : "mismatch";
  if (sim < threshold)
    std::cerr << "psyface: warning: the person labelled patient in " << video
              << " does not match the patient reference (similarity " << sim << " < " << threshold
              << "); check --patient / --layout\n";
  else
    std::cerr << "psyface: patient matches the reference (similarity " << sim << ")\n";
  return j;
}

// The camera the gaze angles are in (docs/action-units.md, "Gaze"), as used for this video's frames.
nlohmann::json gaze_camera_json(const analysis::AnalyzeOptions& a, const video::VideoInfo& v) {
  const faces::PinholeCamera c = analysis::gaze_camera(a, {v.width_px, v.height_px});
  if (!(c.focal_px > 0)) return {{"model", "line of sight"}};
  return {{"model", a.focal_px > 0 ? "pinhole, --focal-px" : "pinhole, OpenFace's guess from the frame size"},
          {"focal_px", c.focal_px},
          {"centre_px", {c.centre_px.x, c.centre_px.y}}};
}

struct VideoRun {
  analysis::AnalyzeSummary summary;
  std::filesystem::path csv, sidecar;
  bool ok = false;  // complete (not interrupted)
};

// Analyses one video into out/<stem>.frames.csv (+ person_id, role) and out/<stem>.analysis.json;
// with `reference`, the patient is also checked against (or stored as) the study's reference.
// `other`: two cameras, the other camera's audio track (its level against this one's is evidence of who speaks).
VideoRun analyze_one(const std::filesystem::path& video, const std::string& stem, const std::filesystem::path& models_dir,
                     analysis::AnalyzeOptions a, const std::filesystem::path& out, const ReferenceCheck* reference,
                     const audio::OtherTrack& other = {}) {
  if (!std::filesystem::exists(video)) throw Error(ErrorCode::Input, "video not found: " + video.string());
  const video::VideoInfo info = video::probe(video);  // throws Error(Input) naming the file for a non-video
  const std::string started = analysis::now_iso8601();
  // Rows are written during the pass to <stem>.frames.partial.csv (through a temporary file); persons and
  // roles are known only at the end, when the final table is written from it. An interrupted run keeps the
  // partial files, so it never replaces an earlier complete result.
  const auto partial_csv = out / (stem + ".frames.partial.csv");
  tables::FramesCsvWriter writer(partial_csv, a.landmarks);
  const double end = a.read.end_sec > 0 ? std::min(a.read.end_sec, info.duration_sec) : info.duration_sec;
  const double span = std::max(0.0, end - a.read.start_sec);
  const int64_t expected = a.read.sample_fps > 0 ? static_cast<int64_t>(span * a.read.sample_fps)
                           : info.duration_sec > 0 ? static_cast<int64_t>(info.frame_count_estimate * span / info.duration_sec)
                                                   : 0;
  util::ProgressLine progress("analyze " + video.filename().string(), expected, "frames", !g_opts.run.quiet);
  analysis::AnalyzeCallbacks cb;
  std::map<int, TrackMeans> means;
  analysis::FaceSessionColumns session_columns;  // AUxx_r, AUxx_c and head motion, after the pass
  analysis::SpeakingColumns speaking;            // speaking, speech_activity, voice_prob, talk_state
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) {
    writer.write_frame(rows);
    speaking.add_frame(rows);
    for (const auto& o : rows) {
      if (!o.success) continue;
      session_columns.add(o);
      auto& m = means[o.track_id];
      ++m.rows;
      for (int k = 0; k < kEmotionCount; ++k) m.p[k] += o.emotion.p[k];
      m.smile += o.smile_intensity;
    }
  };
  cb.on_progress = [&](int64_t done, double) { progress.update(done); };
  cb.should_stop = [] { return g_interrupted.load(); };
  std::signal(SIGINT, on_sigint);
  VideoRun run;
  run.summary = analysis::analyze_video(video, models_dir, a, cb);
  std::signal(SIGINT, SIG_DFL);
  progress.finish();
  writer.commit();
  const auto& summary = run.summary;

  run.ok = !summary.cancelled;
  run.csv = run.ok ? out / (stem + ".frames.csv") : partial_csv;
  analysis::RowLabeler labeler(summary.persons);
  if (run.ok) speaking.finish(summary.voice, {}, other);
  if (run.ok) {
    session_columns.finish(summary.persons);
    size_t face_row = 0;
    const tables::InsertedColumns inserted{analysis::FaceSessionColumns::column_names(),
                                           std::string(kActionUnitNames[0]) + "_r_raw"};
    tables::add_person_columns(partial_csv, run.csv, [&](const std::vector<tables::FrameRowKey>& rows) {
      std::vector<analysis::RowKey> keys;
      for (const auto& r : rows)
        keys.push_back({r.face_id, r.t_sec, cv::Rect2f(float(r.box_x), float(r.box_y), float(r.box_w), float(r.box_h))});
      std::vector<tables::PersonLabel> out;
      const auto labels = labeler.label_frame(keys);
      for (size_t k = 0; k < labels.size(); ++k) {
        const auto& l = labels[k];
        out.push_back({l.face_id, l.person_id, std::string(faces::role_name(l.role)), {},
                       speaking.values(rows[k].frame, rows[k].face_id)});
        if (rows[k].face_id >= 0) session_columns.append_row(face_row++, out.back().inserted);
      }
      return out;
    }, inserted, analysis::speaking_column_names());
    std::filesystem::remove(partial_csv);
  }
  const analysis::LabelReport labels = labeler.report();
  run.sidecar = out / (stem + (run.ok ? ".analysis.json" : ".analysis.partial.json"));
  nlohmann::json sidecar = analysis::sidecar_json(summary, labels, started, options_json());
  if (a.camera != analysis::AnalyzeOptions::Camera::Single)  // the window this camera read, on its own clock
    sidecar["camera"] = {{"side", a.camera == analysis::AnalyzeOptions::Camera::A ? "A" : "B"},
                         {"start_sec", a.read.start_sec},
                         {"end_sec", a.read.end_sec}};
  sidecar["gaze_camera"] = gaze_camera_json(a, summary.video);
  sidecar["audio"] = analysis::audio_json(summary.voice, speaking.counts(), other.voice ? &speaking.level() : nullptr);
  if (run.ok && reference) sidecar["patient_reference"] = check_patient_reference(summary.persons, *reference, video.string());
  util::write_file_atomic(run.sidecar, sidecar.dump(2) + "\n");

  std::cerr << "psyface: " << summary.frames_analysed << " frames analysed (" << summary.face_rows << " face rows, "
            << summary.no_face_rows << " frames without a face, " << summary.tracks << " tracks, "
            << summary.persons.persons.persons.size() << " persons) in " << util::format_duration(summary.wall_sec)
            << " = " << (summary.wall_sec > 0 ? summary.frames_analysed / summary.wall_sec : 0) << " frames/s\n";
  for (const auto& [person, role] : summary.persons.roles.roles)
    std::cerr << "psyface: person " << person << ": " << faces::role_name(role) << " ("
              << summary.persons.roles.reasons.at(person) << ")\n";
  if (!(summary.video.orientation == video::Orientation{}))
    std::cerr << "psyface: frames turned upright: rotated " << summary.video.orientation.rotation_cw_deg << "° clockwise"
              << (summary.video.orientation.hflip ? " after mirroring" : "") << " (" << summary.video.orientation_source
              << ")\n";
  if (video::square_pixel_scale(summary.video) != 1.0)
    std::cerr << "psyface: frames scaled to square pixels: stored " << summary.video.stored_width_px << "x"
              << summary.video.stored_height_px << " with pixels " << video::pixel_aspect_text(summary.video)
              << " wide, analysed as " << summary.video.width_px << "x"
              << summary.video.height_px << " (the tables' coordinates are in that picture)\n";
  if (!summary.shot_cut_sec.empty() || !summary.persons.splits.splits.empty())
    std::cerr << "psyface: " << summary.shot_cut_sec.size() << " shot cuts (every track ended there), "
              << summary.persons.splits.splits.size() << " tracks split where the identity changed\n";
  if (labels.panel.overrides + labels.panel.demoted > 0)
    std::cerr << "psyface: panel = role: " << labels.panel.overrides << " face rows took their panel's role, "
              << labels.panel.demoted << " became 'other' (a second face in the panel)\n";
  for (const auto& p : labels.persons_in_both_panels)
    std::cerr << "psyface: warning: person " << p.person_id << " appears in both panels (" << p.rows_left
              << " rows left, " << p.rows_right << " right): identity and layout disagree; roles follow the panel\n";
  if (a.focal_px >= 0 && a.face_actions &&
      (summary.persons.roles.layout == faces::Layout::Split || summary.persons.roles.layout == faces::Layout::Pip))
    // A warning, not a note: a study keeps its children's warnings (batch_runner's read_log).
    std::cerr << "psyface: warning: gaze angles assume one camera centred on the whole frame; if this "
              << faces::layout_name(summary.persons.roles.layout)
              << " layout joins several cameras, use --focal-px -1 (gaze along each face's line of sight; in a "
                 "study, focal_px -1 in sessions.csv)\n";
  if (!summary.voice.present)
    std::cerr << "psyface: note: no voice activity for " << video.filename().string() << " (" << summary.voice.note
              << "): speaking, speech_activity and talk_state are NA\n";
  else if (run.ok)
    std::cerr << "psyface: voice in " << speaking.counts().voiced << " of " << speaking.counts().frames
              << " frames (one speaker " << speaking.counts().one << ", both " << speaking.counts().both
              << ", unseen " << speaking.counts().unseen << "); audio and VAD " << summary.times.audio_ms / 1000
              << " s\n";
  if (run.ok && summary.voice.present && other.voice) {
    const auto& l = speaking.level();
    if (l.used)
      std::cerr << "psyface: level difference between the cameras' tracks used: the sides are " << l.separation_db
                << " dB apart; voice from this camera's side in " << l.frames_own << " frames, from the other's in "
                << l.frames_other << ", unclear in " << l.frames_unclear << "\n";
    else
      std::cerr << "psyface: note: level difference between the cameras' tracks not used for "
                << video.filename().string() << ": " << l.note << "; speaking follows the mouths alone\n";
  }
  std::cerr << "psyface: wrote " << run.csv.string() << " and " << run.sidecar.string() << "\n";
  print_track_means(means, summary.frames_analysed, summary.persons);
  if (!run.ok) {
    std::cerr << "psyface: interrupted: results up to t=" << summary.decode.last_t_sec << " s kept as partial files\n";
    set_exit_status(130);
  } else if (summary.decode.truncated) {
    std::cerr << "psyface: error: " << video.string() << " is truncated or damaged: decoded up to t="
              << summary.decode.last_t_sec << " s, about " << summary.decode.undecoded_sec
              << " s could not be decoded (" << summary.decode.first_error << "); results up to the cut were written\n";
    set_exit_status(static_cast<int>(ErrorCode::Input));
  }
  return run;
}

void run_analyze() {
  const auto models_dir = apply_model_run_options(g_opts.run);
  av_log_set_level(AV_LOG_ERROR);
  auto a = g_opts.a;
  a.emotion = g_opts.emotion.to_options();
  a.persons.enabled = !g_opts.no_persons;
  a.audio = !g_opts.no_audio;
  a.persons.layout = faces::parse_layout(g_opts.layout);
  a.read.rotation_deg = g_opts.rotation == "auto" ? -1 : std::stoi(g_opts.rotation);
  a.persons.roles.patient = faces::parse_patient_rule(g_opts.patient);
  a.persons.roles.inset = faces::parse_inset_role(g_opts.inset);
  const std::filesystem::path out = g_opts.out_dir;
  const bool two_cameras = !g_opts.patient_video.empty() || !g_opts.therapist_video.empty();
  if (a.persons.layout == faces::Layout::TwoCameras && !two_cameras)
    throw Error(ErrorCode::Usage, "--layout two-cameras needs --patient-video and --therapist-video");
  std::optional<ReferenceCheck> reference;
  if (!g_opts.patient_ref.empty()) reference = load_patient_reference(a.persons.embedding_model);
  const ReferenceCheck* check = reference ? &*reference : nullptr;
  if (two_cameras) {
    if (g_opts.patient_video.empty() || g_opts.therapist_video.empty() || !g_opts.video.empty())
      throw Error(ErrorCode::Usage, "two-camera input needs both --patient-video and --therapist-video and no VIDEO");
    a.persons.layout = faces::Layout::TwoCameras;
    const auto plan = analysis::plan_two_cameras(g_opts.patient_video, g_opts.therapist_video, a.read, g_opts.offset_sec);
    if (a.focal_px > 0) {  // one focal length for both cameras: refused when their frames show they differ
      const auto pa = video::probe(g_opts.patient_video), pb = video::probe(g_opts.therapist_video);
      const auto size = [](const video::VideoInfo& v) {
        return std::minmax(v.width_px, v.height_px);  // a camera turned upright keeps its focal length
      };
      if (size(pa) != size(pb))
        throw Error(ErrorCode::Usage,
                    "--focal-px " + util::fixed_text(a.focal_px, 1) + " would apply to both cameras, but their frames differ (" +
                        std::to_string(pa.width_px) + "x" + std::to_string(pa.height_px) + " and " +
                        std::to_string(pb.width_px) + "x" + std::to_string(pb.height_px) +
                        "): give 0 (each camera's guess from its own frame size) or -1 (line of sight)");
    }
    if (plan.b_renamed)
      std::cerr << "psyface: both videos are named " << plan.a.stem << ".*: the therapist video's files are "
                << plan.b.stem << ".frames.csv and " << plan.b.stem << ".analysis.json\n";
    // Each camera's speaking uses both audio tracks (docs/speaking.md, "Level difference between two
    // cameras"), so the therapist camera's track is read first; its analysis reuses it.
    std::shared_ptr<const audio::VoiceTrack> voice_b;
    if (a.audio) {
      auto vad = audio::SileroVad::load(models_dir);
      const double end = plan.b.read.end_sec > 0 ? plan.b.read.end_sec : 0;
      voice_b = std::make_shared<const audio::VoiceTrack>(audio::analyze_voice(
          g_opts.therapist_video, vad, {audio::kVadSampleRateHz, plan.b.read.start_sec, end}));
    }
    a.camera = analysis::AnalyzeOptions::Camera::A;
    a.read = plan.a.read;
    const VideoRun pa = analyze_one(g_opts.patient_video, plan.a.stem, models_dir, a, out, check,  // the patient's camera
                                    {voice_b.get(), -g_opts.offset_sec});
    if (!pa.ok) return;
    a.camera = analysis::AnalyzeOptions::Camera::B;
    a.read = plan.b.read;  // the same moments, on B's clock
    a.voice = voice_b;
    const VideoRun tb = analyze_one(g_opts.therapist_video, plan.b.stem, models_dir, a, out, nullptr,
                                    {a.audio ? &pa.summary.voice : nullptr, g_opts.offset_sec});
    if (!tb.ok) return;
    const auto dyad = out / (plan.dyad_stem + ".frames.csv");
    const auto m = analysis::merge_two_cameras({pa.csv, {}, "unknown"}, {tb.csv, {}, "unknown"}, dyad,
                                             {g_opts.offset_sec, "face_id"});
    std::cerr << "psyface: wrote the two-camera table " << dyad.string() << " (" << m.rows_a << " rows from A, "
              << m.rows_b << " from B, B shifted by " << g_opts.offset_sec << " s)\n";
    return;
  }
  if (g_opts.video.empty()) throw Error(ErrorCode::Usage, "give a VIDEO (or --patient-video and --therapist-video)");
  analyze_one(g_opts.video, std::filesystem::path(g_opts.video).stem().string(), models_dir, a, out, check);
}

Registrar reg([](CLI::App& app) {
  auto& o = g_opts;
  auto* cmd = app.add_subcommand("analyze", "Per-frame facial affect for a session video → DIR/<stem>.frames.csv");
  cmd->add_option("VIDEO", o.video, "Video file (any format FFmpeg reads)");
  cmd->add_option("-o,--out", o.out_dir, "Output folder")->capture_default_str();
  add_session_analysis_options(cmd, o);
  cmd->add_option("--layout", o.layout,
                  "auto, split (two regions: split screen or one wide shot), single, two-cameras, pip (picture in picture)")
      ->check(CLI::IsMember({"auto", "split", "single", "two-cameras", "pip"}))
      ->capture_default_str();
  cmd->add_option("--inset", o.inset, "pip: the role of the person in the small inset, therapist or patient")
      ->check(CLI::IsMember({"therapist", "patient"}))
      ->capture_default_str();
  cmd->add_option("--patient", o.patient, "Who is the patient: left, right, largest or person:N")->capture_default_str();
  cmd->add_option("--patient-ref", o.patient_ref,
                  "Study reference embedding of this patient (JSON): created from this session when missing, "
                  "otherwise the patient is checked against it");
  cmd->add_option("--ref-threshold", o.ref_threshold,
                  "Similarity below which the patient does not match the reference (-1 = the model's identity threshold)")
      ->capture_default_str();
  cmd->add_option("--patient-video", o.patient_video, "Two cameras: the video filming the patient");
  cmd->add_option("--therapist-video", o.therapist_video, "Two cameras: the video filming the therapist");
  cmd->add_option("--offset-sec", o.offset_sec,
                  "Two cameras: therapist-video time + offset = patient-video time (> 0: B started later)")
      ->capture_default_str();
  cmd->add_flag("--no-audio", o.no_audio,
                "Do not read the audio track (no voice activity: speaking, speech_activity and talk_state are NA)");
  add_model_run_options(cmd, o.run);
  cmd->callback(run_analyze);
});

}  // namespace
}  // namespace psyface::cli

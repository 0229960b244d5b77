// analyze_video: one session video in, one observation list per analysed frame out (to a sink), with
// decoding, face tracking and emotion inference in three threads joined by bounded queues, so memory
// does not grow with video length. Used by `psyface analyze` and bench_analyze.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/person_observer.hpp"
#include "audio/voice_activity.hpp"
#include "faces/face_tracker.hpp"
#include "faces/gaze.hpp"
#include "models/emotion_classifier.hpp"
#include "psyface/records.hpp"
#include "video/video_types.hpp"

namespace psyface::analysis {

struct AnalyzeOptions {
  video::ReadOptions read;          // --fps, --start, --end
  faces::TrackerOptions tracker;    // --detector, --detect-every, ...
  models::EmotionOptions emotion;   // --model, --tta
  int emotion_crop_px = 112;        // side of the aligned face crop given to the emotion models
  float crop_margin = 0.25f;        // margin around the landmark box, fraction of its size
  float low_confidence = 0.75f;     // flag_low_confidence below this face-mesh presence
  float occlusion_presence = 0.9f;  // flag_occlusion when presence is below this (and the mesh still fits)
  float large_yaw_deg = 45.0f;      // flag_large_yaw when |yaw| exceeds this
  bool landmarks = false;           // keep 468 landmark positions per row
  bool face_actions = true;         // action-unit features and gaze (docs/action-units.md); off only to
                                    // measure their cost (bench_analyze --face-actions 0)
  double gaze_rate_hz = 5;          // iris network at most this often per track (the rest: gaze NA);
                                    // 0 = every frame. 5 Hz = the synchrony grid (docs/action-units.md)
  float focal_px = 0;               // gaze camera (--focal-px): > 0 its focal length in pixels; 0 = OpenFace's
                                    // guess from the frame size; < 0 = none, gaze along the line of sight
  size_t queue_frames = 8;          // capacity of each queue between threads
  PersonOptions persons;            // identity embeddings, layout, roles (--layout, --patient, ...)
  enum class Camera { Single, A, B } camera = Camera::Single;  // two-camera input: which side this video is
  bool audio = true;                // decode the audio track and run voice activity after the frames (--no-audio)
  std::shared_ptr<const audio::VoiceTrack> voice;  // already computed for this video and time range (two
                                                   // cameras): used instead of decoding the audio again
};

struct StageTimes {
  double decode_wait_ms = 0, detect_ms = 0, mesh_ms = 0, crop_geometry_ms = 0, emotion_ms = 0, write_ms = 0;
  double persons_ms = 0;  // identity embeddings and layout sampling
  double audio_ms = 0;    // audio decoding and voice activity (after the video pass)
};

struct AnalyzeSummary {
  video::VideoInfo video;
  video::DecodeReport decode;
  faces::TrackerStats tracking;
  StageTimes times;
  int64_t frames_analysed = 0, face_rows = 0, no_face_rows = 0;
  int tracks = 0;
  double wall_sec = 0;
  bool cancelled = false;
  std::vector<models::ModelProvenance> models;
  PersonResult persons;  // track → person → role, decided after the last frame
  std::vector<double> shot_cut_sec;  // analysed frames that follow a hard cut (every track ended there)
  audio::VoiceTrack voice;           // voice activity of the analysed time range; present = false with a note
                                     // when the video has no audio or --no-audio was given
};

struct AnalyzeCallbacks {
  std::function<void(const std::vector<FaceObservation>&)> on_frame;  // in frame order, never empty
  std::function<void(int64_t frames_done, double t_sec)> on_progress;
  std::function<bool()> should_stop;                                 // polled once per frame
};

// The camera the gaze is turned into (AnalyzeOptions::focal_px) for frames of this size.
faces::PinholeCamera gaze_camera(const AnalyzeOptions& o, cv::Size frame);

// requires: a readable video; models built in models_dir.
// ensures: on_frame called once per analysed frame (frames without a face give one success=false row).
// throws Error(Input) for a file that is not a video, Error(Model) for missing models. A truncated or
// corrupt video is analysed as far as it decodes; the summary's decode report says what was lost.
AnalyzeSummary analyze_video(const std::filesystem::path& video, const std::filesystem::path& models_dir,
                             const AnalyzeOptions& options, const AnalyzeCallbacks& callbacks);

}  // namespace psyface::analysis

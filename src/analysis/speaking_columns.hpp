// SpeakingColumns: who speaks in each analysed frame, as four columns at the end of the frames table
// (voice_prob, talk_state, speaking, speech_activity; docs/output-format.md). Collects each track's mouth
// opening while the rows stream past, attributes the voice activity once the session is over
// (audio/speaker_turns.hpp), then gives each row its values when the final table is written.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "audio/speaker_turns.hpp"
#include "psyface/records.hpp"

namespace psyface::analysis {

// The extra columns' names, in order.
const std::vector<std::string>& speaking_column_names();

class SpeakingColumns {
 public:
  // requires: rows of one analysed frame, frames in time order (AnalyzeCallbacks::on_frame).
  void add_frame(const std::vector<FaceObservation>& rows);

  // requires: every frame added. ensures: attribution done; counts() and level() filled. `other`: the
  // other camera's track in a two-camera session (its level difference is evidence of who speaks).
  void finish(const audio::VoiceTrack& voice, const audio::SpeakerOptions& options, const audio::OtherTrack& other = {});

  // requires: finish() called. ensures: "voice_prob,talk_state,speaking,speech_activity" values (no
  // leading comma) for the row of track_id (-1: the frame has no face) in the frame with this frame index.
  std::string values(int64_t frame_index, int track_id) const;

  struct Counts {
    int64_t frames = 0, voiced = 0, one = 0, both = 0, unseen = 0;
  };
  const Counts& counts() const { return counts_; }
  const audio::LevelEvidence& level() const { return result_.level; }

 private:
  std::vector<int64_t> frame_index_;
  std::vector<double> t_sec_;
  std::map<int, audio::MouthSeries> series_;  // by track id
  audio::SpeakerResult result_;
  std::map<int, size_t> series_pos_;          // track id → index into result_.faces
  std::vector<std::vector<int64_t>> face_frames_;  // per face: the frame positions it was seen in
  std::map<int64_t, size_t> frame_pos_;       // frame index → position
  Counts counts_;
};

// The sidecar's "audio" object: whether there was audio (and why not), its stream, the chunks and
// voiced share, the attribution counts and the time spent (docs/output-format.md).
// With two cameras (level given) also the "level_difference" object.
nlohmann::json audio_json(const audio::VoiceTrack& voice, const SpeakingColumns::Counts& counts,
                          const audio::LevelEvidence* level = nullptr);

}  // namespace psyface::analysis

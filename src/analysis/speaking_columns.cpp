#include "analysis/speaking_columns.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "util/number_text.hpp"

namespace psyface::analysis {

const std::vector<std::string>& speaking_column_names() {
  static const std::vector<std::string> names = {"voice_prob", "talk_state", "speaking", "speech_activity"};
  return names;
}

void SpeakingColumns::add_frame(const std::vector<FaceObservation>& rows) {
  if (rows.empty()) return;
  const int64_t pos = static_cast<int64_t>(t_sec_.size());
  frame_index_.push_back(rows.front().frame_index);
  t_sec_.push_back(rows.front().t_sec);
  for (const auto& o : rows) {
    if (!o.success || o.track_id < 0) continue;
    auto& s = series_[o.track_id];
    s.face_key = o.track_id;
    s.frame.push_back(pos);
    // A mouth seen from the side or a face the mesh barely fits does not count as measured.
    const bool measured = !(o.flags & (kFlagLargeYaw | kFlagLowConfidence)) && std::isfinite(o.mouth_open);
    s.mouth_open.push_back(measured ? o.mouth_open : std::numeric_limits<float>::quiet_NaN());
  }
}

void SpeakingColumns::finish(const audio::VoiceTrack& voice, const audio::SpeakerOptions& options,
                             const audio::OtherTrack& other) {
  std::vector<audio::MouthSeries> faces;
  for (auto& [id, s] : series_) {
    series_pos_[id] = faces.size();
    faces.push_back(std::move(s));
  }
  series_.clear();
  result_ = audio::attribute_speakers(voice, t_sec_, faces, options, other);
  // Keep, per face, only what values() needs: a map from frame position to the entry.
  for (size_t k = 0; k < frame_index_.size(); ++k) frame_pos_[frame_index_[k]] = k;
  face_frames_.resize(faces.size());
  for (size_t f = 0; f < faces.size(); ++f) face_frames_[f] = std::move(faces[f].frame);
  counts_.frames = static_cast<int64_t>(t_sec_.size());
  for (auto s : result_.state) {
    counts_.voiced += s == audio::TalkState::One || s == audio::TalkState::Both || s == audio::TalkState::Unseen;
    counts_.one += s == audio::TalkState::One;
    counts_.both += s == audio::TalkState::Both;
    counts_.unseen += s == audio::TalkState::Unseen;
  }
}

std::string SpeakingColumns::values(int64_t frame_index, int track_id) const {
  std::string s;
  const auto fp = frame_pos_.find(frame_index);
  if (fp == frame_pos_.end()) return "NA,NA,NA,NA";
  const size_t i = fp->second;
  util::append_fixed_or_na(s, result_.voice_prob[i], 4);
  s += ',';
  s += audio::talk_state_name(result_.state[i]);
  const auto sp = series_pos_.find(track_id);
  if (track_id < 0 || sp == series_pos_.end()) return s + ",NA,NA";
  const auto& frames = face_frames_[sp->second];
  const auto it = std::lower_bound(frames.begin(), frames.end(), static_cast<int64_t>(i));
  if (it == frames.end() || *it != static_cast<int64_t>(i)) return s + ",NA,NA";
  const size_t k = static_cast<size_t>(it - frames.begin());
  const auto& face = result_.faces[sp->second];
  s += face.speaking[k] < 0 ? ",NA," : face.speaking[k] ? ",1," : ",0,";
  util::append_fixed_or_na(s, face.speech_activity[k], 3);
  return s;
}

nlohmann::json audio_json(const audio::VoiceTrack& v, const SpeakingColumns::Counts& c, const audio::LevelEvidence* level) {
  const auto& a = v.audio;
  int64_t voiced_chunks = 0;
  for (float p : v.speech_prob) voiced_chunks += p >= 0.5f;
  const auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"present", v.present},
          {"note", v.note},
          {"codec", a.codec},
          {"source_rate_hz", a.source_rate_hz},
          {"source_channels", a.source_channels},
          {"first_sample_sec", a.first_sample_sec},
          {"samples_16k", a.samples},
          {"decode_errors", a.decode_errors},
          {"vad_chunks", v.speech_prob.size()},
          {"vad_chunks_speech", voiced_chunks},
          {"frames", c.frames},
          {"frames_voiced", c.voiced},
          {"frames_one_speaker", c.one},
          {"frames_both", c.both},
          {"frames_unseen", c.unseen},
          {"decode_ms", v.decode_ms},
          {"vad_ms", v.vad_ms}};
  if (level)
    j["level_difference"] = {{"used", level->used},
                             {"note", level->note},
                             {"separation_db", number(level->separation_db)},
                             {"threshold_db", number(level->threshold_db)},
                             {"sign", level->sign},
                             {"mouth_gap", number(level->mouth_gap)},
                             {"frames_this_side", level->frames_own},
                             {"frames_other_side", level->frames_other},
                             {"frames_unclear", level->frames_unclear}};
  return j;
}

}  // namespace psyface::analysis

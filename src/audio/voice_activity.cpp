#include "audio/voice_activity.hpp"

#include <chrono>
#include <vector>

namespace psyface::audio {

float chunk_level_dbfs(const float* samples, int n) {
  double sum = 0;
  for (int k = 0; k < n; ++k) sum += double(samples[k]) * samples[k];
  const double rms = n > 0 ? std::sqrt(sum / n) : 0.0;
  return rms > 1e-5 ? static_cast<float>(20.0 * std::log10(rms)) : -100.0f;
}

VoiceTrack analyze_voice(const std::filesystem::path& video, SileroVad& vad, const AudioReadOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  VoiceTrack track;
  vad.reset();
  std::vector<float> pending;  // samples not yet forming a whole chunk
  double vad_sec = 0;
  constexpr int kChunk = SileroVad::kChunkSamples;
  track.audio = read_audio(video, options, [&](std::span<const float> s) {
    const auto v0 = Clock::now();
    pending.insert(pending.end(), s.begin(), s.end());
    size_t used = 0;
    for (; used + kChunk <= pending.size(); used += kChunk) {
      track.speech_prob.push_back(vad.process(std::span<const float>(pending.data() + used, kChunk)));
      track.level_dbfs.push_back(chunk_level_dbfs(pending.data() + used, kChunk));
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(used));
    vad_sec += std::chrono::duration<double>(Clock::now() - v0).count();
  });
  track.present = track.audio.present && !track.speech_prob.empty();
  track.note = track.audio.present && track.speech_prob.empty() ? "audio shorter than one 32 ms chunk" : track.audio.note;
  track.first_chunk_sec = track.audio.first_sample_sec;
  track.vad_ms = vad_sec * 1000;
  track.decode_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() - track.vad_ms;
  return track;
}

}  // namespace psyface::audio

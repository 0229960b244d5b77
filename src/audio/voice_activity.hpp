// analyze_voice: the audio track of a video as a series of 32 ms chunks, each with Silero VAD's speech
// probability and its level (RMS, dBFS). This is what speaker attribution reads (audio/speaker_turns.hpp).
#pragma once
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/audio_decoder.hpp"
#include "audio/silero_vad.hpp"

namespace psyface::audio {

struct VoiceTrack {
  bool present = false;         // false: no audio (note says why); every speaking column is NA then
  std::string note;
  AudioTrackInfo audio;
  double first_chunk_sec = 0;   // start of chunk 0 on the video's clock
  double chunk_sec = double(SileroVad::kChunkSamples) / SileroVad::kSampleRateHz;  // 0.032
  std::vector<float> speech_prob;  // per chunk, [0, 1]
  std::vector<float> level_dbfs;   // per chunk: 20·log10(RMS), floor -100 dBFS
  double decode_ms = 0, vad_ms = 0;

  // ensures: the index of the chunk holding t_sec, or -1 outside the track.
  long chunk_at(double t_sec) const {
    if (!present || speech_prob.empty()) return -1;
    const double k = std::floor((t_sec - first_chunk_sec) / chunk_sec);
    return (k < 0 || k >= double(speech_prob.size())) ? -1 : static_cast<long>(k);
  }
};

// requires: vad loaded (SileroVad::load), reset or fresh. The chunking starts at the first decoded sample;
// a last chunk shorter than 512 samples is left out (at most 32 ms).
// ensures: one entry per chunk in speech_prob and level_dbfs; a video without audio gives present = false
// and a note, not an error. throws Error(Input) when the file is not a media file.
VoiceTrack analyze_voice(const std::filesystem::path& video, SileroVad& vad, const AudioReadOptions& options);

// The level of one chunk: 20·log10(RMS) with a floor of -100 dBFS (digital silence).
float chunk_level_dbfs(const float* samples, int n);

}  // namespace psyface::audio

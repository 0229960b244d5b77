// read_audio: the audio track of a video file, decoded with libavcodec and resampled with libswresample
// to one channel at the rate the voice-activity model needs (16 kHz), streamed to a callback so that a
// session of an hour never sits in memory. Times are on the video's clock (t = 0 at the video stream's
// first timestamp, as the frames table's timestamp column), so audio and frames line up.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>

namespace psyface::audio {

inline constexpr int kVadSampleRateHz = 16000;

struct AudioReadOptions {
  int sample_rate_hz = kVadSampleRateHz;  // output rate, mono
  double start_sec = 0;                   // first time wanted, on the video's clock (--start)
  double end_sec = 0;                     // last time wanted; 0 = to the end (--end)
};

struct AudioTrackInfo {
  bool present = false;        // the file has a decodable audio stream
  std::string note;            // why not, when !present ("no audio stream", "no decoder for ...")
  std::string codec;           // e.g. "aac"
  int source_rate_hz = 0;      // the stream's own rate and channel count
  int source_channels = 0;
  double first_sample_sec = 0; // time of the first sample passed to on_samples, on the video's clock
  int64_t samples = 0;         // how many samples were passed (at AudioReadOptions::sample_rate_hz)
  int decode_errors = 0;       // packets the decoder refused (skipped, counted)
};

// requires: path names a media file; on_samples is callable.
// ensures: on_samples receives consecutive mono float samples in [-1, 1] (the mean of the channels as
// libswresample downmixes them, the same as `ffmpeg -ac 1 -ar 16000`) covering [start_sec, end_sec]
// or the track's end; a file without an audio stream is not an error: present = false with a note.
// Samples before the audio stream's first timestamp are not invented: first_sample_sec says where the
// audio begins. Gaps inside the stream are not filled (rare in AAC; listed in docs/speaking.md).
// throws Error(Input) naming the file when it cannot be opened as a media file at all.
AudioTrackInfo read_audio(const std::filesystem::path& path, const AudioReadOptions& options,
                          const std::function<void(std::span<const float>)>& on_samples);

}  // namespace psyface::audio

// A composed two-person session with known turns, from the two SadTalker talking faces of ../shared
// (their lips follow the speech on their own audio track): a 512x256 split screen, face A (the CG face)
// left, face B (the painted face) right. In a turn one side plays its clip with its own audio while the
// other shows its first frame, still and silent; in a gap both are still and the audio is digital silence.
// Segments are made one by one (lossless FFV1 + PCM, so no codec delay shifts them) and joined into an
// H.264 + AAC MP4, as a recording would be.
#pragma once
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "../test_paths.hpp"

namespace psyface::test {

struct Segment {
  int who;            // 0 gap, 1 A talks, 2 B talks
  double clip_start;  // where in the talking clip the segment starts
  double duration_sec;
};

// The script: A, gap, B, A straight after B, gap, B: 17.2 s, turn changes at 3.6, 5.2, 9.6, 12.6 and
// 14.2 s. Durations are whole frames at 25 fps, so video and audio of each segment are equally long.
inline const std::vector<Segment>& speaking_script() {
  static const std::vector<Segment> s = {{1, 0.0, 3.6}, {0, 0, 1.6}, {2, 3.5, 4.4}, {1, 4.0, 3.0}, {0, 0, 1.6}, {2, 0.0, 3.0}};
  return s;
}

// Who talks at t (0 nobody, 1 A, 2 B).
inline int who_talks(double t) {
  double end = 0;
  for (const auto& s : speaking_script()) {
    end += s.duration_sec;
    if (t < end) return s.who;
  }
  return 0;
}

inline std::vector<double> turn_changes() {
  std::vector<double> c;
  double end = 0;
  for (size_t k = 0; k + 1 < speaking_script().size(); ++k) c.push_back(end += speaking_script()[k].duration_sec);
  return c;
}

// ensures: dir/session.mp4 composed (ffmpeg); returns its path, or an empty path when ffmpeg failed.
inline std::filesystem::path compose_speaking_session(const std::filesystem::path& dir) {
  const auto videos = shared_dir() / "data/videos";
  const std::string a = (videos / "sadtalker_result_camera_RD_Radio31.mp4").string();
  const std::string b = (videos / "sadtalker_result_art2_RD_Radio31.mp4").string();
  const std::string still = "trim=end_frame=1,setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration=20";
  const std::string mono = "aresample=16000,pan=mono|c0=0.5*c0+0.5*c1";
  std::ofstream list(dir / "segments.txt");
  int k = 0;
  for (const auto& s : speaking_script()) {
    // Exactly duration_sec of video (25 fps; the last frame held if the clip ends early) and of audio.
    const std::string d = std::to_string(s.duration_sec), seg = (dir / ("seg" + std::to_string(k++) + ".mkv")).string();
    const std::string cut = ",fps=25,trim=duration=" + d + "[v]", acut = "apad,atrim=duration=" + d + "[a]";
    std::string cmd = "ffmpeg -nostdin -v error -y ";
    if (s.who == 0) {
      cmd += "-i " + a + " -i " + b + " -f lavfi -i anullsrc=r=16000:cl=mono -filter_complex \"[0:v]" + still +
             "[l];[1:v]" + still + "[r];[l][r]hstack" + cut + ";[2:a]" + acut + "\"";
    } else {
      const bool left = s.who == 1;
      cmd += "-ss " + std::to_string(s.clip_start) + " -i " + (left ? a : b) + " -i " + (left ? b : a) +
             " -filter_complex \"[0:v]setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration=1[t];[1:v]" + still +
             "[s];" + (left ? "[t][s]" : "[s][t]") + "hstack" + cut + ";[0:a]asetpts=PTS-STARTPTS," + mono + "," +
             acut + "\"";
    }
    cmd += " -map [v] -map [a] -c:v ffv1 -c:a pcm_s16le " + seg;
    if (std::system(cmd.c_str()) != 0) return {};
    list << "file '" << seg << "'\n";
  }
  list.close();
  const auto out = dir / "session.mp4";
  const std::string join = "ffmpeg -nostdin -v error -y -f concat -safe 0 -i " + (dir / "segments.txt").string() +
                           " -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 96k " + out.string();
  return std::system(join.c_str()) == 0 ? out : std::filesystem::path{};
}

// Two cameras with their own microphones, from the same script: camera A films face A, camera B face B.
// Unlike compose_speaking_session, the listener does not stay still throughout: from 1.0 to 2.5 s into each
// turn it plays its own clip from another point (the mouth moves, out of step with the voice heard), as a
// listener who nods, chews or mouths along would. Each camera's track holds its own person's voice at full level and the other's `other_gain_db`
// lower. ensures: dir/A.mp4 and dir/B.mp4 (H.264 + AAC, 256x256); returns false when ffmpeg failed.
inline bool compose_two_camera_session(const std::filesystem::path& dir, double other_gain_db = -12) {
  const auto videos = shared_dir() / "data/videos";
  const std::string a = (videos / "sadtalker_result_camera_RD_Radio31.mp4").string();
  const std::string b = (videos / "sadtalker_result_art2_RD_Radio31.mp4").string();
  const std::string still = "trim=end_frame=1,setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration=20";
  const std::string mono = "aresample=16000,pan=mono|c0=0.5*c0+0.5*c1";
  std::ofstream list(dir / "segments2.txt");
  int k = 0;
  for (const auto& s : speaking_script()) {
    const std::string d = std::to_string(s.duration_sec), seg = (dir / ("cam" + std::to_string(k++) + ".mkv")).string();
    const std::string cut = ",fps=25,trim=duration=" + d, acut = "apad,atrim=duration=" + d;
    const std::string silence = "anullsrc=r=16000:cl=mono," + acut;
    std::string cmd = "ffmpeg -nostdin -v error -y ";
    if (s.who == 0) {
      cmd += "-i " + a + " -i " + b + " -filter_complex \"[0:v]" + still + "[l];[1:v]" + still + "[r];[l][r]hstack" +
             cut + "[v];" + silence + "[s0];" + silence + "[s1];[s0][s1]amerge=inputs=2[a]\"";
    } else {
      const bool left = s.who == 1;
      const double listener_start = s.clip_start >= 2 ? 0.0 : 4.0;  // another point of the same speech
      cmd += "-ss " + std::to_string(s.clip_start) + " -i " + (left ? a : b) + " -ss " + std::to_string(listener_start) +
             " -i " + (left ? b : a) +
             " -filter_complex \"[0:v]setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration=1[t];[1:v]setpts=PTS-"
             "STARTPTS,tpad=start_mode=clone:start_duration=1,trim=duration=2.5,setpts=PTS-STARTPTS,tpad=stop_mode=clone:"
             "stop_duration=20[l];" + (left ? "[t][l]" : "[l][t]") + "hstack" + cut +
             "[v];[0:a]asetpts=PTS-STARTPTS," + mono + "," + acut + "[talk];" + silence + "[quiet];" +
             (left ? "[talk][quiet]" : "[quiet][talk]") + "amerge=inputs=2[a]\"";
    }
    cmd += " -map [v] -map [a] -c:v ffv1 -c:a pcm_s16le " + seg;  // audio: channel 0 = A's voice, 1 = B's
    if (std::system(cmd.c_str()) != 0) return false;
    list << "file '" << seg << "'\n";
  }
  list.close();
  const auto joined = dir / "two_voices.mkv";
  if (std::system(("ffmpeg -nostdin -v error -y -f concat -safe 0 -i " + (dir / "segments2.txt").string() +
                   " -c copy " + joined.string()).c_str()) != 0)
    return false;
  const std::string g = std::to_string(std::pow(10.0, other_gain_db / 20));
  for (const auto& [name, x, pan] : {std::tuple<std::string, int, std::string>{"A", 0, "c0=c0+" + g + "*c1"},
                                     {"B", 256, "c0=" + g + "*c0+c1"}}) {
    const std::string cmd = "ffmpeg -nostdin -v error -y -i " + joined.string() + " -filter:v crop=256:256:" +
                            std::to_string(x) + ":0 -filter:a \"pan=mono|" + pan +
                            "\" -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 96k " +
                            (dir / (name + ".mp4")).string();
    if (std::system(cmd.c_str()) != 0) return false;
  }
  return true;
}

}  // namespace psyface::test

// Study folders for the batch-runner tests, analysed by a stand-in for `psyface analyze`: a shell script
// that writes into --out what analyze writes there (<video stem>.frames.csv and <video stem>.analysis.json),
// so the runner's real code path (claims, child processes, storing, measures, database) runs in
// milliseconds without models or videos. While DIR/hold exists the script waits for DIR/go, so a test
// can act (e.g. take the session over) while the analysis is in progress.
#pragma once
#include <sys/stat.h>

#include <string>
#include <vector>

#include "study/batch_runner.hpp"
#include "study_test_support.hpp"

namespace psyface::test {

// A two-person frames table as analyze writes it: `frames` rows at 2 frames/s, the patient smiling
// with intensity `smile`.
inline std::string fake_frames_table(int frames, double smile) {
  std::string out =
      "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\n";
  char buf[256];
  for (int i = 0; i < frames; ++i) {
    std::snprintf(buf, sizeof buf, "%d,1,0,patient,%.3f,1,0.9,0.2,0.8,0,0,0,0,0,happy,0.8,%.3f\n", i, i * 0.5, smile);
    out += buf;
    std::snprintf(buf, sizeof buf, "%d,2,1,therapist,%.3f,1,0.8,0.9,0.1,0,0,0,0,0,neutral,0.1,0.0\n", i, i * 0.5);
    out += buf;
  }
  return out;
}

inline const char* kFakeAnalyzer = R"(#!/bin/sh
here=$(dirname "$0")
out=""; prev=""; last=""
for a in "$@"; do
  if [ "$prev" = "--out" ]; then out=$a; fi
  prev=$a; last=$a
done
while [ -e "$here/hold" ] && [ ! -e "$here/go" ]; do sleep 0.01; done
stem=$(basename "$last"); stem=${stem%.*}
cp "$here/fake.frames.csv" "$out/$stem.frames.csv"
printf '{"video":{"duration_sec":4.0,"pixel_aspect":"1:1"},"models":[{"name":"fake","sha256":"0"}]}\n' > "$out/$stem.analysis.json"
)";

// A study folder whose sessions `ids` have the videos videos/v1.mp4, v2.mp4, ... (a few bytes each).
class FakeStudy : public TempStudy {
 public:
  FakeStudy(const std::string& name, const std::vector<std::string>& ids) : TempStudy(name) {
    std::string csv = "session_id,patient_id,session_number,date,video\n";
    for (size_t i = 0; i < ids.size(); ++i) {
      const std::string video = "videos/v" + std::to_string(i + 1) + ".mp4";
      write(video, "not a video " + std::to_string(i));
      csv += ids[i] + ",P1," + std::to_string(i + 1) + ",2024-01-01," + video + "\n";
    }
    write("sessions.csv", csv);
    write("fake.frames.csv", fake_frames_table(8, 0.7));
    write("fake-analyze.sh", kFakeAnalyzer);
    ::chmod((dir() / "fake-analyze.sh").c_str(), 0755);
  }
  study::StudyRunOptions options(int jobs = 1) const {
    study::StudyRunOptions o;
    o.psyface_exe = dir() / "fake-analyze.sh";
    o.analyze_args = {"--fps", "2"};
    o.jobs = jobs;
    o.poll_sec = 0.002;
    return o;
  }
};

}  // namespace psyface::test

// The segments file named by study.conf (study::read_segments_csv), against a study of sessions S1, S2.
#include "fuzz_support.hpp"
#include "study/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  static const study::StudyManifest known = [] {
    study::StudyManifest m;
    for (const char* id : {"S1", "S2"}) {
      study::StudySession s;
      s.session_id = id;
      s.patient_id = "P1";
      m.sessions.push_back(s);
    }
    return m;
  }();
  const auto path = fuzz::write_temp("segments.csv", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] { study::read_segments_csv(path, known); });
  return 0;
}

// sessions.csv of a study folder (study::read_sessions_csv), videos not required to exist.
#include "fuzz_support.hpp"
#include "study/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  fuzz::write_temp("sessions.csv", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([] { study::read_sessions_csv(fuzz::temp_dir(), /*require_videos=*/false); });
  return 0;
}

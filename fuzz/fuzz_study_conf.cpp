// study.conf of a study folder (study::read_study_config), then its canonical options text.
#include "fuzz_support.hpp"
#include "study/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  fuzz::write_temp("study.conf", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([] {
    const auto config = study::read_study_config(fuzz::temp_dir());
    (void)study::measure_options_text(config);
  });
  return 0;
}

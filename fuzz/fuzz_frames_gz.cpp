// A stored (gzip) per-frame table: study::load_frames_table, then the role series it feeds.
#include "fuzz_support.hpp"
#include "measures/role_frames.hpp"
#include "study/frames_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto path = fuzz::write_temp("S1.frames.csv.gz", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] {
    const std::string text = study::load_frames_table(path, "");
    measures::read_role_table(text, path.string());
  });
  return 0;
}

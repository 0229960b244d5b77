// A model folder's manifest.json (models::read_manifest), written back as JSON when it loads.
#include "fuzz_support.hpp"
#include "models/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  fuzz::write_temp("manifest.json", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([] {
    const auto m = models::read_manifest(fuzz::temp_dir());
    (void)models::manifest_to_json(m).dump();
  });
  return 0;
}

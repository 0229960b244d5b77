// Human CEAS ratings in an ELAN .eaf file (stats::read_ratings_eaf) with the default tier names.
#include "fuzz_support.hpp"
#include "stats/ratings_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto path = fuzz::write_temp("S1.eaf", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] { stats::read_ratings_eaf(path, stats::EafTierMap{}); });
  return 0;
}

// Human CEAS ratings in CSV (stats::read_ratings_csv).
#include "fuzz_support.hpp"
#include "stats/ratings_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto path = fuzz::write_temp("ratings.csv", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] { stats::read_ratings_csv(path); });
  return 0;
}

// Patient outcomes (stats::read_outcomes_csv).
#include "fuzz_support.hpp"
#include "stats/table_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto path = fuzz::write_temp("outcomes.csv", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] { stats::read_outcomes_csv(path); });
  return 0;
}

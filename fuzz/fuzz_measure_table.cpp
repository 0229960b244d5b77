// A measure table (stats::read_measure_table): every numeric column of patient rows, and all roles.
#include "fuzz_support.hpp"
#include "stats/table_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto path = fuzz::write_temp("segments.csv", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] { stats::read_measure_table(path, stats::MeasureSelection{}); });
  fuzz::expect_refusal_only([&] {
    stats::MeasureSelection all_roles;
    all_roles.role = "";
    auto a = stats::read_measure_table(path, all_roles);
    auto b = a;
    stats::append_measure_table(a, std::move(b));
  });
  return 0;
}

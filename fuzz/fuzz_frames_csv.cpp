// A plain per-frame table: the role series the measures read (measures::read_role_table) and every
// record through the CSV reader the other commands use (tables::CsvReader).
#include "fuzz_support.hpp"
#include "measures/role_frames.hpp"
#include "tables/csv_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto text = fuzz::as_text(data, size);
  fuzz::expect_refusal_only([&] { measures::read_role_table(text, "fuzz.frames.csv"); });
  const auto path = fuzz::write_temp("fuzz.frames.csv", text);
  fuzz::expect_refusal_only([&] {
    tables::CsvReader csv(path);
    while (csv.next()) {
      for (size_t c = 0; c < csv.fields().size(); ++c) (void)csv.number(c);
    }
  });
  return 0;
}

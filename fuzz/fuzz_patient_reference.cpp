// A patient's reference embedding JSON (faces::read_patient_reference).
#include "faces/patient_reference.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto path = fuzz::write_temp("patient_reference.json", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] { faces::read_patient_reference(path); });
  return 0;
}

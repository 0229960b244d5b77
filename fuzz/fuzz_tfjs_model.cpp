// A TensorFlow.js graph model as the converter reads it (models::read_tfjs_graph_model). The input is
// model.json, optionally followed by "\n--weights--\n" and the bytes of the one weights file "w.bin"
// (the seeds' manifests name it).
#include "fuzz_support.hpp"
#include "models/tfjs_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  constexpr std::string_view kSeparator = "\n--weights--\n";
  const auto text = fuzz::as_text(data, size);
  const size_t cut = text.find(kSeparator);
  const auto json = text.substr(0, cut);
  const auto weights = cut == std::string_view::npos ? std::string_view() : text.substr(cut + kSeparator.size());
  fuzz::write_temp("w.bin", weights);
  const auto path = fuzz::write_temp("model.json", json);
  fuzz::expect_refusal_only([&] { models::read_tfjs_graph_model(path); });
  return 0;
}

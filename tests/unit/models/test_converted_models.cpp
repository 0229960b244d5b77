// Every converted ONNX model against the original TensorFlow.js model run under Node (pure-JS CPU
// backend): tests/reference/make_golden.mjs wrote the outputs to tests/golden/models/.
// Tolerance: max |onnx − tfjs| / max |tfjs| ≤ 1e-4 per tensor; probabilities ≤ 1e-5 absolute.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../test_paths.hpp"
#include "models/dnn_model.hpp"
#include "util/atomic_file.hpp"

namespace psyface::models {
namespace {

std::filesystem::path golden_dir() { return test::source_dir() / "tests/golden/models"; }
std::filesystem::path models_dir() { return test::source_dir() / "models"; }

uint32_t mulberry32_next(uint32_t& a) {
  a += 0x6D2B79F5u;
  uint32_t t = (a ^ (a >> 15)) * (1u | a);
  t = (t + ((t ^ (t >> 7)) * (61u | t))) ^ t;
  return t ^ (t >> 14);
}

// NHWC float input exactly as the reference script made it.
std::vector<float> make_input(const nlohmann::json& c, const std::vector<int64_t>& nhwc) {
  const size_t n = static_cast<size_t>(nhwc[1] * nhwc[2] * nhwc[3]);
  const int64_t ch = nhwc[3];
  std::vector<float> raw(n);
  if (c["kind"] == "seeded") {
    uint32_t state = c["seed"].get<uint32_t>();
    const double lo = c["lo"], hi = c["hi"];
    for (auto& v : raw) v = static_cast<float>(lo + (hi - lo) * (mulberry32_next(state) / 4294967296.0));
  } else {
    const std::string bytes = util::read_file(golden_dir() / c["file"].get<std::string>());
    EXPECT_EQ(bytes.size(), n);
    for (size_t k = 0; k < n; ++k) {
      const float u8 = static_cast<unsigned char>(bytes[k]);
      if (c.contains("scale")) raw[k] = static_cast<float>(u8 * c["scale"].get<float>()) + c["offset"].get<float>();
      else raw[k] = u8;
    }
  }
  if (c.contains("mean_rgb"))
    for (size_t k = 0; k < n; ++k)
      raw[k] = (raw[k] - c["mean_rgb"][k % ch].get<float>()) / c["divisor"].get<float>();
  return raw;
}

cv::Mat to_nchw_blob(const std::vector<float>& nhwc, const std::vector<int64_t>& s) {
  const int H = static_cast<int>(s[1]), W = static_cast<int>(s[2]), C = static_cast<int>(s[3]);
  const int sz[4] = {1, C, H, W};
  cv::Mat blob(4, sz, CV_32F);
  float* p = blob.ptr<float>();
  for (int h = 0; h < H; ++h)
    for (int w = 0; w < W; ++w)
      for (int c = 0; c < C; ++c) p[(c * H + h) * W + w] = nhwc[(h * W + w) * C + c];
  return blob;
}

std::vector<float> read_f32(const std::filesystem::path& p) {
  const std::string bytes = util::read_file(p);
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

struct GoldenModel {
  std::string golden_name, model_name;
};

// Every model on both engines: OpenCV DNN (reference path) and XNNPACK (default; must not fall back).
class ConvertedModelTest : public ::testing::TestWithParam<std::tuple<GoldenModel, Engine>> {};

TEST_P(ConvertedModelTest, MatchesTensorFlowJsReference) {
  const auto& [gm, engine] = GetParam();
  if (!std::filesystem::exists(models_dir() / gm.model_name / "manifest.json"))
    GTEST_SKIP() << "model not built: run 'psyface models build'";
  const auto index = nlohmann::json::parse(util::read_file(golden_dir() / "index.json"));
  const auto& g = index.at("models").at(gm.golden_name);
  DnnModel model = DnnModel::load(models_dir(), gm.model_name, engine);
  ASSERT_EQ(model.engine(), engine) << gm.model_name << " fell back to OpenCV DNN";
  const auto& outs = model.manifest().outputs;
  const auto shape = g["input_shape_nhwc"].get<std::vector<int64_t>>();

  for (const auto& c : g["cases"]) {
    const std::string case_name = c["name"];
    const auto result = model.run(to_nchw_blob(make_input(c, shape), shape));
    const auto files = g["files"][case_name];
    ASSERT_EQ(files.size(), g["outputs"].size());
    for (size_t k = 0; k < files.size(); ++k) {
      const auto& go = g["outputs"][k];
      std::string name = go.value("graph_node", nlohmann::json()).is_string() ? go["graph_node"].get<std::string>()
                                                                             : go["name"].get<std::string>();
      if (auto colon = name.find(':'); colon != std::string::npos) name = name.substr(0, colon);
      bool l2 = false;
      if (gm.model_name == "mobilefacenet" && name == "embeddings") {
        name = outs.at(0).name;  // raw embedding; the graph's L2 normalisation runs on the host
        l2 = true;
      }
      size_t idx = outs.size();
      for (size_t j = 0; j < outs.size(); ++j)
        if (outs[j].name == name) idx = j;
      // Heads psyface leaves out of the runtime graph on purpose (model_catalog.cpp): facemesh's unused
      // lip contours. Every other output must be there.
      if (idx == outs.size() && gm.model_name == "facemesh" && name == "Identity") continue;
      ASSERT_LT(idx, outs.size()) << gm.model_name << ": no ONNX output named " << name;
      const cv::Mat& m = result[idx];
      std::vector<float> got(m.ptr<float>(), m.ptr<float>() + m.total());
      if (l2) {
        double ss = 0;
        for (float v : got) ss += double(v) * v;
        for (float& v : got) v = static_cast<float>(v / std::sqrt(std::max(ss, 1e-10)));
      }
      const auto want = read_f32(golden_dir() / files[k].get<std::string>());
      ASSERT_EQ(got.size(), want.size()) << gm.model_name << " " << case_name << " output " << name << ": shape";
      double scale = 0;
      for (float v : want) scale = std::max(scale, double(std::fabs(v)));
      const bool probs = name.find("Softmax") != std::string::npos || name == "probabilities" ||
                         (gm.model_name == "mini-xception");
      const double tol = probs ? 1e-5 : 1e-4 * std::max(scale, 1e-6);
      double max_err = 0;
      for (size_t i = 0; i < got.size(); ++i) max_err = std::max(max_err, std::fabs(double(got[i]) - want[i]));
      std::printf("  %-24s %-6s %-34s max|diff| %.3g (max|ref| %.3g, tolerance %.3g)\n", gm.model_name.c_str(),
                  case_name.c_str(), name.c_str(), max_err, scale, tol);
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_LE(std::fabs(double(got[i]) - want[i]), tol)
            << gm.model_name << " case " << case_name << " output " << name << ": first mismatch at element " << i
            << " (onnx " << got[i] << ", tfjs " << want[i] << ", tolerance " << tol << ")";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllModels, ConvertedModelTest,
                         ::testing::Combine(::testing::Values(GoldenModel{"emotion", "mini-xception"},
                                           GoldenModel{"faceapi-expression", "face-api"},
                                           GoldenModel{"blazeface-back", "blazeface-back"},
                                           GoldenModel{"facemesh-detection-full", "facemesh-detection-full"},
                                           GoldenModel{"facemesh", "facemesh"}, GoldenModel{"iris", "iris"},
                                           GoldenModel{"faceres", "faceres"},
                                           GoldenModel{"mobilefacenet", "mobilefacenet"}),
                                            ::testing::Values(Engine::OpenCV, Engine::Xnnpack)),
                         [](const auto& info) {
                           std::string n = std::get<0>(info.param).model_name + "_" +
                                           engine_name(std::get<1>(info.param));
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace psyface::models

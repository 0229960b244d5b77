// Malformed TensorFlow.js model files (model.json topology, weights manifest, .bin shards) are model
// errors (code 4) that name the file and the field: never a crash, a C++ library exception ("internal
// error", exit 70) or a silently accepted file. Each case starts from a tiny valid graph
// (Placeholder [1,4,4,1] → Conv2D with a 1×1×1×2 constant filter) and breaks one thing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <functional>
#include <typeinfo>

#include "models/faceapi_expression.hpp"
#include "models/tf_to_onnx.hpp"
#include "models/tfjs_model.hpp"
#include "psyface/error.hpp"
#include "util/atomic_file.hpp"

namespace psyface::models {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string floats_bin(std::vector<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

class TfjsMalformed : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("psyface_tfjs_bad_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    j_ = json::parse(R"({
      "modelTopology": {"node": [
        {"name": "input", "op": "Placeholder",
         "attr": {"shape": {"shape": {"dim": [{"size": "1"}, {"size": "4"}, {"size": "4"}, {"size": "1"}]}}}},
        {"name": "w", "op": "Const"},
        {"name": "conv", "op": "Conv2D", "input": ["input", "w"],
         "attr": {"padding": {"s": "VkFMSUQ="}, "strides": {"list": {"i": ["1", "1", "1", "1"]}}}}]},
      "weightsManifest": [{"paths": ["w.bin"], "weights": [{"name": "w", "shape": [1, 1, 1, 2], "dtype": "float32"}]}]
    })");
    bin_ = floats_bin({0.5f, -2.0f});
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path model_json() const { return dir_ / "model.json"; }
  json& node(int k) { return j_["modelTopology"]["node"][k]; }
  json& weight(int k) { return j_["weightsManifest"][0]["weights"][k]; }

  ConvertedModel read_and_convert() {
    util::write_file_atomic(model_json(), j_.dump());
    util::write_file_atomic(dir_ / "w.bin", bin_);
    return convert_tfjs_graph(read_tfjs_graph_model(model_json()), {});
  }

  // The conversion must fail with a model error whose message names model.json and each of `needles`.
  void expect_model_error(std::vector<std::string> needles) {
    needles.push_back(model_json().string());
    try {
      read_and_convert();
      ADD_FAILURE() << "the malformed model was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Model) << e.what();
      for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << n << " | " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a model error (would be 'internal error', exit 70): " << typeid(e).name() << ": " << e.what();
    }
  }

  fs::path dir_;
  json j_;
  std::string bin_;
};

TEST_F(TfjsMalformed, TheValidFixtureConverts) {
  const ConvertedModel m = read_and_convert();
  EXPECT_EQ(m.input_shape_nhwc, (std::vector<int64_t>{1, 4, 4, 1}));
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs[0].tf_shape, (std::vector<int64_t>{1, 4, 4, 2}));
}

TEST_F(TfjsMalformed, HugeDimensionThatOverflowsTheElementCount) {
  weight(0)["shape"] = {int64_t{1} << 62, 4, 1, 2};  // 2^65 elements: wrapped to 0 and crashed in the conv
  expect_model_error({"weightsManifest[0].weights[0].shape", "tensor w"});
}

TEST_F(TfjsMalformed, NegativeDimension) {
  // A second tensor with shape [-2]: its byte count wrapped around the check (std::length_error before).
  weight(0)["shape"] = {2};
  j_["weightsManifest"][0]["weights"].push_back({{"name", "b"}, {"shape", {-2}}, {"dtype", "float32"}});
  expect_model_error({"weightsManifest[0].weights[1].shape[0]", "-2"});
}

TEST_F(TfjsMalformed, WrongJsonTypes) {
  weight(0)["name"] = 5;
  expect_model_error({"weightsManifest[0].weights[0].name", "expected a string"});
  SetUp();
  weight(0)["shape"] = "1,1,1,2";
  expect_model_error({"weightsManifest[0].weights[0].shape", "expected an array"});
  SetUp();
  weight(0)["shape"][1] = 1.5;
  expect_model_error({"weightsManifest[0].weights[0].shape[1]", "expected an integer"});
  SetUp();
  node(2)["op"] = 7;
  expect_model_error({"modelTopology.node[2].op", "expected a string"});
  SetUp();
  node(2)["input"] = {"input", nullptr};
  expect_model_error({"modelTopology.node[2].input[1]"});
  SetUp();
  j_["modelTopology"]["node"] = {{"name", "x"}};
  expect_model_error({"modelTopology.node"});
  SetUp();
  node(2)["attr"]["strides"]["list"]["i"] = "1111";
  expect_model_error({"modelTopology.node[2].attr.strides.list.i", "expected an array"});
}

TEST_F(TfjsMalformed, UnparsableIntegers) {
  node(2)["attr"]["strides"]["list"]["i"][1] = "one";  // std::stoll threw std::invalid_argument
  expect_model_error({"modelTopology.node[2].attr.strides.list.i[1]", "\"one\" is not an integer"});
  SetUp();
  node(0)["attr"]["shape"]["shape"]["dim"][1]["size"] = "4x";
  expect_model_error({"modelTopology.node[0].attr.shape.shape.dim[1].size", "\"4x\""});
  SetUp();
  node(0)["attr"]["shape"]["shape"]["dim"][1]["size"] = "99999999999999999999";
  expect_model_error({"modelTopology.node[0].attr.shape.shape.dim[1].size"});
}

TEST_F(TfjsMalformed, TrailingBytesInTheWeightsFile) {
  bin_ += floats_bin({1.0f});  // 12 bytes for a tensor of 8
  expect_model_error({"weightsManifest[0].paths", "4 trailing bytes"});
}

TEST_F(TfjsMalformed, WeightsFileTooShort) {
  bin_.resize(6);
  expect_model_error({"weightsManifest[0].weights[0].shape", "tensor w"});
}

TEST_F(TfjsMalformed, MissingOrEscapingWeightsFile) {
  j_["weightsManifest"][0]["paths"] = {"nothere.bin"};  // was Error(Input), code 3, "cannot read"
  expect_model_error({"weightsManifest[0].paths[0]", "nothere.bin", "not found"});
  SetUp();
  j_["weightsManifest"][0]["paths"] = {"../w.bin"};
  expect_model_error({"weightsManifest[0].paths[0]", "not a file inside"});
}

TEST_F(TfjsMalformed, UnknownDtypeOrQuantisation) {
  weight(0)["dtype"] = "float64";  // the message named neither the file nor the field
  expect_model_error({"weightsManifest[0].weights[0].dtype", "float64"});
  SetUp();
  weight(0)["quantization"] = {{"dtype", "int4"}};
  expect_model_error({"weightsManifest[0].weights[0].quantization.dtype", "int4"});
  SetUp();
  weight(0)["quantization"] = {{"dtype", "uint8"}, {"scale", "big"}, {"min", 0}};
  expect_model_error({"weightsManifest[0].weights[0].quantization.scale"});
}

TEST_F(TfjsMalformed, DuplicateOrMissingNodesAndWeights) {
  node(1)["name"] = "input";
  expect_model_error({"modelTopology.node[1].name", "defined twice"});
  SetUp();
  node(2)["input"] = {"input", "nowhere"};
  expect_model_error({"modelTopology.node[2]", "'nowhere'"});
  SetUp();
  node(2)["input"] = {"input", ""};  // base_name("") read past the string
  expect_model_error({"modelTopology.node[2].input[1]", "empty input name"});
  SetUp();
  j_["weightsManifest"][0]["weights"].push_back(weight(0));
  bin_ += bin_;
  expect_model_error({"weightsManifest[0].weights[1].name", "listed twice"});
}

TEST_F(TfjsMalformed, ShapesTheConverterCannotUse) {
  node(2)["attr"]["strides"]["list"]["i"] = {"1", "0", "0", "1"};  // division by zero (SIGFPE)
  expect_model_error({"modelTopology.node[2]", "stride"});
  SetUp();
  weight(0)["dtype"] = "int32";  // an int32 filter was read as floats past its end
  expect_model_error({"modelTopology.node[2]", "float32"});
  SetUp();
  weight(0)["shape"] = {1, 1, 3, 2};  // 3 input channels for a 1-channel input
  bin_ = floats_bin({1, 2, 3, 4, 5, 6});
  expect_model_error({"modelTopology.node[2]", "channels"});
  SetUp();
  node(0)["attr"]["shape"]["shape"]["dim"][2]["size"] = "0";
  expect_model_error({"modelTopology.node[0].attr.shape.shape.dim[2].size"});
}

// The graph is walked without recursion: a chain of 200,000 Identity nodes overflowed the stack (SIGSEGV).
TEST_F(TfjsMalformed, LongChainOfNodesDoesNotOverflowTheStack) {
  json& nodes = j_["modelTopology"]["node"];
  std::string previous = "conv";
  for (int k = 0; k < 200000; ++k) {
    const std::string name = "id" + std::to_string(k);
    nodes.push_back({{"name", name}, {"op", "Identity"}, {"input", {previous}}});
    previous = name;
  }
  const ConvertedModel m = read_and_convert();
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs[0].tf_shape, (std::vector<int64_t>{1, 4, 4, 2}));
}

// face-api's weights-only manifest goes through the same reader (a top-level array of groups).
TEST_F(TfjsMalformed, FaceApiWeightsManifestNamesFileAndField) {
  const fs::path manifest = dir_ / "face_expression_model-weights_manifest.json";
  util::write_file_atomic(dir_ / "w.bin", bin_);
  util::write_file_atomic(manifest, json::array({{{"paths", {"w.bin"}}, {"weights", {{{"name", "w"}, {"shape", {1, -1}}, {"dtype", "float32"}}}}}}).dump());
  try {
    build_faceapi_expression_graph(manifest);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Model);
    EXPECT_NE(std::string(e.what()).find(manifest.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[0].weights[0].shape[1]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace psyface::models

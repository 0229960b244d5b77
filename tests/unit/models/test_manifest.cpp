// Manifest round trip and the loader's refusal of corrupt or mismatched model files.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "../test_paths.hpp"
#include "models/dnn_model.hpp"
#include "models/manifest.hpp"
#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

namespace psyface::models {
namespace {

namespace fs = std::filesystem;

class ModelDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    src_ = test::source_dir() / "models" / "mini-xception";
    if (!fs::exists(src_ / "manifest.json")) GTEST_SKIP() << "model not built: run 'psyface models build'";
    tmp_ = fs::temp_directory_path() / ("psyface_manifest_" + std::to_string(::getpid()));
    fs::remove_all(tmp_);
    fs::create_directories(tmp_ / "mini-xception");
    for (const auto& e : fs::directory_iterator(src_)) fs::copy(e.path(), tmp_ / "mini-xception" / e.path().filename());
  }
  void TearDown() override {
    if (!tmp_.empty()) fs::remove_all(tmp_);
  }
  fs::path src_, tmp_;
};

TEST_F(ModelDirTest, IntactModelLoadsAndChecksumMatches) {
  DnnModel m = DnnModel::load(tmp_, "mini-xception");
  EXPECT_EQ(m.checksum(), util::sha256_file(tmp_ / "mini-xception" / "model.onnx"));
  EXPECT_EQ(m.manifest().input_width, 64);
  EXPECT_EQ(m.manifest().class_order.size(), 7u);
}

TEST_F(ModelDirTest, CorruptedOnnxIsRefusedWithClearError) {
  const fs::path onnx = tmp_ / "mini-xception" / "model.onnx";
  std::string bytes = util::read_file(onnx);
  bytes[bytes.size() / 2] ^= 0x5a;  // one flipped byte in the weights
  util::write_file_atomic(onnx, bytes);
  try {
    DnnModel::load(tmp_, "mini-xception");
    FAIL() << "corrupted model was loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Model);
    EXPECT_NE(std::string(e.what()).find("does not match its manifest"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("model.onnx"), std::string::npos) << e.what();
  }
}

TEST_F(ModelDirTest, MissingOnnxAndWrongFormatVersionAreRefused) {
  auto manifest = read_manifest(tmp_ / "mini-xception");
  auto j = manifest_to_json(manifest);
  j["format_version"] = 99;
  util::write_file_atomic(tmp_ / "mini-xception" / "manifest.json", j.dump());
  EXPECT_THROW(DnnModel::load(tmp_, "mini-xception"), Error);
  write_manifest(tmp_ / "mini-xception", manifest);
  fs::remove(tmp_ / "mini-xception" / "model.onnx");
  try {
    DnnModel::load(tmp_, "mini-xception");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Model);
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos);
  }
}

// A manifest edited in place: the loader refuses it with the file and the field.
void expect_load_refused(const fs::path& models, const std::function<void(nlohmann::json&)>& change,
                         const std::string& field, const std::string& detail) {
  const fs::path file = models / "mini-xception" / "manifest.json";
  nlohmann::json j = nlohmann::json::parse(util::read_file(file));
  const std::string original = j.dump(2);
  change(j);
  util::write_file_atomic(file, j.dump(2));
  try {
    DnnModel::load(models, "mini-xception");
    ADD_FAILURE() << "loaded with " << field << " changed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Model) << e.what();
    EXPECT_NE(std::string(e.what()).find(file.string() + ": field " + field + ": "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(detail), std::string::npos) << e.what();
  }
  util::write_file_atomic(file, original);
}

TEST_F(ModelDirTest, ManifestWithDuplicateClassOrBadInputSizeIsRefused) {
  // mini-xception: angry, disgusted, fearful, happy, sad, ... ; "sad" listed as "happy"
  expect_load_refused(tmp_, [](auto& j) { j["output"]["class_order"][4] = "happy"; }, "output.class_order[4]",
                      "'happy' is listed twice");
  expect_load_refused(tmp_, [](auto& j) { j["input"]["width"] = 0; }, "input.width", "0 is not an image size");
  // a size the network does not take: the preprocessing wrote the wrong number of pixels
  expect_load_refused(tmp_, [](auto& j) { j["input"]["width"] = 63; }, "input.width", "takes 64");
  EXPECT_NO_THROW(DnnModel::load(tmp_, "mini-xception"));
}

// OpenCV DNN gets the bytes whose checksum was taken, not the path read again: while the file is swapped
// for a truncated copy and back, every load either succeeds or is refused by the checksum.
TEST_F(ModelDirTest, OpenCvLoadsTheCheckedBytes) {
  const fs::path onnx = tmp_ / "mini-xception" / "model.onnx";
  const fs::path good = tmp_ / "good.onnx", bad = tmp_ / "bad.onnx", swap = tmp_ / "mini-xception" / "swap";
  fs::copy_file(onnx, good);
  std::string truncated = util::read_file(onnx);
  truncated.resize(truncated.size() / 2);
  util::write_file_atomic(bad, truncated);
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    for (int k = 0; !stop; ++k) {
      fs::remove(swap);
      fs::create_hard_link(k % 2 ? bad : good, swap);
      fs::rename(swap, onnx);
    }
  });
  int loaded = 0, refused = 0;
  std::string other;
  for (int i = 0; i < 60; ++i) {
    try {
      DnnModel::load(tmp_, "mini-xception", Engine::OpenCV);
      ++loaded;
    } catch (const Error& e) {
      if (std::string(e.what()).find("does not match its manifest") != std::string::npos) ++refused;
      else other = e.what();
    }
  }
  stop = true;
  swapper.join();
  EXPECT_EQ(other, "");
  EXPECT_EQ(loaded + refused, 60);
  std::cout << "loaded " << loaded << ", refused by the checksum " << refused << "\n";
}

// A valid emotion-model manifest (what the round trip and the validation cases start from).
Manifest emotion_manifest() {
  Manifest m;
  m.name = "x";
  m.source_package = "p";
  m.source_version = "1";
  m.source_path = "a/b.json";
  m.licence = "MIT";
  m.sha256 = std::string(64, 'a');
  m.input_width = 3;
  m.input_height = 4;
  m.input_channels = 1;
  m.colour = "grey";
  m.normalisation = "n";
  m.mean = {1.5f};
  m.scale = 0.5f;
  m.output_kind = "probabilities";
  m.class_order = {"sad", "happy", "neutral", "angry", "fearful", "disgusted", "surprised"};
  m.outputs = {{"out", {1, 7}}};
  return m;
}

TEST(Manifest, JsonRoundTripKeepsEveryField) {
  const Manifest m = emotion_manifest();
  const Manifest r = manifest_from_json(manifest_to_json(m), "test");
  EXPECT_EQ(manifest_to_json(r), manifest_to_json(m));
  EXPECT_THROW(manifest_from_json(nlohmann::json::object(), "test"), Error);
}

// Each change to a valid manifest must give a model error naming the file and the field.
void expect_refused(const std::function<void(nlohmann::json&)>& change, const std::string& field,
                    const std::string& detail = "") {
  nlohmann::json j = manifest_to_json(emotion_manifest());
  change(j);
  SCOPED_TRACE(j.dump());
  try {
    manifest_from_json(j, "/m/manifest.json");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.code(), ErrorCode::Model) << what;
    EXPECT_NE(what.find("/m/manifest.json: field " + field + ":"), std::string::npos) << what;
    EXPECT_NE(what.find(detail), std::string::npos) << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a model error: " << e.what();
  }
}

TEST(Manifest, EmotionClassesMustBeTheSevenOnce) {
  // "sad" listed as "happy": classify returned sad's value as happy and the probabilities summed to ≠ 1
  expect_refused([](auto& j) { j["output"]["class_order"][0] = "happy"; }, "output.class_order[1]",
                 "'happy' is listed twice");
  expect_refused([](auto& j) { j["output"]["class_order"][0] = "bored"; }, "output.class_order", "'sad'");
  expect_refused([](auto& j) { j["output"]["class_order"].push_back("bored"); }, "output.class_order", "8 classes");
  expect_refused([](auto& j) { j["output"]["tensors"][0]["shape"] = {1, 6}; }, "output.tensors", "6 values");
  expect_refused(
      [](auto& j) { j["output"]["tensors"].push_back({{"name", "other"}, {"shape", {1, 7}}}); }, "output.tensors",
      "'probabilities'");
}

TEST(Manifest, OtherKindsHaveNoClassesButValidOutputs) {
  auto detector = [](auto& j) {
    j["output"]["kind"] = "detections";
    j["output"]["class_order"] = nlohmann::json::array();
    j["output"]["tensors"] = {{{"name", "boxes"}, {"shape", {1, 896, 16}}}, {{"name", "scores"}, {"shape", {1, 896, 1}}}};
  };
  nlohmann::json ok = manifest_to_json(emotion_manifest());
  detector(ok);
  EXPECT_NO_THROW(manifest_from_json(ok, "test"));
  expect_refused([&](auto& j) { detector(j); j["output"]["class_order"] = {"face"}; }, "output.class_order",
                 "no classes");
  expect_refused([&](auto& j) { detector(j); j["output"]["tensors"][1]["name"] = "boxes"; },
                 "output.tensors[1].name", "twice");
  expect_refused([&](auto& j) { detector(j); j["output"]["tensors"][0]["shape"][1] = 0; },
                 "output.tensors[0].shape[1]");
  expect_refused([&](auto& j) { detector(j); j["output"]["tensors"] = nlohmann::json::array(); }, "output.tensors");
  expect_refused([](auto& j) { j["output"]["kind"] = "emotions"; }, "output.kind", "'emotions'");
}

TEST(Manifest, InputSizesAndNormalisationMustBeSane) {
  // width 0 passed the loader and stopped in OpenCV's resize with an internal error
  expect_refused([](auto& j) { j["input"]["width"] = 0; }, "input.width", "0 is not an image size");
  expect_refused([](auto& j) { j["input"]["height"] = -4; }, "input.height");
  expect_refused([](auto& j) { j["input"]["width"] = 100000; }, "input.width");
  expect_refused([](auto& j) { j["input"]["channels"] = 2; }, "input.channels");
  expect_refused([](auto& j) { j["input"]["mean"] = {1, 2, 3}; }, "input.mean", "3 values for 1 channel");
  expect_refused([](auto& j) { j["input"]["mean"] = {-1}; }, "input.mean[0]");
  expect_refused([](auto& j) { j["input"]["scale"] = 0; }, "input.scale");
  expect_refused([](auto& j) { j["input"]["scale"] = 255; }, "input.scale");
  expect_refused([](auto& j) { j["input"]["layout"] = "NHWC"; }, "input.layout");
  expect_refused([](auto& j) { j["input"]["resize"] = "nearest"; }, "input.resize");
  expect_refused([](auto& j) { j["file"] = "../../elsewhere.onnx"; }, "file");
  expect_refused([](auto& j) { j["sha256"] = "abc"; }, "sha256");
  expect_refused([](auto& j) { j["name"] = ""; }, "name");
}

TEST(Manifest, WrongJsonTypesNameTheField) {
  // these gave "malformed model manifest: [json.exception.type_error.302] type must be number, but is string"
  expect_refused([](auto& j) { j["input"]["width"] = "64"; }, "input.width", "expected an integer");
  expect_refused([](auto& j) { j["input"]["scale"] = "0.5"; }, "input.scale", "expected a number");
  expect_refused([](auto& j) { j["input"]["mean"] = 127.5; }, "input.mean", "expected an array");
  expect_refused([](auto& j) { j["output"]["class_order"][2] = 3; }, "output.class_order[2]", "expected a string");
  expect_refused([](auto& j) { j["output"]["tensors"][0]["shape"][1] = 7.5; }, "output.tensors[0].shape[1]");
  expect_refused([](auto& j) { j["source"] = "p"; }, "source");
  expect_refused([](auto& j) { j.erase("licence"); }, "licence", "missing");
  expect_refused([](auto& j) { j["format_version"] = "1"; }, "format_version");
}

}  // namespace
}  // namespace psyface::models

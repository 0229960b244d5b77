// Manifest round trip and the loader's refusal of corrupt or mismatched model files.
#include <gtest/gtest.h>

#include <fstream>

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

TEST(Manifest, JsonRoundTripKeepsEveryField) {
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
  m.class_order = {"a", "b"};
  m.outputs = {{"out", {1, 2}}};
  const Manifest r = manifest_from_json(manifest_to_json(m), "test");
  EXPECT_EQ(manifest_to_json(r), manifest_to_json(m));
  EXPECT_THROW(manifest_from_json(nlohmann::json::object(), "test"), Error);
}

}  // namespace
}  // namespace psyface::models

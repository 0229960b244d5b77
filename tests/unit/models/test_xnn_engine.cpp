// The XNNPACK engine against OpenCV DNN on handmade graphs (every op it translates, batch > 1, threads)
// and on the real models (batched = one by one); an op it lacks falls back to OpenCV DNN with a note.
// The TF.js goldens for both engines: test_converted_models.cpp.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>

#include <opencv2/dnn.hpp>

#include <opencv2/imgcodecs.hpp>

#include "../test_paths.hpp"
#include "models/dnn_model.hpp"
#include "models/emotion_classifier.hpp"
#include "models/manifest.hpp"
#include "models/onnx_builder.hpp"
#include "models/xnn_net.hpp"
#include "psyface/error.hpp"
#include "stats/label_folders.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

namespace psyface::models {
namespace {

namespace fs = std::filesystem;

std::vector<float> seeded(size_t n, float lo, float hi, int seed) {
  cv::RNG rng(static_cast<uint64_t>(seed));
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(lo, hi);
  return v;
}

cv::Mat random_blob(int n, int c, int h, int w, int seed) {
  const int sz[4] = {n, c, h, w};
  cv::Mat b(4, sz, CV_32F);
  cv::RNG(static_cast<uint64_t>(seed)).fill(b, cv::RNG::UNIFORM, -1.0, 1.0);
  return b;
}

std::vector<cv::Mat> run_opencv(const std::string& bytes, const std::vector<std::string>& outs, const cv::Mat& blob) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  net.setInput(blob);
  std::vector<cv::Mat> r;
  net.forward(r, outs);
  return r;
}

double max_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  EXPECT_EQ(a.total(), b.total());
  double m = 0;
  for (size_t i = 0; i < std::min(a.total(), b.total()); ++i)
    m = std::max(m, std::fabs(double(a.ptr<float>()[i]) - b.ptr<float>()[i]));
  return m;
}

double max_abs(const cv::Mat& a) {
  double m = 0;
  for (size_t i = 0; i < a.total(); ++i) m = std::max(m, std::fabs(double(a.ptr<float>()[i])));
  return m;
}

// A small graph with every op the engine translates, in the converter's conventions (NCHW, explicit
// asymmetric pads, NHWC transpose before the reshape).
std::string every_op_graph() {
  OnnxBuilder b("every_op");
  b.add_input("input", {1, 3, 10, 10});
  auto c1 = b.add_node("Conv", {"input", b.add_const("w1", {8, 3, 3, 3}, seeded(8 * 27, -0.5f, 0.5f, 1)),
                                b.add_const("b1", {8}, seeded(8, -0.1f, 0.1f, 2))}, "conv1");
  b.attr_ints("kernel_shape", {3, 3});
  b.attr_ints("strides", {2, 2});
  b.attr_ints("dilations", {1, 1});
  b.attr_ints("pads", {0, 0, 1, 1});
  b.attr_int("group", 1);
  auto p1 = b.add_node("PRelu", {c1, b.add_const("a1", {8, 1, 1}, seeded(8, 0.0f, 0.3f, 3))}, "prelu1");
  auto dw = b.add_node("Conv", {p1, b.add_const("wdw", {8, 1, 3, 3}, seeded(72, -0.5f, 0.5f, 4))}, "dw");
  b.attr_ints("kernel_shape", {3, 3});
  b.attr_ints("pads", {1, 1, 1, 1});
  b.attr_int("group", 8);
  auto r1 = b.add_node("Relu", {dw}, "relu1");
  auto m1 = b.add_node("Mul", {r1, b.add_const("scale", {1, 8, 1, 1}, seeded(8, 0.5f, 1.5f, 5))}, "mul1");
  auto s1 = b.add_node("Sub", {m1, b.add_const("six", {1}, {0.25f})}, "sub1");
  auto full = b.add_node("Add", {s1, b.add_const("bias_map", {1, 8, 5, 5}, seeded(200, -1.0f, 1.0f, 6))}, "addmap");
  auto ab = b.add_node("Abs", {full}, "abs1");
  auto sum = b.add_node("Add", {ab, r1}, "sum");
  auto sg = b.add_node("Sigmoid", {sum}, "sig");
  auto pad = b.add_node("Pad", {sg, b.add_const_i64("pads", {0, 0, 0, 0, 0, 4, 1, 1})}, "padc");
  auto mp = b.add_node("MaxPool", {pad}, "maxpool");
  b.attr_ints("kernel_shape", {3, 3});
  b.attr_ints("strides", {2, 2});
  b.attr_ints("pads", {1, 1, 1, 1});
  auto ap = b.add_node("AveragePool", {pad}, "avgpool");
  b.attr_ints("kernel_shape", {3, 3});
  b.attr_ints("strides", {2, 2});
  b.attr_ints("pads", {0, 0, 1, 1});
  b.attr_int("count_include_pad", 0);
  auto cat = b.add_node("Concat", {mp, ap}, "concat");
  b.attr_int("axis", 1);
  auto gap = b.add_node("GlobalAveragePool", {cat}, "gap");
  auto flat = b.add_node("Flatten", {gap}, "flat");
  auto t = b.add_node("Transpose", {cat}, "to_nhwc");
  b.attr_ints("perm", {0, 2, 3, 1});
  auto rs = b.add_node("Reshape", {t, b.add_const_i64("shape", {1, -1})}, "reshape");
  auto cat2 = b.add_node("Concat", {rs, flat}, "concat2");
  b.attr_int("axis", 1);
  auto gemm = b.add_node("Gemm", {cat2, b.add_const("wfc", {7, 24 * 9 + 24}, seeded(7 * 240, -0.2f, 0.2f, 7)),
                                  b.add_const("bfc", {7}, seeded(7, -0.1f, 0.1f, 8))}, "fc");
  b.attr_int("transB", 1);
  auto sm = b.add_node("Softmax", {gemm}, "softmax");
  b.attr_int("axis", 1);
  b.add_output(sm, {1, 7});
  b.add_output(t, {1, 3, 3, 24});
  b.add_output(cat, {1, 24, 3, 3});  // an NCHW output: transposed back on the host
  return b.serialize("test");
}

TEST(XnnEngine, EveryTranslatedOpMatchesOpenCvAtBatchOneAndThreeWithOneAndTwoThreads) {
  const std::string bytes = every_op_graph();
  const std::vector<std::string> outs{"softmax", "to_nhwc", "concat"};
  auto net = XnnNet::from_onnx(bytes, outs);
  for (int batch : {1, 3})
    for (int threads : {1, 2}) {
      const cv::Mat blob = random_blob(batch, 3, 10, 10, 10 + batch);
      const auto got = net->run(blob, threads);
      ASSERT_EQ(got.size(), 3u);
      // OpenCV DNN cannot broadcast the [1, C, H, W] constant over a batch: one sample at a time.
      const size_t in_per = blob.total() / batch;
      for (int s = 0; s < batch; ++s) {
        const int sz[4] = {1, 3, 10, 10};
        const cv::Mat one(4, sz, CV_32F, const_cast<float*>(blob.ptr<float>()) + s * in_per);
        const auto want = run_opencv(bytes, outs, one);
        for (size_t k = 0; k < got.size(); ++k) {
          ASSERT_EQ(got[k].size[0], batch);
          ASSERT_EQ(got[k].total(), want[k].total() * batch) << outs[k];
          for (int d = 1; d < want[k].dims; ++d) ASSERT_EQ(got[k].size[d], want[k].size[d]) << outs[k];
          const size_t per = want[k].total();
          double err = 0;
          for (size_t i = 0; i < per; ++i)
            err = std::max(err, std::fabs(double(got[k].ptr<float>()[s * per + i]) - want[k].ptr<float>()[i]));
          EXPECT_LE(err, 1e-5 * std::max(1.0, max_abs(want[k])))
              << outs[k] << " batch " << batch << " sample " << s << " threads " << threads;
          EXPECT_GT(max_abs(want[k]), 0.01) << outs[k] << " is degenerate";
        }
      }
    }
}

std::string tanh_graph() {
  OnnxBuilder b("tanh");
  b.add_input("input", {1, 1, 4, 4});
  auto t = b.add_node("Tanh", {"input"}, "tanh");
  auto y = b.add_node("Transpose", {t}, "out");
  b.attr_ints("perm", {0, 2, 3, 1});
  b.add_output(y, {1, 4, 4, 1});
  return b.serialize("test");
}

TEST(XnnEngine, UnsupportedOpIsReportedByName) {
  try {
    XnnNet::from_onnx(tanh_graph(), {"out"});
    FAIL() << "a graph with Tanh was accepted";
  } catch (const UnsupportedGraph& e) {
    EXPECT_NE(std::string(e.what()).find("Tanh"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'tanh'"), std::string::npos) << e.what();
  }
}

TEST(XnnEngine, ModelWithUnsupportedOpFallsBackToOpenCvWithANote) {
  const fs::path dir = fs::temp_directory_path() / ("psyface_xnn_fallback_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "tiny");
  util::write_file_atomic(dir / "tiny" / "model.onnx", tanh_graph());
  Manifest m;
  m.name = "tiny";
  m.sha256 = util::sha256_file(dir / "tiny" / "model.onnx");
  m.input_width = m.input_height = 4;
  m.input_channels = 1;
  m.mean = {0.0f};
  m.output_kind = "landmarks";
  m.outputs = {{"out", {1, 4, 4, 1}}};
  write_manifest(dir / "tiny", m);

  testing::internal::CaptureStderr();
  DnnModel model = DnnModel::load(dir, "tiny", Engine::Xnnpack);
  const std::string note = testing::internal::GetCapturedStderr();
  EXPECT_EQ(model.engine(), Engine::OpenCV);
  EXPECT_NE(note.find("psyface: note: model tiny runs on OpenCV DNN"), std::string::npos) << note;
  EXPECT_NE(note.find("Tanh"), std::string::npos) << note;

  const cv::Mat blob = random_blob(1, 1, 4, 4, 3);
  const auto out = model.run(blob);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].total(), 16u);
  for (int i = 0; i < 16; ++i) EXPECT_NEAR(out[0].ptr<float>()[i], std::tanh(blob.ptr<float>()[i]), 1e-6);
  fs::remove_all(dir);
}

// The real models: a batch of 4 gives the same outputs as 4 single runs, and as OpenCV DNN on the batch.
class XnnRealModel : public ::testing::TestWithParam<std::string> {};

TEST_P(XnnRealModel, BatchOfFourEqualsSingleRunsAndOpenCv) {
  const fs::path dir = test::source_dir() / "models";
  if (!fs::exists(dir / GetParam() / "manifest.json")) GTEST_SKIP() << "model not built: run 'psyface models build'";
  DnnModel xnn = DnnModel::load(dir, GetParam(), Engine::Xnnpack);
  DnnModel ocv = DnnModel::load(dir, GetParam(), Engine::OpenCV);
  ASSERT_EQ(xnn.engine(), Engine::Xnnpack);
  ASSERT_EQ(ocv.engine(), Engine::OpenCV);
  const Manifest& m = xnn.manifest();
  std::vector<cv::Mat> images;
  for (int k = 0; k < 4; ++k) {
    cv::Mat img(m.input_height, m.input_width, CV_8UC3);
    cv::randu(img, 0, 255);
    images.push_back(img);
  }
  cv::Mat batch;
  {
    std::vector<cv::Mat> blobs;
    for (auto& i : images) blobs.push_back(xnn.make_blob(i));
    std::vector<int> sz{4, blobs[0].size[1], blobs[0].size[2], blobs[0].size[3]};
    batch.create(4, sz.data(), CV_32F);
    const size_t per = blobs[0].total();
    for (int k = 0; k < 4; ++k) std::memcpy(batch.ptr<float>() + k * per, blobs[k].ptr<float>(), per * sizeof(float));
  }
  const auto xb = xnn.run(batch);
  const auto ob = ocv.run(batch);
  ASSERT_EQ(xb.size(), ob.size());
  for (size_t o = 0; o < xb.size(); ++o) {
    const double scale = std::max(1.0, max_abs(ob[o]));
    EXPECT_LE(max_abs_diff(xb[o], ob[o]), 1e-4 * scale) << GetParam() << " output " << o << " vs OpenCV";
    const size_t per = xb[o].total() / 4;
    for (int k = 0; k < 4; ++k) {
      const auto single = xnn.run(xnn.make_blob(images[k]));
      ASSERT_EQ(single[o].total(), per);
      double err = 0;
      for (size_t i = 0; i < per; ++i)
        err = std::max(err, std::fabs(double(single[o].ptr<float>()[i]) - xb[o].ptr<float>()[k * per + i]));
      EXPECT_LE(err, 1e-5 * scale) << GetParam() << " output " << o << " sample " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EmotionAndIdentity, XnnRealModel,
                         ::testing::Values("mini-xception", "face-api", "faceres", "mobilefacenet"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

// The emotion stage on the same crops (every 30th FER2013 dev crop): the ensemble with flip TTA in
// batches of kMaxEmotionBatch on XNNPACK against one crop at a time on OpenCV DNN.
TEST(XnnEngine, EmotionEnsembleOnTheSameCropsMatchesOpenCvWithin1e3) {
  PSYFACE_REQUIRE_SHARED("data/faces-dev");
  const fs::path dir = test::source_dir() / "models";
  if (!fs::exists(dir / "face-api" / "model.onnx")) GTEST_SKIP() << "models not built";
  const auto set = stats::scan_labelled_folder(test::shared_dir() / "data/faces-dev");
  const Engine saved = default_engine();
  set_default_engine(Engine::OpenCV);
  auto ref = make_emotion_classifier(dir, {"ensemble", true});
  set_default_engine(Engine::Xnnpack);
  auto xnn = make_emotion_classifier(dir, {"ensemble", true});
  set_default_engine(saved);
  std::vector<cv::Mat> batch;
  double max_diff = 0;
  size_t faces = 0;
  auto flush = [&] {
    const auto got = xnn->classify_batch(batch);
    ASSERT_EQ(got.size(), batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      const EmotionProbs want = ref->classify(batch[i]);
      for (int k = 0; k < kEmotionCount; ++k) max_diff = std::max(max_diff, double(std::fabs(got[i].p[k] - want.p[k])));
    }
    faces += batch.size();
    batch.clear();
  };
  for (size_t i = 0; i < set.images.size(); i += 30) {
    batch.push_back(cv::imread(set.images[i].path.string(), cv::IMREAD_COLOR));
    ASSERT_FALSE(batch.back().empty()) << set.images[i].path;
    if (batch.size() == static_cast<size_t>(kMaxEmotionBatch)) flush();
  }
  if (!batch.empty()) flush();
  std::printf("  %zu crops: max |p_xnnpack - p_opencv| = %.3g\n", faces, max_diff);
  EXPECT_GT(faces, 100u);
  EXPECT_LT(max_diff, 1e-3);
}

TEST(Engine, NamesParseAndUnknownIsAUsageError) {
  EXPECT_EQ(parse_engine("xnnpack"), Engine::Xnnpack);
  EXPECT_EQ(parse_engine("opencv"), Engine::OpenCV);
  EXPECT_EQ(engine_name(parse_engine("opencv")), "opencv");
  try {
    parse_engine("onnxruntime");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
  }
}

// Determinism: the same input gives bit-identical outputs from two separately loaded copies of a model and
// from repeated runs of one copy (an uninitialised buffer would show here first).
class XnnDeterminism : public ::testing::TestWithParam<std::string> {};

TEST_P(XnnDeterminism, SameInputSameBitsAcrossLoadsAndRuns) {
  const fs::path dir = test::source_dir() / "models";
  if (!fs::exists(dir / GetParam() / "manifest.json")) GTEST_SKIP() << "model not built: run 'psyface models build'";
  const Manifest m = DnnModel::load(dir, GetParam(), Engine::Xnnpack).manifest();
  cv::Mat img(m.input_height, m.input_width, CV_8UC3);
  cv::randu(img, 0, 255);
  std::vector<std::vector<cv::Mat>> runs;
  for (int load = 0; load < 3; ++load) {
    DnnModel net = DnnModel::load(dir, GetParam(), Engine::Xnnpack);
    for (int r = 0; r < 2; ++r) runs.push_back(net.run(net.make_blob(img)));
  }
  for (size_t r = 1; r < runs.size(); ++r)
    for (size_t o = 0; o < runs[0].size(); ++o) {
      ASSERT_EQ(runs[r][o].total(), runs[0][o].total());
      double worst = 0;
      for (size_t i = 0; i < runs[0][o].total(); ++i)
        worst = std::max(worst, std::fabs(double(runs[r][o].ptr<float>()[i]) - runs[0][o].ptr<float>()[i]));
      EXPECT_EQ(worst, 0.0) << GetParam() << " output " << o << " run " << r;
    }
}

INSTANTIATE_TEST_SUITE_P(AllModels, XnnDeterminism,
                         ::testing::Values("mini-xception", "face-api", "blazeface-back", "facemesh",
                                           "facemesh-detection-full", "iris", "faceres", "mobilefacenet"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace psyface::models

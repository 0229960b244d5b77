// Letterboxing, anchor decoding and NMS on synthetic inputs with hand-computed expectations.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <opencv2/imgproc.hpp>

#include "faces/face_detector_decode.hpp"

namespace psyface::faces {
namespace {

TEST(Letterbox, LandscapeFramePadsTopAndBottom) {
  cv::Mat frame(480, 640, CV_8UC3, cv::Scalar(200, 200, 200)), square;
  const Letterbox lb = letterbox_to_square(frame, 256, square);
  ASSERT_EQ(square.size(), cv::Size(256, 256));
  EXPECT_FLOAT_EQ(lb.scale_x, 0.4f);
  EXPECT_FLOAT_EQ(lb.scale_y, 0.4f);
  EXPECT_FLOAT_EQ(lb.pad_x_px, 0);
  EXPECT_FLOAT_EQ(lb.pad_y_px, 32);
  EXPECT_EQ(square.at<cv::Vec3b>(31, 128), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(square.at<cv::Vec3b>(32, 128), cv::Vec3b(200, 200, 200));
  EXPECT_EQ(square.at<cv::Vec3b>(223, 128), cv::Vec3b(200, 200, 200));
  EXPECT_EQ(square.at<cv::Vec3b>(224, 128), cv::Vec3b(0, 0, 0));
  const cv::Point2f centre = lb.model_to_frame({128, 128});
  EXPECT_NEAR(centre.x, 320, 1e-3);
  EXPECT_NEAR(centre.y, 240, 1e-3);
}

TEST(Letterbox, PortraitFramePadsLeftAndRight) {
  cv::Mat frame(1280, 720, CV_8UC3, cv::Scalar(0, 0, 0)), square;
  cv::rectangle(frame, cv::Rect(100, 200, 200, 400), cv::Scalar(255, 255, 255), cv::FILLED);
  const Letterbox lb = letterbox_to_square(frame, 256, square);
  EXPECT_FLOAT_EQ(lb.pad_x_px, 56);  // 720 · 0.2 = 144 wide, (256 − 144) / 2
  EXPECT_FLOAT_EQ(lb.pad_y_px, 0);
  // The white rectangle's centre (200, 400) lands at 56 + 40, 80 in the model input.
  EXPECT_EQ(square.at<cv::Vec3b>(80, 96), cv::Vec3b(255, 255, 255));
  const cv::Point2f back = lb.model_to_frame({96, 80});
  EXPECT_NEAR(back.x, 200, 1e-3);
  EXPECT_NEAR(back.y, 400, 1e-3);
}

TEST(Letterbox, ReusesBufferAndAcceptsGrey) {
  cv::Mat grey(100, 50, CV_8UC1, cv::Scalar(90)), square;
  letterbox_to_square(grey, 64, square);
  const uchar* data = square.data;
  letterbox_to_square(grey, 64, square);
  EXPECT_EQ(square.data, data);
  EXPECT_EQ(square.type(), CV_8UC1);
  EXPECT_EQ(square.at<uchar>(32, 32), 90);
  EXPECT_EQ(square.at<uchar>(32, 0), 0);
}

TEST(Decode, LogitIsClippedBeforeSigmoid) {
  EXPECT_FLOAT_EQ(score_from_logit(0), 0.5f);
  EXPECT_NEAR(score_from_logit(2), 1 / (1 + std::exp(-2.0)), 1e-6);
  EXPECT_FLOAT_EQ(score_from_logit(1e6f), score_from_logit(100));
  EXPECT_FLOAT_EQ(score_from_logit(-1e6f), score_from_logit(-100));
  EXPECT_FALSE(std::isnan(score_from_logit(std::numeric_limits<float>::infinity())));
}

TEST(Decode, AnchorOffsetsAreInModelPixels) {
  float r[16] = {2, -3, 40, 60};
  for (int k = 0; k < 6; ++k) {
    r[4 + 2 * k] = static_cast<float>(k);
    r[5 + 2 * k] = static_cast<float>(-k);
  }
  const Detection d = decode_anchor(r, {100, 50}, 0.9f);
  EXPECT_FLOAT_EQ(d.box_px.x, 82);
  EXPECT_FLOAT_EQ(d.box_px.y, 17);
  EXPECT_FLOAT_EQ(d.box_px.width, 40);
  EXPECT_FLOAT_EQ(d.box_px.height, 60);
  EXPECT_EQ(d.keypoints_px[3], cv::Point2f(103, 47));
  EXPECT_FLOAT_EQ(d.score, 0.9f);
}

TEST(Decode, CandidatesAboveThresholdFromInterleavedRows) {
  // Four anchors, rows of [logit, 16 regressors] as the full-range model lays them out.
  std::vector<float> rows(4 * 17, 0.0f);
  rows[0 * 17] = -1.0f;  // score 0.27: dropped
  rows[1 * 17] = 0.0f;   // score 0.5: kept (≥ threshold)
  rows[2 * 17] = 3.0f;   // kept
  rows[2 * 17 + 3] = 10;  // width
  rows[3 * 17] = std::numeric_limits<float>::quiet_NaN();  // dropped
  const std::vector<cv::Point2f> anchors = {{2, 2}, {6, 2}, {10, 2}, {14, 2}};
  std::vector<Detection> out;
  decode_candidates(rows.data(), 17, rows.data() + 1, 17, anchors, 0.5f, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].score, 0.5f);
  EXPECT_FLOAT_EQ(out[1].box_px.x, 5);
  EXPECT_FLOAT_EQ(out[1].box_px.width, 10);
}

TEST(Decode, ModelToFrameMapsBoxAndKeypoints) {
  Letterbox lb;
  lb.scale_x = lb.scale_y = 0.5f;
  lb.pad_y_px = 10;
  Detection d;
  d.box_px = cv::Rect2f(10, 20, 30, 40);
  d.keypoints_px[0] = {10, 10};
  const Detection f = model_to_frame(d, lb);  // continuous (20, 20) is the corner of pixel centre (19.5, 19.5)
  EXPECT_FLOAT_EQ(f.box_px.x, 19.5f);
  EXPECT_FLOAT_EQ(f.box_px.y, 19.5f);
  EXPECT_FLOAT_EQ(f.box_px.width, 60);
  EXPECT_FLOAT_EQ(f.box_px.height, 80);
  EXPECT_EQ(f.keypoints_px[0], cv::Point2f(19.5f, -0.5f));
}

TEST(Nms, IntersectionOverUnion) {
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 10, 10}, {0, 0, 10, 10}), 1);
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 10, 10}, {20, 0, 10, 10}), 0);
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0f / 150.0f);
}

Detection box(float x, float score) {
  Detection d;
  d.box_px = cv::Rect2f(x, 0, 10, 10);
  d.score = score;
  for (auto& k : d.keypoints_px) k = {x, 0};
  return d;
}

TEST(Nms, PlainKeepsBestOfEachCluster) {
  const auto kept = non_max_suppression({box(0, 0.6f), box(50, 0.7f), box(1, 0.9f)}, 0.3f, 10, false);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FLOAT_EQ(kept[0].score, 0.9f);
  EXPECT_FLOAT_EQ(kept[0].box_px.x, 1);
  EXPECT_FLOAT_EQ(kept[1].box_px.x, 50);
}

TEST(Nms, WeightedBlendsClusterByScore) {
  const auto kept = non_max_suppression({box(0, 0.6f), box(50, 0.7f), box(1, 0.9f)}, 0.3f, 10, true);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FLOAT_EQ(kept[0].score, 0.9f);  // the best score, not a mean
  EXPECT_NEAR(kept[0].box_px.x, (0.9 * 1 + 0.6 * 0) / 1.5, 1e-5);
  EXPECT_NEAR(kept[0].keypoints_px[5].x, 0.6, 1e-5);
  EXPECT_FLOAT_EQ(kept[0].box_px.width, 10);
  EXPECT_FLOAT_EQ(kept[1].box_px.x, 50);
}

TEST(Nms, RespectsMaxOut) {
  const auto kept = non_max_suppression({box(0, 0.6f), box(50, 0.7f), box(100, 0.9f)}, 0.3f, 2, true);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FLOAT_EQ(kept[0].box_px.x, 100);
  EXPECT_FLOAT_EQ(kept[1].box_px.x, 50);
}

}  // namespace
}  // namespace psyface::faces

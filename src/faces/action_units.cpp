#include "faces/action_units.hpp"

#include <algorithm>
#include <cmath>

namespace psyface::faces {
namespace {

// Landmark sets (MediaPipe face-mesh topology; "right"/"left" are the subject's). docs/action-units.md.
constexpr int kEyeCorners[] = {33, 133, 263, 362};
constexpr int kInnerEyeCorners[] = {133, 362};
constexpr int kInnerBrows[] = {107, 66, 55, 65, 336, 296, 285, 295};
constexpr int kOuterBrows[] = {70, 63, 46, 53, 300, 293, 276, 283};
constexpr int kUpperLids[] = {160, 159, 158, 387, 386, 385};
constexpr int kCheeks[] = {117, 118, 119, 346, 347, 348};  // just below the lower lids
constexpr int kNoseWings[] = {98, 64, 129, 327, 294, 358};
constexpr int kUpperLipTop[] = {0, 37, 267};
constexpr int kLipCentre[] = {13, 14};
constexpr int kInnerLipPairs[3][2] = {{13, 14}, {82, 87}, {312, 317}};
constexpr int kRightLidPairs[3][2] = {{160, 144}, {159, 145}, {158, 153}};
constexpr int kLeftLidPairs[3][2] = {{387, 373}, {386, 374}, {385, 380}};
constexpr int kMouthRight = 61, kMouthLeft = 291, kNoseBottom = 2, kLowerLipOuter = 17;

// Weight of the corner lift against the mouth width in AU12 and AU20: a broad smile widens the mouth by
// ~0.25 inter-ocular distances and lifts the corners by ~0.15 (docs/faces-geometry.md), so lift counts
// 0.25 / 0.15 times as much as width.
constexpr float kLiftWeight = 0.25f / 0.15f;

// The face points in the head's frame (x to the subject's left, y down the face, z into the face), in
// inter-ocular distances; only the points the features read are transformed.
class HeadFrame {
 public:
  HeadFrame(const FaceLandmarks& lm, const cv::Matx33f& head, float iod) : lm_(lm), to_head_(head.t() * (1.0f / iod)) {}
  cv::Vec3f at(int i) const {
    const cv::Point3f& p = lm_.points_px[i];
    return to_head_ * cv::Vec3f(p.x, p.y, p.z);
  }
  template <size_t N>
  cv::Vec3f mean(const int (&idx)[N]) const {
    cv::Vec3f s(0, 0, 0);
    for (int i : idx) s += at(i);
    return s * (1.0f / static_cast<float>(N));
  }
  float distance(int a, int b) const { return static_cast<float>(cv::norm(at(a) - at(b))); }

 private:
  const FaceLandmarks& lm_;
  cv::Matx33f to_head_;
};

float eye_openness(const HeadFrame& h, const int (&pairs)[3][2], int outer, int inner) {
  float aperture = 0;
  for (const auto& p : pairs) aperture += h.distance(p[0], p[1]);
  const float width = h.distance(outer, inner);
  return width > 0 ? aperture / (3.0f * width) : 0.0f;
}

// Neutral values: the median of each feature over the OpenFace sample clip (842 frames of a man talking
// with a neutral face). Gains: OpenFace 2.0.6's intensity per feature unit, the least-squares slope
// through 0 over the frames above the person's baseline on the eight comparison clips (a scale only:
// docs/action-units.md, "Neutral values and gains").
constexpr std::array<AuScale, kActionUnitCount> kScales = {{
    {0.2749f, 10.6f},   // AU01
    {0.2180f, 8.66f},   // AU02
    {0.0142f, 16.2f},   // AU04
    {0.0903f, 4.79f},   // AU05
    {-0.2992f, 27.2f},  // AU06
    {-0.6280f, 1.41f},  // AU09
    {-0.2452f, 22.5f},  // AU10
    {0.7215f, 6.30f},   // AU12
    {0.2122f, 20.7f},   // AU14
    {0.0395f, 3.29f},   // AU15
    {0.8528f, 3.37f},   // AU20
    {0.0278f, 5.27f},   // AU25
    {0.5551f, 5.45f},   // AU26
    {-0.2919f, 21.6f},  // AU45
}};

float gray_at(const cv::Mat& bgr, float x, float y) {
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  if (x0 < 0 || y0 < 0 || x0 + 1 >= bgr.cols || y0 + 1 >= bgr.rows) return std::nanf("");
  const float fx = x - float(x0), fy = y - float(y0);
  auto g = [&](int xx, int yy) {
    const auto& p = bgr.at<cv::Vec3b>(yy, xx);
    return (float(p[0]) + float(p[1]) + float(p[2])) / 3.0f;
  };
  return (1 - fy) * ((1 - fx) * g(x0, y0) + fx * g(x0 + 1, y0)) + fy * ((1 - fx) * g(x0, y0 + 1) + fx * g(x0 + 1, y0 + 1));
}

// AU04: the glabella between the brows, where the corrugator draws vertical furrows. A grid of
// kGlabellaCols × kGlabellaRows points over kGlabellaWidthIod × kGlabellaHeightIod inter-ocular distances
// (head frame) centred on mesh point 9; at each, the intensity difference across 2 × kGlabellaStepIod.
constexpr int kGlabella = 9;
constexpr int kGlabellaCols = 18, kGlabellaRows = 12;
constexpr float kGlabellaWidthIod = 0.36f, kGlabellaHeightIod = 0.24f, kGlabellaStepIod = 0.02f;

}  // namespace

float glabella_furrows(const cv::Mat& bgr, const FaceLandmarks& lm, const cv::Matx33f& head, float iod) {
  if (bgr.empty() || bgr.type() != CV_8UC3 || !(iod > 0)) return std::nanf("");
  // The head's x and y axes in the image, one inter-ocular distance long (orthographic).
  const cv::Point2f ax(head(0, 0) * iod, head(1, 0) * iod), ay(head(0, 1) * iod, head(1, 1) * iod);
  const cv::Point2f c(lm.points_px[kGlabella].x, lm.points_px[kGlabella].y);
  const cv::Point2f step = kGlabellaStepIod * ax;
  double contrast = 0, mean = 0;
  for (int j = 0; j < kGlabellaRows; ++j)
    for (int i = 0; i < kGlabellaCols; ++i) {
      const float u = kGlabellaWidthIod * ((float(i) + 0.5f) / kGlabellaCols - 0.5f);
      const float v = kGlabellaHeightIod * ((float(j) + 0.5f) / kGlabellaRows - 0.5f);
      const cv::Point2f p = c + u * ax + v * ay;
      const float left = gray_at(bgr, p.x - step.x, p.y - step.y), right = gray_at(bgr, p.x + step.x, p.y + step.y);
      const float here = gray_at(bgr, p.x, p.y);
      if (!std::isfinite(left) || !std::isfinite(right) || !std::isfinite(here)) return std::nanf("");
      contrast += std::fabs(right - left);
      mean += here;
    }
  return mean > 0 ? static_cast<float>(contrast / mean) : 0.0f;
}

const std::array<AuScale, kActionUnitCount>& au_scales() { return kScales; }

AuFeatures measure_au_features(const FaceLandmarks& lm, const cv::Matx33f& head, float inter_ocular_px,
                               const cv::Mat* bgr) {
  AuFeatures f{};
  if (!(inter_ocular_px > 0)) return f;
  const HeadFrame h(lm, head, inter_ocular_px);
  auto set = [&](int number, float value) { f[action_unit_index(number)] = std::isfinite(value) ? value : 0.0f; };

  const float eye_y = h.mean(kEyeCorners)[1];
  const float inner_brow_height = eye_y - h.mean(kInnerBrows)[1];  // brow above the eye line
  const float outer_brow_height = eye_y - h.mean(kOuterBrows)[1];
  set(1, inner_brow_height);
  set(2, outer_brow_height);
  set(4, bgr ? glabella_furrows(*bgr, lm, head, inter_ocular_px) : 0.0f);  // not measurable: 0
  set(5, eye_y - h.mean(kUpperLids)[1]);
  set(6, eye_y - h.mean(kCheeks)[1]);
  set(9, h.mean(kInnerEyeCorners)[1] - h.mean(kNoseWings)[1]);
  set(10, h.at(kNoseBottom)[1] - h.mean(kUpperLipTop)[1]);

  const cv::Vec3f right = h.at(kMouthRight), left = h.at(kMouthLeft);
  const cv::Vec3f corners = 0.5f * (right + left), centre = h.mean(kLipCentre);
  const float width = static_cast<float>(cv::norm(left - right));
  const float lift = centre[1] - corners[1];  // > 0: corners above the lip centre
  set(12, width + kLiftWeight * lift);
  set(14, corners[2] - centre[2]);  // corners drawn back into the cheeks
  set(15, -lift);
  set(20, width - kLiftWeight * lift);
  float gap = 0;
  for (const auto& p : kInnerLipPairs) gap += h.distance(p[0], p[1]);
  set(25, gap / 3.0f);
  set(26, h.at(kLowerLipOuter)[1] - h.at(kNoseBottom)[1]);  // the chin point is unreliable with the mouth open
  set(45, -0.5f * (eye_openness(h, kRightLidPairs, 33, 133) + eye_openness(h, kLeftLidPairs, 263, 362)));
  return f;
}

float au_intensity(const AuScale& scale, float feature, float baseline) {
  const float v = scale.gain * (feature - baseline);
  return std::isfinite(v) ? std::clamp(v, 0.0f, 5.0f) : 0.0f;
}

std::array<float, kActionUnitCount> au_raw_intensities(const AuFeatures& features) {
  std::array<float, kActionUnitCount> r{};
  for (int k = 0; k < kActionUnitCount; ++k) r[k] = au_intensity(kScales[k], features[k], kScales[k].neutral);
  return r;
}

}  // namespace psyface::faces

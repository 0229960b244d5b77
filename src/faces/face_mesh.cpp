#include "faces/face_mesh.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

constexpr const char* kModelName = "facemesh";
constexpr size_t kMeshValues = 3 * kMeshPointCount;  // output "mesh": 468 × (x, y, z), input pixels

bool finite_roi(const FaceRoi& roi) {
  return std::isfinite(roi.center_px.x) && std::isfinite(roi.center_px.y) && std::isfinite(roi.size_px) &&
         std::isfinite(roi.angle_rad) && roi.size_px > 0;
}

// The manifest lists the outputs (contours [1,266], face flag [1,1], mesh [1,1404]); pick them by size so
// a reordered manifest cannot swap them silently.
const cv::Mat& output_with_size(const std::vector<cv::Mat>& outs, size_t values) {
  for (const auto& o : outs)
    if (o.total() == values && o.type() == CV_32F && o.isContinuous()) return o;
  throw Error(ErrorCode::Model, std::string("model ") + kModelName + " has no float output with " +
                                    std::to_string(values) + " values; rebuild it with `psyface models build`");
}

// Rotation of frame points into a region's axes (x along angle) and back.
cv::Point2f to_roi_axes(cv::Point2f p, float c, float s) { return {c * p.x + s * p.y, -s * p.x + c * p.y}; }
cv::Point2f from_roi_axes(cv::Point2f q, float c, float s) { return {c * q.x - s * q.y, s * q.x + c * q.y}; }

}  // namespace

FaceMesh::FaceMesh(const std::filesystem::path& models_dir, FaceMeshOptions options)
    : model_(models::DnnModel::load(models_dir, kModelName)), options_(options) {
  if (!(options_.min_presence >= 0.0f && options_.min_presence <= 1.0f))
    throw Error(ErrorCode::Usage,
                "face mesh min_presence must be in [0, 1], got " + std::to_string(options_.min_presence));
  const auto& m = model_.manifest();
  if (m.input_width != m.input_height || m.input_width <= 0 || m.input_channels != 3)
    throw Error(ErrorCode::Model, "model " + std::string(kModelName) + ": expected a square 3-channel input, manifest says " +
                                      std::to_string(m.input_width) + "x" + std::to_string(m.input_height) + "x" +
                                      std::to_string(m.input_channels));
  input_size_px_ = m.input_width;
}

#if defined(__SSE2__)
namespace {
// Four bytes as four floats (SSE2: x86-64's baseline).
inline __m128 bytes_to_floats(uint32_t v) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i x = _mm_unpacklo_epi8(_mm_cvtsi32_si128(static_cast<int>(v)), zero);
  return _mm_cvtepi32_ps(_mm_unpacklo_epi16(x, zero));
}
// Bilinear BGR sample between pixel p, its right neighbour and the two below (row step `step`), written to
// o[0..2]; o[3] is written too. Reads only those four pixels' bytes.
inline void lerp_bgr_sse2(const uint8_t* p, size_t step, float fx, float fy, float* o) {
  uint32_t a, b, c, d;
  std::memcpy(&a, p, 4);             // B G R of the pixel, B of its right neighbour
  std::memcpy(&b, p + 2, 4);         // >> 8: B G R of the right neighbour
  std::memcpy(&c, p + step, 4);
  std::memcpy(&d, p + step + 2, 4);
  const __m128 p0 = bytes_to_floats(a), p1 = bytes_to_floats(b >> 8);
  const __m128 q0 = bytes_to_floats(c), q1 = bytes_to_floats(d >> 8);
  const __m128 vx = _mm_set1_ps(fx), vy = _mm_set1_ps(fy);
  const __m128 top = _mm_add_ps(p0, _mm_mul_ps(vx, _mm_sub_ps(p1, p0)));
  const __m128 bottom = _mm_add_ps(q0, _mm_mul_ps(vx, _mm_sub_ps(q1, q0)));
  _mm_storeu_ps(o, _mm_add_ps(top, _mm_mul_ps(vy, _mm_sub_ps(bottom, top))));
}
}  // namespace
#endif

cv::Matx23f roi_to_frame_transform(const FaceRoi& roi, int input_size_px) {
  const float k = roi.size_px / static_cast<float>(input_size_px);
  const float c = k * std::cos(roi.angle_rad), s = k * std::sin(roi.angle_rad);
  const float half = 0.5f * static_cast<float>(input_size_px);
  // p = center + k·R·(m − half)
  return {c, -s, roi.center_px.x - c * half + s * half,  //
          s, c, roi.center_px.y - s * half - c * half};
}

void crop_region(const cv::Mat& bgr, const FaceRoi& roi, int output_size_px, cv::Mat& out) {
  if (bgr.empty() || bgr.type() != CV_8UC3 || !finite_roi(roi) || output_size_px <= 0)
    throw Error(ErrorCode::Internal, "crop_region needs a CV_8UC3 frame, a region of positive size and an output size");
  // Sampling map for output pixel (u, v): the region transform at m = (u + 0.5, v + 0.5), in the frame's
  // pixel-centre coordinates. Bilinear in float, black outside the frame. Unlike cv::warpAffine (positions
  // rounded to 1/32 px, values to integers) the result is continuous in the region, so 1e-5 px of landmark
  // noise (another inference engine, another compiler) moves the crop by 1e-5 px, not by a 1/32-px step.
  const cv::Matx23f to_frame = roi_to_frame_transform(roi, output_size_px);
  const double a00 = to_frame(0, 0), a01 = to_frame(0, 1), a10 = to_frame(1, 0), a11 = to_frame(1, 1);
  const double b0 = to_frame(0, 2) + 0.5 * (a00 + a01), b1 = to_frame(1, 2) + 0.5 * (a10 + a11);
  const int n = output_size_px, cols = bgr.cols, rows = bgr.rows;
  const float last_x = static_cast<float>(cols - 1), last_y = static_cast<float>(rows - 1);
  const size_t step = bgr.step[0];
  out.create(n, n, CV_32FC3);
  auto tap = [&](int x, int y, int c) -> float {
    return (x < 0 || y < 0 || x >= cols || y >= rows) ? 0.0f : static_cast<float>(bgr.ptr<uint8_t>(y)[3 * x + c]);
  };
  // Sample positions are linear along a row, so a row whose two ends have all four taps inside the frame
  // has them inside everywhere: such rows (nearly all, for a face away from the border) run without
  // bounds checks.
  std::vector<int> offset(static_cast<size_t>(n));
  std::vector<float> wx(static_cast<size_t>(n)), wy(static_cast<size_t>(n));
  auto inside = [&](double sx, double sy) { return sx >= 0 && sy >= 0 && sx < last_x && sy < last_y; };
  for (int v = 0; v < n; ++v) {
    float* o = out.ptr<float>(v);
    const double row_x = a01 * v + b0, row_y = a11 * v + b1;
    if (inside(row_x, row_y) && inside(row_x + a00 * (n - 1), row_y + a10 * (n - 1))) {
      for (int u = 0; u < n; ++u) {
        const float sx = static_cast<float>(row_x + a00 * u), sy = static_cast<float>(row_y + a10 * u);
        const int x0 = std::min(static_cast<int>(sx), cols - 2), y0 = std::min(static_cast<int>(sy), rows - 2);
        wx[u] = sx - static_cast<float>(x0);
        wy[u] = sy - static_cast<float>(y0);
        offset[u] = y0 * static_cast<int>(step) + 3 * x0;
      }
      int u = 0;
#if defined(__SSE2__)
      // The three channels at once (the fourth lane is the next pixel's first channel, overwritten by it):
      // the same operations in the same order as the scalar loop below, so the same bits.
      for (; u + 1 < n; ++u, o += 3) lerp_bgr_sse2(bgr.data + offset[u], step, wx[u], wy[u], o);
#endif
      for (; u < n; ++u, o += 3) {
        const uint8_t* p = bgr.data + offset[u];
        const uint8_t* q = p + step;
        const float fx = wx[u], fy = wy[u];
        for (int c = 0; c < 3; ++c) {
          const float top = static_cast<float>(p[c]) + fx * (static_cast<float>(p[c + 3]) - static_cast<float>(p[c]));
          const float bottom = static_cast<float>(q[c]) + fx * (static_cast<float>(q[c + 3]) - static_cast<float>(q[c]));
          o[c] = top + fy * (bottom - top);
        }
      }
      continue;
    }
    for (int u = 0; u < n; ++u, o += 3) {
      const float sx = static_cast<float>(row_x + a00 * u), sy = static_cast<float>(row_y + a10 * u);
      const float fx0 = std::floor(sx), fy0 = std::floor(sy);
      if (!(fx0 >= -1.0f && fy0 >= -1.0f && fx0 <= last_x && fy0 <= last_y)) {  // all four taps outside (or NaN)
        o[0] = o[1] = o[2] = 0.0f;
        continue;
      }
      const int x0 = static_cast<int>(fx0), y0 = static_cast<int>(fy0);
      const float fx = sx - fx0, fy = sy - fy0;
      for (int c = 0; c < 3; ++c) {
        const float top = tap(x0, y0, c) + fx * (tap(x0 + 1, y0, c) - tap(x0, y0, c));
        const float bottom = tap(x0, y0 + 1, c) + fx * (tap(x0 + 1, y0 + 1, c) - tap(x0, y0 + 1, c));
        o[c] = top + fy * (bottom - top);
      }
    }
  }
}

std::optional<FaceLandmarks> FaceMesh::fit(const cv::Mat& bgr, const FaceRoi& roi) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw Error(ErrorCode::Internal, "FaceMesh::fit needs a non-empty CV_8UC3 frame");
  if (!finite_roi(roi))
    throw Error(ErrorCode::Internal, "FaceMesh::fit got a degenerate region (size " + std::to_string(roi.size_px) + ")");

  const int n = input_size_px_;
  crop_region(bgr, roi, n, crop_);
  const cv::Matx23f to_frame = roi_to_frame_transform(roi, n);

  const std::vector<cv::Mat> outs = model_.run_image(crop_);
  const float presence = output_with_size(outs, 1).at<float>(0);
  last_presence_ = std::isfinite(presence) ? std::clamp(presence, 0.0f, 1.0f) : 0.0f;
  if (last_presence_ < options_.min_presence) return std::nullopt;

  const float* mesh = output_with_size(outs, kMeshValues).ptr<float>();
  const float z_scale = roi.size_px / static_cast<float>(n);
  FaceLandmarks lm;
  lm.presence = last_presence_;
  for (int i = 0; i < kMeshPointCount; ++i) {
    const float mx = mesh[3 * i], my = mesh[3 * i + 1], mz = mesh[3 * i + 2];
    lm.points_px[i] = {to_frame(0, 0) * mx + to_frame(0, 1) * my + to_frame(0, 2),
                       to_frame(1, 0) * mx + to_frame(1, 1) * my + to_frame(1, 2), z_scale * mz};
  }
  return lm;
}

FaceRoi roi_from_landmarks(const FaceLandmarks& lm) {
  const cv::Point3f& r = lm.points_px[mesh_index::kRightEyeOuter];
  const cv::Point3f& l = lm.points_px[mesh_index::kLeftEyeOuter];
  const float angle = std::atan2(l.y - r.y, l.x - r.x);
  const float c = std::cos(angle), s = std::sin(angle);
  float lo_x = std::numeric_limits<float>::max(), lo_y = lo_x;
  float hi_x = std::numeric_limits<float>::lowest(), hi_y = hi_x;
  for (const auto& p : lm.points_px) {
    const cv::Point2f q = to_roi_axes({p.x, p.y}, c, s);
    lo_x = std::min(lo_x, q.x), hi_x = std::max(hi_x, q.x);
    lo_y = std::min(lo_y, q.y), hi_y = std::max(hi_y, q.y);
  }
  FaceRoi roi;
  roi.center_px = from_roi_axes({0.5f * (lo_x + hi_x), 0.5f * (lo_y + hi_y)}, c, s);
  roi.size_px = std::max(kRoiScale * std::max(hi_x - lo_x, hi_y - lo_y), 1.0f);
  roi.angle_rad = angle;
  return roi;
}

FaceRoi roi_from_box(const cv::Rect2f& box, cv::Point2f right_eye, cv::Point2f left_eye) {
  if (!(box.width > 0 && box.height > 0))
    throw Error(ErrorCode::Internal, "roi_from_box needs a non-empty box");
  FaceRoi roi;
  roi.center_px = {box.x + 0.5f * box.width, box.y + 0.5f * box.height};
  roi.size_px = kRoiScale * std::max(box.width, box.height);
  roi.angle_rad = std::atan2(left_eye.y - right_eye.y, left_eye.x - right_eye.x);
  return roi;
}

}  // namespace psyface::faces

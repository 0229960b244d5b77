// Drawing one annotated picture (see annotation_overlay.hpp).
#include "report/annotation_overlay.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

namespace psyface::report {
namespace {

constexpr std::array<const char*, kEmotionCount> kShortNames = {"neu", "hap", "sad", "ang", "fea", "dis", "sur"};
const std::array<cv::Scalar, kEmotionCount> kEmotionColours = {
    cv::Scalar(170, 170, 170), cv::Scalar(0, 215, 255), cv::Scalar(200, 110, 40), cv::Scalar(40, 40, 220),
    cv::Scalar(160, 60, 140),  cv::Scalar(60, 160, 60), cv::Scalar(0, 140, 255)};
constexpr float kSmileFullBar = 1.0f;  // a broad smile (docs/faces-geometry.md)

int unit_px(const cv::Mat& m) { return std::max(1, static_cast<int>(std::lround(std::min(m.cols, m.rows) / 360.0))); }

cv::Rect to_rect(const cv::Rect2f& r) {
  return {static_cast<int>(std::lround(r.x)), static_cast<int>(std::lround(r.y)), static_cast<int>(std::lround(r.width)),
          static_cast<int>(std::lround(r.height))};
}

// Darkens a rectangle (clipped to the picture) so text on it reads on any background.
void shade(cv::Mat& bgr, cv::Rect r) {
  r &= cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (r.area() <= 0) return;
  cv::Mat region = bgr(r);
  region.convertTo(region, -1, 0.35);
}

void put_text(cv::Mat& bgr, const std::string& text, cv::Point at, double scale, int thickness, cv::Scalar colour) {
  cv::putText(bgr, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv::LINE_AA);
}

std::string label_of(const AnnotatedFace& f) {
  return (f.person_id >= 0 ? "person " + std::to_string(f.person_id) : "face " + std::to_string(f.face_id)) + " " + f.role;
}

// The label above the box (inside its top when the box touches the top edge).
void draw_label(cv::Mat& bgr, const AnnotatedFace& f, const cv::Rect& box, int u) {
  const double scale = 0.45 * u;
  int base = 0;
  const std::string text = label_of(f);
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, u, &base);
  const int height = size.height + base + 4 * u;
  int y = box.y - box_thickness_px(bgr.size()) / 2 - height;
  if (y < 0) y = std::max(0, box.y);
  const int x = std::clamp(box.x, 0, std::max(0, bgr.cols - size.width - 4 * u));
  cv::rectangle(bgr, cv::Rect(x, y, size.width + 4 * u, height), role_colour(f.role), cv::FILLED);
  put_text(bgr, text, {x + 2 * u, y + 2 * u + size.height}, scale, u, cv::Scalar(0, 0, 0));
}

// Eight rows: the seven emotion probabilities and the smile intensity, a bar and a value each.
void draw_panel(cv::Mat& bgr, const AnnotatedFace& f, const cv::Rect& box, int u) {
  const int row = 11 * u, name_w = 26 * u, bar_w = 60 * u, value_w = 30 * u, pad = 3 * u;
  const int width = name_w + bar_w + value_w + 2 * pad, height = 8 * row + 2 * pad;
  const int gap = box_thickness_px(bgr.size());
  int y = box.br().y + gap;
  if (y + height > bgr.rows) y = box.y - gap - height - 16 * u;  // above the label
  if (y < 0) y = std::clamp(box.br().y - height, 0, std::max(0, bgr.rows - height));
  const int x = std::clamp(box.x, 0, std::max(0, bgr.cols - width));
  shade(bgr, cv::Rect(x, y, width, height));
  const double scale = 0.3 * u;
  char value[16];
  for (int k = 0; k <= kEmotionCount; ++k) {
    const bool smile = k == kEmotionCount;
    const float v = smile ? f.smile_intensity : f.emotion[k];
    const float share = std::clamp(smile ? v / kSmileFullBar : v, 0.f, 1.f);
    const int top = y + pad + k * row;
    put_text(bgr, smile ? "smi" : kShortNames[k], {x + pad, top + row - 3 * u}, scale, 1, cv::Scalar(255, 255, 255));
    const cv::Rect bar(x + pad + name_w, top + 2 * u, std::max(1, int(std::lround(share * bar_w))), row - 4 * u);
    cv::rectangle(bgr, bar, smile ? role_colour(f.role) : kEmotionColours[k], cv::FILLED);
    std::snprintf(value, sizeof value, "%.2f", v);
    put_text(bgr, value, {x + pad + name_w + bar_w + 2 * u, top + row - 3 * u}, scale, 1, cv::Scalar(255, 255, 255));
  }
}

}  // namespace

cv::Scalar role_colour(const std::string& role) {
  if (role == "patient") return {255, 0, 255};
  if (role == "therapist") return {255, 255, 0};
  if (role == "other") return {0, 255, 255};
  return {200, 200, 200};
}

int box_thickness_px(const cv::Size& picture) {
  return std::max(2, static_cast<int>(std::lround(2.0 * std::min(picture.width, picture.height) / 360.0)));
}

void blur_faces(cv::Mat& bgr, const std::vector<AnnotatedFace>& faces, float margin) {
  for (const auto& f : faces) {
    const cv::Rect2f& b = f.box_px;
    const cv::Rect grown = to_rect({b.x - margin * b.width, b.y - margin * b.height, b.width * (1 + 2 * margin),
                                    b.height * (1 + 2 * margin)}) &
                           cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (grown.width < 2 || grown.height < 2) continue;
    cv::Mat region = bgr(grown), mosaic;
    const int across = 6, down = std::max(1, int(std::lround(6.0 * grown.height / grown.width)));
    cv::resize(region, mosaic, cv::Size(across, down), 0, 0, cv::INTER_AREA);
    cv::resize(mosaic, region, region.size(), 0, 0, cv::INTER_LINEAR);
    const int k = (std::max(grown.width, grown.height) / 6) | 1;
    cv::GaussianBlur(region, region, cv::Size(k, k), 0);
  }
}

void draw_faces(cv::Mat& bgr, const std::vector<AnnotatedFace>& faces) {
  const int u = unit_px(bgr);
  for (const auto& f : faces) {
    const cv::Rect box = to_rect(f.box_px);
    cv::rectangle(bgr, box, role_colour(f.role), box_thickness_px(bgr.size()), cv::LINE_8);
    draw_panel(bgr, f, box, u);
  }
  for (const auto& f : faces) draw_label(bgr, f, to_rect(f.box_px), u);  // labels on top of other faces' panels
}

void draw_status(cv::Mat& bgr, double t_sec, const AnalysedFrame* shown, bool held) {
  const int u = unit_px(bgr);
  char text[96];
  if (!shown) std::snprintf(text, sizeof text, "t %.2f s  not analysed", t_sec);
  else if (held) std::snprintf(text, sizeof text, "t %.2f s  boxes of t %.2f s", t_sec, shown->t_sec);
  else std::snprintf(text, sizeof text, "t %.2f s", t_sec);
  int base = 0;
  const double scale = 0.4 * u;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, u, &base);
  shade(bgr, cv::Rect(0, 0, size.width + 6 * u, size.height + base + 6 * u));
  put_text(bgr, text, {3 * u, 3 * u + size.height}, scale, u, cv::Scalar(255, 255, 255));
}

}  // namespace psyface::report

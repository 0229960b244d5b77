#include "tables/frames_csv.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "psyface/error.hpp"

#include "util/number_text.hpp"

namespace psyface::tables {
namespace {

void append(std::string& s, double v, int decimals) { util::append_fixed_or_na(s, v, decimals); }

void append_int(std::string& s, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

}  // namespace

std::vector<std::string> frames_csv_columns(bool with_landmarks) {
  std::vector<std::string> c = {"frame", "face_id", "timestamp", "success", "confidence", "detection_score",
                                "box_x", "box_y", "box_w", "box_h", "pose_Rx", "pose_Ry", "pose_Rz"};
  for (auto n : kEmotionNames) c.push_back("emo_" + std::string(n));
  for (const char* n : {"dominant", "valence", "smile_intensity", "mouth_open", "eye_open_left", "eye_open_right",
                        "inter_ocular_px", "flag_low_confidence", "flag_large_yaw", "flag_occlusion", "flag_reacquired"})
    c.push_back(n);
  for (auto n : kActionUnitNames) c.push_back(std::string(n) + "_r_raw");
  for (const char* n : {"gaze_0_x", "gaze_0_y", "gaze_0_z", "gaze_1_x", "gaze_1_y", "gaze_1_z", "gaze_angle_x", "gaze_angle_y"})
    c.push_back(n);
  if (with_landmarks) {
    for (int k = 0; k < 468; ++k) c.push_back("x_" + std::to_string(k));
    for (int k = 0; k < 468; ++k) c.push_back("y_" + std::to_string(k));
  }
  return c;
}

FramesCsvWriter::FramesCsvWriter(const std::filesystem::path& path, bool with_landmarks)
    : file_(path), with_landmarks_(with_landmarks) {
  const auto columns = frames_csv_columns(with_landmarks);
  columns_ = columns.size();
  std::string header;
  for (const auto& c : columns) header += (header.empty() ? "" : ",") + c;
  file_.stream() << header << '\n';
}

void FramesCsvWriter::write_frame(const std::vector<FaceObservation>& rows) {
  if (rows.empty()) throw Error(ErrorCode::Internal, "a frame with no observation row");
  for (const auto& o : rows) write_row(o);
}

void FramesCsvWriter::write_row(const FaceObservation& o) {
  std::string& s = line_;
  s.clear();
  append_int(s, o.frame_index);
  s += ',';
  append_int(s, o.track_id);
  s += ',';
  append(s, o.t_sec, 4);
  s += o.success ? ",1," : ",0,";
  if (!o.success) {  // no face: every measure is missing
    const size_t missing = columns_ - 4;
    for (size_t k = 0; k < missing; ++k) s += k ? ",NA" : "NA";
  } else {
    append(s, o.confidence, 4);
    s += ',';
    append(s, o.detection_score, 4);
    for (double v : {double(o.box_px.x), double(o.box_px.y), double(o.box_px.width),
                     double(o.box_px.height), double(o.pitch_deg), double(o.yaw_deg), double(o.roll_deg)}) {
      s += ',';
      append(s, v, 2);
    }
    for (float p : o.emotion.p) {
      s += ',';
      append(s, p, 5);
    }
    s += ',';
    s += emotion_name(o.emotion.dominant());
    for (double v : {double(o.valence), double(o.smile_intensity), double(o.mouth_open), double(o.eye_open_left),
                     double(o.eye_open_right)}) {
      s += ',';
      append(s, v, 4);
    }
    s += ',';
    append(s, o.inter_ocular_px, 2);
    for (uint32_t f : {kFlagLowConfidence, kFlagLargeYaw, kFlagOcclusion, kFlagReacquired}) s += (o.flags & f) ? ",1" : ",0";
    for (float v : o.au_raw) {
      s += ',';
      append(s, v, 2);
    }
    const double na = std::numeric_limits<double>::quiet_NaN();
    for (int k = 0; k < 3; ++k) { s += ','; append(s, o.gaze_valid ? o.gaze_right[k] : na, 4); }
    for (int k = 0; k < 3; ++k) { s += ','; append(s, o.gaze_valid ? o.gaze_left[k] : na, 4); }
    for (double v : {double(o.gaze_angle_x), double(o.gaze_angle_y)}) { s += ','; append(s, o.gaze_valid ? v : na, 4); }
    if (with_landmarks_) {
      for (const auto& p : o.landmarks_px) { s += ','; append(s, p.x, 2); }
      for (const auto& p : o.landmarks_px) { s += ','; append(s, p.y, 2); }
    }
  }
  s += '\n';
  file_.stream() << s;
  ++rows_;
}

void FramesCsvWriter::commit() { file_.commit(); }

}  // namespace psyface::tables

// The types that pipeline stages exchange. Plain structs, units in the names.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace psyface {

// The project's one emotion class order (docs/output-format.md). Every model's output is mapped to it.
enum class Emotion : int { Neutral = 0, Happy, Sad, Angry, Fearful, Disgusted, Surprised };
inline constexpr int kEmotionCount = 7;
inline constexpr std::array<std::string_view, kEmotionCount> kEmotionNames = {
    "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"};

// Probabilities in kEmotionNames order; sum to 1 (within float rounding).
struct EmotionProbs {
  std::array<float, kEmotionCount> p{};
  float operator[](Emotion e) const { return p[static_cast<int>(e)]; }
  float& operator[](Emotion e) { return p[static_cast<int>(e)]; }
  Emotion dominant() const {
    int best = 0;
    for (int i = 1; i < kEmotionCount; ++i)
      if (p[i] > p[best]) best = i;
    return static_cast<Emotion>(best);
  }
};

inline std::string_view emotion_name(Emotion e) { return kEmotionNames[static_cast<int>(e)]; }

// The FACS action units psyface reports, in OpenFace 2.0's order and with its names (AU01_r ... AU45_r,
// AU01_c ... AU45_c; docs/action-units.md).
// OpenFace's AU07, AU17 and AU23 are left out: their mesh geometry ran against OpenFace's values.
inline constexpr int kActionUnitCount = 14;
inline constexpr std::array<int, kActionUnitCount> kActionUnitNumbers = {1, 2, 4, 5, 6, 9, 10, 12, 14, 15, 20, 25, 26, 45};
inline constexpr std::array<std::string_view, kActionUnitCount> kActionUnitNames = {
    "AU01", "AU02", "AU04", "AU05", "AU06", "AU09", "AU10", "AU12", "AU14", "AU15", "AU20", "AU25", "AU26", "AU45"};

// The index of action unit `number` (12 for AU12) in those arrays; -1 when psyface does not report it.
inline constexpr int action_unit_index(int number) {
  for (int k = 0; k < kActionUnitCount; ++k)
    if (kActionUnitNumbers[k] == number) return k;
  return -1;
}

}  // namespace psyface

#include <vector>

#include <opencv2/core/types.hpp>

namespace psyface {

// Valence-like composite in [-1, 1]: P(happy) − [P(sad) + P(angry) + P(fearful) + P(disgusted)].
// Neutral and surprised count as neither (docs/output-format.md).
inline float valence_composite(const EmotionProbs& e) {
  return e[Emotion::Happy] - (e[Emotion::Sad] + e[Emotion::Angry] + e[Emotion::Fearful] + e[Emotion::Disgusted]);
}

// Quality flags of one observation (bit set); written as 0/1 columns.
enum QualityFlag : uint32_t {
  kFlagLowConfidence = 1u << 0,  // face-mesh presence below the confidence threshold
  kFlagLargeYaw = 1u << 1,       // |yaw| above the threshold: emotion estimates unreliable
  kFlagOcclusion = 1u << 2,      // suspected occlusion (presence dropped / landmarks implausible)
  kFlagReacquired = 1u << 3,     // the track was lost and found again at this frame
};

// One row of DIR/<stem>.frames.csv: one per (analysed frame, face), or one with success = false for an
// analysed frame without a face. Nothing is dropped.
struct FaceObservation {
  int64_t frame_index = 0;
  double t_sec = 0;               // from container timestamps
  int track_id = -1;              // -1 when no face
  bool success = false;
  float confidence = 0;           // face-mesh presence probability, 0..1
  float detection_score = 0;      // score of the last detection that confirmed this track
  cv::Rect2f box_px;              // landmark bounding box
  float yaw_deg = 0, pitch_deg = 0, roll_deg = 0;
  EmotionProbs emotion;
  float valence = 0;
  float smile_intensity = 0, mouth_open = 0, eye_open_left = 0, eye_open_right = 0, inter_ocular_px = 0;
  cv::Point2f eye_centre_px;      // midpoint of the two eye centres (head motion; not a column)
  uint32_t flags = 0;
  // Action units (docs/action-units.md): the geometric feature of each (kActionUnitNames order) and its
  // raw intensity against the population's neutral face, 0..5. The session-normalised AUxx_r and AUxx_c
  // are computed after the session from the features (analysis/face_session.hpp).
  std::array<float, kActionUnitCount> au_feature{}, au_raw{};
  // Gaze (docs/action-units.md, "Gaze"): unit directions in camera coordinates of the subject's right eye
  // (OpenFace's gaze_0) and left eye (gaze_1), and OpenFace's angles in radians; NA when !gaze_valid.
  bool gaze_valid = false;
  cv::Vec3f gaze_right, gaze_left;
  float gaze_angle_x = 0, gaze_angle_y = 0;
  std::vector<cv::Point2f> landmarks_px;  // 468 points when requested (--landmarks), else empty
};

}  // namespace psyface

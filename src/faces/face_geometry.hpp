// Per-frame face geometry from the 468 face-mesh landmarks: head pose, smile, mouth opening and eye
// openness. Formulas and sign conventions: docs/faces-geometry.md.
#pragma once
#include <opencv2/core.hpp>

#include "faces/face_mesh.hpp"

namespace psyface::faces {

struct FaceGeometry {
  // Head pose, degrees: right-handed rotations about OpenCV camera axes (x right, y down, z away from
  // the camera), Z-Y-X order (R = Rz(roll)·Ry(yaw)·Rx(pitch)), 0 = facing the camera upright.
  float yaw_deg = 0;    // pose_Ry: > 0 = the subject turns to their right (nose towards image left)
  float pitch_deg = 0;  // pose_Rx: > 0 = the subject looks down (chin towards the chest)
  float roll_deg = 0;   // pose_Rz: > 0 = clockwise on screen (head tilts to the subject's left shoulder)
  float smile_intensity = 0;  // ≥ 0; ≈ 0 on a neutral face, ≈ 1 on a broad smile (docs/faces-geometry.md)
  float mouth_open = 0;       // inner-lip gap / inter-ocular distance
  float eye_openness_left = 0, eye_openness_right = 0;  // lid aperture / eye width, the subject's eyes
  float inter_ocular_px = 0;  // 3-D distance between the eye centres, frame-pixel scale
};

// The head's axes in camera coordinates as the columns of a rotation matrix: x towards the subject's
// left, y down the face, z into the face (away from the camera when frontal). From expression-stable
// points only (eye corners, forehead, nose base); see docs/faces-geometry.md.
// requires: lm from FaceMesh::fit. ensures: an orthonormal matrix with determinant +1.
cv::Matx33f head_rotation(const FaceLandmarks& lm);

// requires: lm from FaceMesh::fit. ensures: finite values; cheap (no allocation, ~1 µs).
FaceGeometry measure_geometry(const FaceLandmarks& lm);

}  // namespace psyface::faces

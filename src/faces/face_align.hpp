// Aligned face crops for classifiers: eyes level, face centred, a fixed margin around the landmarks.
#pragma once
#include <opencv2/core.hpp>

#include "faces/face_mesh.hpp"

namespace psyface::faces {

inline constexpr float kDefaultAlignMargin = 0.25f;

// The square region aligned_face_crop samples: angle from the line through the eye centres (the mean of
// each eye's two corners, the subject's right → left), centre = centre of the 468 points' bounding box
// in that rotated frame, side = the box's longer side × (1 + margin). With the default margin the crop
// runs from the top of the forehead to the chin plus 12.5 % of the face size on every side.
// requires: lm from FaceMesh::fit; margin ≥ 0. ensures: size_px > 0.
FaceRoi aligned_face_region(const FaceLandmarks& lm, float margin = kDefaultAlignMargin);

// One cv::warpAffine (bilinear, black outside the frame) of aligned_face_region from the original frame
// to a size_px × size_px image of bgr's type; frame points map into it by roi_to_frame_transform(region,
// size_px) inverted. requires: bgr non-empty; size_px > 0; margin ≥ 0.
cv::Mat aligned_face_crop(const cv::Mat& bgr, const FaceLandmarks& lm, int size_px,
                          float margin = kDefaultAlignMargin);

}  // namespace psyface::faces

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

// crop_region of aligned_face_region from the original frame: a size_px × size_px CV_32FC3 image (0–255,
// bilinear, black outside the frame, continuous in the landmarks); frame points map into it by
// roi_to_frame_transform(region, size_px) inverted. requires: bgr CV_8UC3, non-empty; size_px > 0; margin ≥ 0.
cv::Mat aligned_face_crop(const cv::Mat& bgr, const FaceLandmarks& lm, int size_px,
                          float margin = kDefaultAlignMargin);

}  // namespace psyface::faces

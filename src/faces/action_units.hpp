// FACS action units from the geometry of the 468-point face mesh: per face and frame, one geometric
// feature per action unit (a displacement in the head's own frame, in inter-ocular distances; for AU04 a
// texture measure of the image between the brows), and the intensity on OpenFace's 0–5 scale as that
// feature's distance from a neutral value. Formulas, indices, neutral values and gains:
// docs/action-units.md.
#pragma once
#include <array>

#include <opencv2/core.hpp>

#include "faces/face_mesh.hpp"
#include "psyface/records.hpp"

namespace psyface::faces {

// The feature of each action unit, kActionUnitNumbers order. Larger = more of the action unit.
using AuFeatures = std::array<float, kActionUnitCount>;

// How a feature becomes an intensity: AUxx_r = clamp(gain · (feature − neutral), 0, 5).
struct AuScale {
  float neutral = 0;  // the feature on a neutral face of the population (raw intensities only)
  float gain = 0;     // intensity units per feature unit
};

// One per action unit, kActionUnitNumbers order (docs/action-units.md, "Neutral values and gains").
const std::array<AuScale, kActionUnitCount>& au_scales();

// requires: lm from FaceMesh::fit; head = head_rotation(lm); inter_ocular_px > 0 (measure_geometry);
//           bgr, when given, the frame the mesh was fitted on.
// ensures: finite features; pose-invariant (the points are taken in the head's frame) and
//          size-invariant (divided by the inter-ocular distance). AU04 is read from `bgr`
//          (glabella_furrows); without it, or where that is NaN, its feature is 0. ~1 µs + ~10 µs for
//          AU04, no allocation.
AuFeatures measure_au_features(const FaceLandmarks& lm, const cv::Matx33f& head, float inter_ocular_px,
                               const cv::Mat* bgr = nullptr);

// The feature of AU04 (brow lowerer): vertical furrows between the brows, as the mean absolute grey-level
// difference across 0.04 inter-ocular distances along the head's x axis over a 0.36 × 0.24 IOD patch
// centred on mesh point 9, divided by the patch's mean grey level (docs/action-units.md).
// requires: bgr CV_8UC3. ensures: ≥ 0; NaN when the patch leaves the image, the image is empty or
// iod ≤ 0.
float glabella_furrows(const cv::Mat& bgr, const FaceLandmarks& lm, const cv::Matx33f& head, float iod);

// ensures: clamp(scale.gain · (feature − baseline), 0, 5); 0 for a non-finite feature or baseline.
float au_intensity(const AuScale& scale, float feature, float baseline);

// Raw intensities: every feature against the population neutral value.
std::array<float, kActionUnitCount> au_raw_intensities(const AuFeatures& features);

}  // namespace psyface::faces

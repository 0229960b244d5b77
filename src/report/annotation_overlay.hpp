// Drawing on one picture of the annotated video (OpenCV imgproc): per face a box in its role's colour, a
// label (person and role), a panel with a bar per emotion probability and the smile intensity; a status
// line with the time; and, for showing outside the team, a blur that leaves no recognisable face.
// Sizes scale with the picture (unit = shorter side / 360 px).
#pragma once
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "report/annotation_table.hpp"

namespace psyface::report {

// BGR colour of a role's box and label: patient magenta, therapist cyan, other yellow, unknown grey.
cv::Scalar role_colour(const std::string& role);

// Line width of the face boxes on a picture of this size (2 px per 360 px of the shorter side, at least 2).
int box_thickness_px(const cv::Size& picture);

// requires: bgr CV_8UC3. ensures: each face's box, grown by margin × its size on every side and clipped
// to the picture, is reduced to a 6-pixel-wide mosaic and smoothed: no face stays recognisable or
// detectable inside it. Only these boxes are blurred.
void blur_faces(cv::Mat& bgr, const std::vector<AnnotatedFace>& faces, float margin = 0.3f);

// requires: bgr CV_8UC3. ensures: per face the box outline (box_thickness_px, role_colour) at box_px, the
// label above it and the emotion/smile panel below it (above or inside when there is no room below).
void draw_faces(cv::Mat& bgr, const std::vector<AnnotatedFace>& faces);

// ensures: top-left "t 12.34 s"; with boxes held from an earlier analysed frame (held) "boxes of t 12.20 s";
// "not analysed" when no analysed frame applies (shown null).
void draw_status(cv::Mat& bgr, double t_sec, const AnalysedFrame* shown, bool held);

}  // namespace psyface::report

// What an annotated video draws, per analysed frame: the faces with box, person, role, the 7 emotion
// probabilities and the smile intensity. Read from a frames table (<stem>.frames.csv, or a study's
// frames/<session>.frames.csv.gz) with the facts of its sidecar (<stem>.analysis.json) when one lies beside
// it, or built from an analysis run (annotation_analysis.hpp).
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "psyface/records.hpp"

namespace psyface::report {

struct AnnotatedFace {
  int face_id = -1;
  int person_id = -1;                         // -1: not known (--no-persons)
  std::string role = "unknown";               // patient, therapist, other, unknown
  cv::Rect2f box_px;                          // in the upright (displayed) picture
  std::array<float, kEmotionCount> emotion{};  // kEmotionNames order
  float smile_intensity = 0;
};

struct AnalysedFrame {
  int64_t frame = 0;                  // the table's frame index
  double t_sec = 0;                   // the table's timestamp
  std::vector<AnnotatedFace> faces;   // empty: analysed, no face found
};

// What the sidecar says about the video the table was made from.
struct TableVideoFacts {
  std::filesystem::path sidecar;
  std::string video_path;
  int width_px = 0, height_px = 0;  // displayed size
  double nominal_fps = 0, duration_sec = 0;
  std::string rotation = "auto";    // the analysis's --rotation option
  bool pixel_aspect_recorded = false;  // video.pixel_aspect present: made by a psyface that scales
                                       // non-square pixels to square ones (2026-12-07 on)
};

struct AnnotationTable {
  std::string source;                   // the table's file name, for messages
  std::vector<AnalysedFrame> frames;    // in time order, one per analysed frame
  std::optional<TableVideoFacts> video;  // from the sidecar, when there is one
};

// requires: a frames table as psyface writes it (docs/output-format.md), plain or gzip-compressed
//           (.gz); person_id and role are optional (a table without them draws persons unknown).
// ensures: every analysed frame of the table, in time order; the sidecar's facts when
//          <stem>.analysis.json (or .analysis.partial.json for a partial table) lies beside it.
// throws: Error(Input) naming the file (and line, column) when it is missing, not gzip, lacks a column,
//         has a bad number, a face row without a box, or is a two-camera table (column camera: annotate
//         each camera's video with its own table); also for an unreadable sidecar.
AnnotationTable read_annotation_table(const std::filesystem::path& table);

// The sidecar beside a table: <stem>.analysis.json for <stem>.frames.csv[.gz], <stem>.analysis.partial.json
// for <stem>.frames.partial.csv. Empty when the name has no .frames. part.
std::filesystem::path sidecar_path_of(const std::filesystem::path& table);

}  // namespace psyface::report

// Analysing a video for its annotation (see annotation_analysis.hpp).
#include "report/annotation_analysis.hpp"

#include "analysis/row_labeler.hpp"

namespace psyface::report {

AnalysedAnnotation analyse_for_annotation(const std::filesystem::path& video, const std::filesystem::path& models_dir,
                                          const analysis::AnalyzeOptions& options,
                                          const analysis::AnalyzeCallbacks& callbacks) {
  struct Pending {  // one analysed frame's rows, labelled once persons are known
    AnalysedFrame frame;
    std::vector<analysis::RowKey> keys;
  };
  std::vector<Pending> frames;
  analysis::AnalyzeCallbacks cb = callbacks;
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) {
    Pending p;
    p.frame.frame = rows.front().frame_index;
    p.frame.t_sec = rows.front().t_sec;
    for (const auto& o : rows) {
      if (!o.success) continue;
      AnnotatedFace f;
      f.face_id = o.track_id;
      f.box_px = o.box_px;
      f.emotion = o.emotion.p;
      f.smile_intensity = o.smile_intensity;
      p.frame.faces.push_back(f);
      p.keys.push_back({o.track_id, o.t_sec, o.box_px});
    }
    frames.push_back(std::move(p));
    if (callbacks.on_frame) callbacks.on_frame(rows);
  };
  AnalysedAnnotation out;
  out.summary = analysis::analyze_video(video, models_dir, options, cb);
  out.table.source = video.string() + " (analysed now)";
  const auto& v = out.summary.video;
  const int rotation = options.read.rotation_deg;
  out.table.video = TableVideoFacts{{}, v.path, v.width_px, v.height_px, v.nominal_fps, v.duration_sec,
                                    rotation < 0 ? "auto" : std::to_string(rotation)};
  if (out.summary.cancelled) return out;
  analysis::RowLabeler labeler(out.summary.persons);
  for (auto& p : frames) {
    const auto labels = labeler.label_frame(p.keys);
    for (size_t k = 0; k < labels.size(); ++k) {
      auto& f = p.frame.faces[k];
      f.face_id = labels[k].face_id;
      f.person_id = labels[k].person_id;
      f.role = std::string(faces::role_name(labels[k].role));
    }
    out.table.frames.push_back(std::move(p.frame));
  }
  return out;
}

}  // namespace psyface::report

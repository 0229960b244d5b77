// analyse_for_annotation: `psyface annotate` without --frames. Runs the analysis of `psyface analyze`
// (analysis::analyze_video) and keeps, per analysed frame, what the annotated video draws, labelled with
// the final face ids, persons and roles (analysis::RowLabeler), as the frames table would hold them.
#pragma once
#include <filesystem>

#include "analysis/session_analyzer.hpp"
#include "report/annotation_table.hpp"

namespace psyface::report {

struct AnalysedAnnotation {
  AnnotationTable table;            // source "<video> (analysed now)"; video facts from the analysis
  analysis::AnalyzeSummary summary;
};

// requires/throws: as analysis::analyze_video. ensures: one AnalysedFrame per analysed frame (none when
// cancelled: summary.cancelled); table.video holds the video's displayed size, rate, duration and the
// rotation the options asked for, so annotate_video reads the video the same way.
AnalysedAnnotation analyse_for_annotation(const std::filesystem::path& video, const std::filesystem::path& models_dir,
                                          const analysis::AnalyzeOptions& options,
                                          const analysis::AnalyzeCallbacks& callbacks);

}  // namespace psyface::report

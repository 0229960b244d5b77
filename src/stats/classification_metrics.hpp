// Classification metrics for `psyface eval DIR`: accuracy, balanced accuracy, per-class precision /
// recall / F1, macro-F1 and the confusion matrix over the seven emotions (kEmotionNames order), with
// text, CSV and JSON formatters.
//
// Conventions (same as scikit-learn with zero_division=0, except where noted):
//  - precision of a class that was never predicted is 0;
//  - F1 is 0 when precision + recall is 0;
//  - a class absent from the truth (support 0) has recall and F1 NaN ("NA" in CSV, null in JSON,
//    "-" in text) and is excluded from macro-F1 and balanced accuracy; its precision is still
//    reported (0 when it was predicted: every such prediction is wrong) and its column stays in the
//    confusion matrix;
//  - with no scored images, accuracy, balanced accuracy and macro-F1 are NaN.
// Unreadable images (not decodable, no face) are listed by name and are not part of n.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "psyface/records.hpp"
#include "stats/label_folders.hpp"

namespace psyface::stats {

// counts[true][predicted], kEmotionNames order on both axes.
using ConfusionCounts = std::array<std::array<int64_t, kEmotionCount>, kEmotionCount>;

// Accumulates (true class, predicted class) pairs and the names of images that could not be scored.
struct ClassificationTally {
  ConfusionCounts confusion{};
  std::vector<std::string> unreadable;  // in the order added

  // requires: both emotions are valid enumerators (throws Error(Internal) otherwise).
  void add(Emotion truth, Emotion predicted);
  void add_unreadable(std::string name) { unreadable.push_back(std::move(name)); }
};

struct ClassMetrics {
  int64_t support = 0;    // images whose true class is this one
  int64_t predicted = 0;  // images predicted as this class
  int64_t true_positives = 0;
  double precision = 0;   // tp / predicted; 0 when predicted == 0
  double recall = 0;      // tp / support; NaN when support == 0
  double f1 = 0;          // 2PR / (P + R); 0 when P + R == 0; NaN when support == 0
};

struct ClassificationMetrics {
  int64_t n = 0;        // scored images (sum of the confusion matrix)
  int64_t correct = 0;  // trace of the confusion matrix
  double accuracy = 0;           // correct / n
  double balanced_accuracy = 0;  // mean recall over classes with support > 0
  double macro_f1 = 0;           // mean F1 over classes with support > 0
  int classes_present = 0;       // classes with support > 0
  std::array<ClassMetrics, kEmotionCount> per_class{};  // kEmotionNames order
  ConfusionCounts confusion{};
  std::vector<std::string> unreadable;
};

// ensures: every field as documented above; n == 0 gives NaN summaries and zero/NaN per-class values.
ClassificationMetrics compute_classification_metrics(const ClassificationTally& tally);

// Fixed-width report: an overall block, the per-class table and the confusion matrix with row
// (true) and column (predicted) labels. Ends with a newline.
std::string format_metrics_text(const ClassificationMetrics& metrics);

// CSV with header `class,support,precision,recall,f1`, one row per class in kEmotionNames order.
// NaN is written as NA (read as missing by R and pandas).
std::string per_class_metrics_csv(const ClassificationMetrics& metrics);

// Long-form confusion matrix, header `true,predicted,count`, all 49 pairs, true-major, project order.
std::string confusion_matrix_csv(const ClassificationMetrics& metrics);

// Everything that went into an evaluation, for the JSON output.
struct EvalContext {
  std::string model_name;
  nlohmann::json options = nlohmann::json::object();  // the command's options, as the CLI received them
  std::string dataset_dir;
  std::vector<SkippedFolder> skipped_folders;
  int64_t ignored_files = 0;
};

// JSON object: format/format_version/psyface_version, the context, the summary metrics, per-class
// metrics keyed by class name, the confusion matrix (class order + rows true, cols predicted) and the
// unreadable file names. NaN values are written as null.
nlohmann::json metrics_to_json(const ClassificationMetrics& metrics, const EvalContext& context);

}  // namespace psyface::stats

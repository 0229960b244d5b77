#include "stats/classification_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>

#include "psyface/error.hpp"
#include "psyface/version.hpp"

namespace psyface::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kFormatVersion = 1;
constexpr size_t kUnreadableShownInText = 10;

bool valid(Emotion e) {
  const int i = static_cast<int>(e);
  return i >= 0 && i < kEmotionCount;
}

double ratio_or(int64_t num, int64_t den, double if_zero) {
  return den == 0 ? if_zero : static_cast<double>(num) / static_cast<double>(den);
}

ClassMetrics class_metrics(const ConfusionCounts& cm, int k) {
  ClassMetrics m;
  m.true_positives = cm[k][k];
  for (int j = 0; j < kEmotionCount; ++j) {
    m.support += cm[k][j];
    m.predicted += cm[j][k];
  }
  m.precision = ratio_or(m.true_positives, m.predicted, 0.0);
  m.recall = ratio_or(m.true_positives, m.support, kNaN);
  const double sum = m.precision + m.recall;
  m.f1 = m.support == 0 ? kNaN : (sum == 0 ? 0.0 : 2.0 * m.precision * m.recall / sum);
  return m;
}

// printf into a std::string; only used with short, bounded formats.
template <typename... Args>
std::string sformat(const char* fmt, Args... args) {
  char buf[256];
  const int len = std::snprintf(buf, sizeof buf, fmt, args...);
  return std::string(buf, static_cast<size_t>(std::clamp(len, 0, static_cast<int>(sizeof buf) - 1)));
}

std::string fixed_or(double v, const char* if_nan, int width) {
  return std::isnan(v) ? sformat("%*s", width, if_nan) : sformat("%*.4f", width, v);
}

std::string csv_number(double v) { return std::isnan(v) ? "NA" : sformat("%.6f", v); }

nlohmann::json json_number(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

std::string text_overall(const ClassificationMetrics& m) {
  std::string out = sformat("Emotion classification: %lld scored images, %zu unreadable (not scored)\n",
                            static_cast<long long>(m.n), m.unreadable.size());
  out += "accuracy           " + fixed_or(m.accuracy, "-", 6) + sformat("  (%lld correct)\n",
                                                                        static_cast<long long>(m.correct));
  out += "balanced accuracy  " + fixed_or(m.balanced_accuracy, "-", 6) +
         sformat("  (mean recall over the %d classes present in the truth)\n", m.classes_present);
  out += "macro-F1           " + fixed_or(m.macro_f1, "-", 6) +
         sformat("  (mean F1 over the %d classes present in the truth)\n", m.classes_present);
  return out;
}

std::string text_per_class(const ClassificationMetrics& m) {
  std::string out = "class      support  predicted  precision  recall      f1\n";
  for (int k = 0; k < kEmotionCount; ++k) {
    const ClassMetrics& c = m.per_class[k];
    out += sformat("%-9s  %7lld  %9lld  ", std::string(kEmotionNames[k]).c_str(),
                   static_cast<long long>(c.support), static_cast<long long>(c.predicted));
    out += fixed_or(c.precision, "-", 9) + "  " + fixed_or(c.recall, "-", 6) + "  " + fixed_or(c.f1, "-", 6) + "\n";
  }
  if (m.classes_present < kEmotionCount)
    out += "('-': class absent from the truth; recall and F1 undefined, left out of the means)\n";
  return out;
}

std::string text_confusion(const ClassificationMetrics& m) {
  int64_t largest = 0;
  for (const auto& row : m.confusion) largest = std::max(largest, *std::max_element(row.begin(), row.end()));
  const int count_width = static_cast<int>(std::to_string(largest).size());
  std::string out = "confusion matrix (rows: true class, columns: predicted class)\n";
  out += sformat("%-11s", "true\\pred");
  for (const auto name : kEmotionNames)
    out += sformat("  %*s", std::max(count_width, static_cast<int>(name.size())), std::string(name).c_str());
  out += "\n";
  for (int t = 0; t < kEmotionCount; ++t) {
    out += sformat("%-11s", std::string(kEmotionNames[t]).c_str());
    for (int p = 0; p < kEmotionCount; ++p) {
      const int width = std::max(count_width, static_cast<int>(kEmotionNames[p].size()));
      out += sformat("  %*lld", width, static_cast<long long>(m.confusion[t][p]));
    }
    out += "\n";
  }
  return out;
}

std::string text_unreadable(const ClassificationMetrics& m) {
  if (m.unreadable.empty()) return "";
  std::string out = "unreadable images (not scored):\n";
  const size_t shown = std::min(m.unreadable.size(), kUnreadableShownInText);
  for (size_t i = 0; i < shown; ++i) out += "  " + m.unreadable[i] + "\n";
  if (shown < m.unreadable.size()) out += sformat("  ... and %zu more\n", m.unreadable.size() - shown);
  return out;
}

nlohmann::json json_per_class(const ClassificationMetrics& m) {
  nlohmann::json out = nlohmann::json::object();
  for (int k = 0; k < kEmotionCount; ++k) {
    const ClassMetrics& c = m.per_class[k];
    out[std::string(kEmotionNames[k])] = {{"support", c.support},
                                          {"predicted", c.predicted},
                                          {"true_positives", c.true_positives},
                                          {"precision", json_number(c.precision)},
                                          {"recall", json_number(c.recall)},
                                          {"f1", json_number(c.f1)}};
  }
  return out;
}

nlohmann::json json_skipped(const std::vector<SkippedFolder>& skipped) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : skipped) out.push_back({{"name", s.name}, {"file_count", s.file_count}});
  return out;
}

}  // namespace

void ClassificationTally::add(Emotion truth, Emotion predicted) {
  if (!valid(truth) || !valid(predicted))
    throw Error(ErrorCode::Internal, "ClassificationTally::add: emotion index out of range");
  ++confusion[static_cast<int>(truth)][static_cast<int>(predicted)];
}

ClassificationMetrics compute_classification_metrics(const ClassificationTally& tally) {
  ClassificationMetrics m;
  m.confusion = tally.confusion;
  m.unreadable = tally.unreadable;
  double recall_sum = 0, f1_sum = 0;
  for (int k = 0; k < kEmotionCount; ++k) {
    m.per_class[k] = class_metrics(tally.confusion, k);
    m.n += m.per_class[k].support;
    m.correct += m.per_class[k].true_positives;
    if (m.per_class[k].support == 0) continue;
    ++m.classes_present;
    recall_sum += m.per_class[k].recall;
    f1_sum += m.per_class[k].f1;
  }
  m.accuracy = ratio_or(m.correct, m.n, kNaN);
  m.balanced_accuracy = m.classes_present == 0 ? kNaN : recall_sum / m.classes_present;
  m.macro_f1 = m.classes_present == 0 ? kNaN : f1_sum / m.classes_present;
  return m;
}

std::string format_metrics_text(const ClassificationMetrics& metrics) {
  std::string out = text_overall(metrics);
  for (const std::string& block : {text_per_class(metrics), text_confusion(metrics), text_unreadable(metrics)})
    if (!block.empty()) out.append("\n").append(block);
  return out;
}

std::string per_class_metrics_csv(const ClassificationMetrics& metrics) {
  std::string out = "class,support,precision,recall,f1\n";
  for (int k = 0; k < kEmotionCount; ++k) {
    const ClassMetrics& c = metrics.per_class[k];
    out += std::string(kEmotionNames[k]) + "," + std::to_string(c.support) + "," + csv_number(c.precision) + "," +
           csv_number(c.recall) + "," + csv_number(c.f1) + "\n";
  }
  return out;
}

std::string confusion_matrix_csv(const ClassificationMetrics& metrics) {
  std::string out = "true,predicted,count\n";
  for (int t = 0; t < kEmotionCount; ++t)
    for (int p = 0; p < kEmotionCount; ++p)
      out += std::string(kEmotionNames[t]) + "," + std::string(kEmotionNames[p]) + "," +
             std::to_string(metrics.confusion[t][p]) + "\n";
  return out;
}

nlohmann::json metrics_to_json(const ClassificationMetrics& metrics, const EvalContext& context) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto name : kEmotionNames) classes.push_back(std::string(name));
  return {
      {"format", "psyface-eval"},
      {"format_version", kFormatVersion},
      {"psyface_version", kVersion},
      {"model", context.model_name},
      {"options", context.options},
      {"dataset_dir", context.dataset_dir},
      {"n", metrics.n},
      {"correct", metrics.correct},
      {"accuracy", json_number(metrics.accuracy)},
      {"balanced_accuracy", json_number(metrics.balanced_accuracy)},
      {"macro_f1", json_number(metrics.macro_f1)},
      {"classes_present", metrics.classes_present},
      {"per_class", json_per_class(metrics)},
      {"confusion", {{"classes", classes}, {"rows", "true"}, {"columns", "predicted"}, {"counts", metrics.confusion}}},
      {"unreadable_count", metrics.unreadable.size()},
      {"unreadable", metrics.unreadable},
      {"skipped_folders", json_skipped(context.skipped_folders)},
      {"ignored_files", context.ignored_files},
  };
}

}  // namespace psyface::stats

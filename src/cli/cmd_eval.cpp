// psyface eval DIR — accuracy of an emotion model on a folder of labelled face crops.

#include <iostream>

#include "cli/cli_common.hpp"
#include "cli/commands.hpp"
#include "models/emotion_classifier.hpp"
#include "psyface/error.hpp"
#include "stats/classification_metrics.hpp"
#include "stats/label_folders.hpp"
#include "util/atomic_file.hpp"
#include "util/image_file.hpp"
#include "util/progress.hpp"

namespace psyface::cli {
namespace {

struct EvalOptions {
  std::string dir;
  EmotionCliOptions emotion;
  std::string out_dir;  // empty = text to stdout only
  ModelRunOptions run;
};

EvalOptions g_opts;

void run_eval() {
  const auto models_dir = apply_model_run_options(g_opts.run);
  const auto set = stats::scan_labelled_folder(g_opts.dir);
  for (const auto& s : set.skipped_folders)
    std::cerr << "psyface: skipping folder '" << s.name << "' (" << s.file_count << " files): not one of the 7 classes\n";
  auto clf = models::make_emotion_classifier(models_dir, g_opts.emotion.to_options());

  stats::ClassificationTally tally;
  util::ProgressLine progress("eval", static_cast<int64_t>(set.images.size()), "img", !g_opts.run.quiet);
  int64_t done = 0;
  for (const auto& img : set.images) {
    const cv::Mat face = util::read_image(img.path);
    if (face.empty()) {
      std::cerr << "\npsyface: warning: cannot read image " << img.path.string() << "\n";
      tally.add_unreadable(img.path.string());
    } else {
      tally.add(img.label, clf->classify(face).dominant());
    }
    progress.update(++done);
  }
  progress.finish();

  const auto metrics = stats::compute_classification_metrics(tally);
  std::cout << "model: " << clf->name() << (g_opts.emotion.flip() ? " (+ flip TTA)" : "") << "\n"
            << stats::format_metrics_text(metrics);
  if (!g_opts.out_dir.empty()) {
    stats::EvalContext ctx;
    ctx.model_name = clf->name();
    ctx.options = {{"model", g_opts.emotion.model}, {"tta", g_opts.emotion.tta}};
    nlohmann::json prov = nlohmann::json::array();
    for (const auto& p : clf->provenance()) prov.push_back({{"name", p.name}, {"sha256", p.sha256}, {"source", p.source}});
    ctx.options["models"] = prov;
    ctx.dataset_dir = g_opts.dir;
    ctx.skipped_folders = set.skipped_folders;
    ctx.ignored_files = set.ignored_files;
    const std::filesystem::path out = g_opts.out_dir;
    util::write_file_atomic(out / "eval_per_class.csv", stats::per_class_metrics_csv(metrics));
    util::write_file_atomic(out / "eval_confusion.csv", stats::confusion_matrix_csv(metrics));
    util::write_file_atomic(out / "eval.json", stats::metrics_to_json(metrics, ctx).dump(2) + "\n");
    std::cerr << "psyface: wrote eval.json, eval_per_class.csv, eval_confusion.csv to " << out.string() << "\n";
  }
}

Registrar reg([](CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Evaluate an emotion model on a folder of labelled face crops (class subfolders)");
  cmd->add_option("DIR", g_opts.dir, "Folder with one subfolder per class (angry/anger, happy/happiness, ...)")->required();
  add_emotion_options(cmd, g_opts.emotion);
  cmd->add_option("--out", g_opts.out_dir, "Also write eval.json, eval_per_class.csv, eval_confusion.csv here");
  add_model_run_options(cmd, g_opts.run);
  cmd->callback(run_eval);
});

}  // namespace
}  // namespace psyface::cli

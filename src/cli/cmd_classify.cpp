// psyface classify IMAGE... — emotion probabilities for face crops, one CSV row per image.

#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/cli_common.hpp"
#include "cli/commands.hpp"
#include "models/emotion_classifier.hpp"
#include "psyface/error.hpp"
#include "tables/csv.hpp"
#include "util/atomic_file.hpp"
#include "util/image_file.hpp"

namespace psyface::cli {
namespace {

struct ClassifyOptions {
  std::vector<std::string> images;
  EmotionCliOptions emotion;
  std::string out;  // empty = stdout
  ModelRunOptions run;
};

ClassifyOptions g_opts;

void run_classify() {
  const auto models_dir = apply_model_run_options(g_opts.run);
  auto clf = models::make_emotion_classifier(models_dir, g_opts.emotion.to_options());
  std::ostringstream csv;
  csv << "file,model,status";
  for (auto n : kEmotionNames) csv << ",emo_" << n;
  csv << ",dominant\n";
  int unreadable = 0;
  for (const auto& path : g_opts.images) {
    const cv::Mat face = util::read_image(path);
    csv << tables::csv_field(path) << ',' << clf->name() << (g_opts.emotion.flip() ? "+flip" : "");
    if (face.empty()) {
      std::cerr << "psyface: warning: cannot read image " << path << "\n";
      ++unreadable;
      csv << ",unreadable";
      for (int k = 0; k < kEmotionCount; ++k) csv << ",NA";
      csv << ",NA\n";
      continue;
    }
    const EmotionProbs p = clf->classify(face);
    csv << ",ok";
    for (float v : p.p) csv << ',' << tables::format_number(v, 6);
    csv << ',' << emotion_name(p.dominant()) << '\n';
  }
  if (g_opts.out.empty()) std::cout << csv.str();
  else util::write_file_atomic(g_opts.out, csv.str());
  if (unreadable == static_cast<int>(g_opts.images.size()))
    throw Error(ErrorCode::Input, "none of the " + std::to_string(unreadable) + " image(s) could be read");
}

Registrar reg([](CLI::App& app) {
  auto* cmd = app.add_subcommand("classify", "Emotion probabilities for face-crop images (CSV: one row per image)");
  cmd->add_option("IMAGE", g_opts.images, "Face crop image files")->required();
  add_emotion_options(cmd, g_opts.emotion);
  cmd->add_option("-o,--out", g_opts.out, "CSV file to write (default: standard output)");
  add_model_run_options(cmd, g_opts.run);
  cmd->callback(run_classify);
});

}  // namespace
}  // namespace psyface::cli

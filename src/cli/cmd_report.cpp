// psyface report DIR — the study report (DIR/report/index.html); psyface report VIDEO.frames.csv[.gz] — one
// analysed video's session page (<stem>.report.html). docs/report.md. Options only; the work is in src/report/.
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "models/model_catalog.hpp"
#include "psyface/error.hpp"
#include "report/session_page.hpp"
#include "report/study_report.hpp"

namespace psyface::cli {
namespace {

struct ReportCliOptions {
  std::string path;
  std::string models_dir;  // "" = models::default_models_dir()
  std::string out;         // single video: the page's path ("" = <stem>.report.html beside the table)
};
ReportCliOptions g_opts;

void run_video_report() {
  const std::filesystem::path table(g_opts.path);
  const auto s = report::write_video_report(table, g_opts.out);
  for (const auto& w : s.warnings) std::cerr << "psyface: WARNING: " << w << "\n";
  std::cerr << "psyface: wrote " << s.page.string() << " ("
            << (s.bytes + 512) / 1024 << " KB)\n";
}

void run_report() {
  if (std::filesystem::is_regular_file(g_opts.path)) return run_video_report();
  if (!g_opts.out.empty()) throw Error(ErrorCode::Usage, "--out is for a single video's table (psyface report VIDEO.frames.csv --out FILE)");
  if (!std::filesystem::is_directory(g_opts.path))
    throw Error(ErrorCode::Usage, g_opts.path + " is neither a study folder nor a frames table (psyface report DIR | VIDEO.frames.csv[.gz])");
  report::StudyReportOptions o;
  o.models_dir = g_opts.models_dir.empty() ? models::default_models_dir() : std::filesystem::path(g_opts.models_dir);
  const auto s = report::write_study_report(g_opts.path, o);
  for (const auto& w : s.warnings) std::cerr << "psyface: WARNING: " << w << "\n";
  for (const auto& m : s.missing) std::cerr << "psyface: note: section " << m << ": data missing (the page says which command provides them)\n";
  for (const auto& f : s.stats_files) std::cerr << "psyface: wrote " << f.string() << "\n";
  const auto& p = s.session_pages;
  for (const auto& w : p.warnings) std::cerr << "psyface: WARNING: " << w << "\n";
  std::cerr << "psyface: wrote " << p.pages << " session pages in " << (s.index.parent_path() / "sessions").string() << " ("
            << (p.bytes + 512) / 1024 << " KB, " << p.with_player << " with their video"
            << (p.removed ? ", " + std::to_string(p.removed) + " stale removed" : std::string()) << ")\n";
  std::cerr << "psyface: wrote " << s.index.string() << " (" << (s.bytes + 512) / 1024 << " KB)\n";
}

Registrar reg([](CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "HTML report of a study folder (DIR/report/index.html) or of one analysed video (opens offline)");
  cmd->add_option("PATH", g_opts.path,
                  "Study folder (with study.sqlite, made by psyface study run), or one analysed video's "
                  "<stem>.frames.csv[.gz] (its <stem>.analysis.json beside it): writes <stem>.report.html")->required();
  cmd->add_option("--out", g_opts.out, "Single video: write the session page here instead of beside the table");
  cmd->add_option("--models", g_opts.models_dir,
                  "Models folder whose manifests give the models' licences (default: the one psyface uses)");
  cmd->callback(run_report);
});

}  // namespace
}  // namespace psyface::cli

// psyface synchrony FRAMES.csv... — dyadic facial synchrony between patient and therapist series.
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "measures/synchrony.hpp"
#include "psyface/error.hpp"
#include "report/csv_reader.hpp"
#include "util/atomic_file.hpp"
#include "util/progress.hpp"

namespace psyface::cli {
namespace {

struct SynchronyCliOptions {
  std::vector<std::string> tables;
  std::vector<std::string> measures{"smile_intensity", "emo_happy", "valence"};
  std::string out_dir = "psyface-out";
  double rate_hz = 10.0;
  bool series = false;
  bool quiet = false;
  measures::SynchronyOptions s;
  double segment_sec = 0;  // 0 = window length
};

SynchronyCliOptions g_opts;

// Patient and therapist series of one measure on a regular grid: mean of the rows in each 1/rate bin,
// NaN where the role has no face.
struct DyadSeries {
  std::vector<double> patient, therapist;
};

std::vector<DyadSeries> read_series(const std::filesystem::path& table, const std::vector<std::string>& names,
                                    double rate_hz) {
  report::CsvReader csv(table);
  if (!csv.has_column("role"))
    throw Error(ErrorCode::Input, table.string() + ": no 'role' column; run psyface analyze (it assigns roles)");
  const size_t c_t = csv.column("timestamp"), c_ok = csv.column("success"), c_role = csv.column("role");
  std::vector<size_t> cols;
  for (const auto& n : names) cols.push_back(csv.column(n));
  std::vector<DyadSeries> sums(names.size()), counts(names.size());
  int64_t patient_rows = 0, therapist_rows = 0;
  while (csv.next()) {
    const auto& f = csv.fields();
    if (f[c_ok] != "1") continue;
    const bool patient = f[c_role] == "patient", therapist = f[c_role] == "therapist";
    if (!patient && !therapist) continue;
    (patient ? patient_rows : therapist_rows)++;
    const double t = csv.number(c_t);
    if (!(t >= 0)) csv.fail("bad timestamp \"" + f[c_t] + "\"");
    const size_t bin = static_cast<size_t>(t * rate_hz);
    for (size_t m = 0; m < cols.size(); ++m) {
      auto& s = patient ? sums[m].patient : sums[m].therapist;
      auto& c = patient ? counts[m].patient : counts[m].therapist;
      if (s.size() <= bin) s.resize(bin + 1, 0.0), c.resize(bin + 1, 0.0);
      const double v = csv.number(cols[m]);
      if (std::isfinite(v)) s[bin] += v, c[bin] += 1;
    }
  }
  if (!patient_rows || !therapist_rows)
    throw Error(ErrorCode::Input, table.string() + ": synchrony needs both roles; found " +
                                      std::to_string(patient_rows) + " patient and " + std::to_string(therapist_rows) +
                                      " therapist rows");
  for (size_t m = 0; m < sums.size(); ++m) {
    const size_t n = std::max(sums[m].patient.size(), sums[m].therapist.size());
    for (auto* pair : {&sums[m].patient, &sums[m].therapist}) {
      auto& s = *pair;
      auto& c = pair == &sums[m].patient ? counts[m].patient : counts[m].therapist;
      s.resize(n, 0.0), c.resize(n, 0.0);
      for (size_t k = 0; k < n; ++k) s[k] = c[k] > 0 ? s[k] / c[k] : NAN;
    }
  }
  return sums;
}

void run_synchrony() {
  if (g_opts.segment_sec > 0) g_opts.s.segment_sec = g_opts.segment_sec;
  const std::filesystem::path out = g_opts.out_dir;
  std::vector<std::vector<measures::SynchronySummary>> by_measure(g_opts.measures.size());
  for (const auto& table : g_opts.tables) {
    const std::string stem = std::filesystem::path(table).stem().stem().string();  // x.frames.csv → x
    const auto series = read_series(table, g_opts.measures, g_opts.rate_hz);
    for (size_t m = 0; m < series.size(); ++m) {
      util::ProgressLine progress("synchrony " + stem + " " + g_opts.measures[m], g_opts.s.n_surrogates, "surrogates",
                                  !g_opts.quiet);
      auto result = measures::compute_synchrony(series[m].patient, series[m].therapist, g_opts.rate_hz, g_opts.s,
                                                [&](int done, int) { progress.update(done); });
      progress.finish();
      result.summary.session_id = stem;
      by_measure[m].push_back(result.summary);
      if (g_opts.series) {
        util::AtomicFile f(out / (stem + "." + g_opts.measures[m] + ".synchrony_windows.csv"));
        measures::write_synchrony_windows_csv(f.stream(), result, stem);
        f.commit();
      }
    }
  }
  for (size_t m = 0; m < g_opts.measures.size(); ++m) {
    util::AtomicFile f(out / ("synchrony_" + g_opts.measures[m] + ".csv"));
    measures::write_synchrony_summary_csv(f.stream(), by_measure[m]);
    f.commit();
    for (const auto& s : by_measure[m])
      std::printf("%-28s %-16s synchrony r %.3f  effect %.2f SD  p %.4f  peak lag median %.2f s  windows %d/%d\n",
                  s.session_id.c_str(), g_opts.measures[m].c_str(), s.synchrony, s.surrogate.effect_z,
                  s.surrogate.p_value, s.peak_lag_median_sec, s.windows_used, s.windows_total);
  }
  std::cerr << "psyface: wrote synchrony_<measure>.csv to " << out.string() << "\n";
}

Registrar reg([](CLI::App& app) {
  auto& o = g_opts;
  auto* cmd = app.add_subcommand("synchrony",
                                 "Patient–therapist facial synchrony (windowed lagged cross-correlation + surrogate test)");
  cmd->add_option("FRAMES", o.tables, "frames.csv tables from psyface analyze (with a role column)")->required();
  cmd->add_option("--measure", o.measures, "Columns to correlate")->capture_default_str();
  cmd->add_option("-o,--out", o.out_dir, "Output folder")->capture_default_str();
  cmd->add_option("--rate", o.rate_hz, "Resampling rate of both series in Hz (bin means)")->capture_default_str();
  cmd->add_option("--window", o.s.window_sec, "Window length in seconds")->capture_default_str();
  cmd->add_option("--step", o.s.step_sec, "Step between windows in seconds")->capture_default_str();
  cmd->add_option("--max-lag", o.s.max_lag_sec, "Largest lag in seconds (both directions)")->capture_default_str();
  cmd->add_option("--min-valid", o.s.min_valid_fraction, "Share of complete pairs a window needs")->capture_default_str();
  cmd->add_option("--surrogates", o.s.n_surrogates, "Segment-shuffled surrogates (0 = no test)")->capture_default_str();
  cmd->add_option("--segment", o.segment_sec, "Surrogate shuffle segment in seconds (0 = window length)")
      ->capture_default_str();
  cmd->add_option("--seed", o.s.seed, "Random seed of the surrogate test")->capture_default_str();
  cmd->add_flag("--series", o.series, "Also write the per-window values (<stem>.<measure>.synchrony_windows.csv)");
  cmd->add_flag("-q,--quiet", o.quiet, "No progress line");
  cmd->callback(run_synchrony);
});

}  // namespace
}  // namespace psyface::cli

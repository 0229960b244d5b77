// psyface synchrony FRAMES.csv... — dyadic facial synchrony between patient and therapist series.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "measures/synchrony.hpp"
#include "measures/synchrony_resample.hpp"
#include "psyface/error.hpp"
#include "tables/csv_reader.hpp"
#include "util/atomic_file.hpp"
#include "util/progress.hpp"

namespace psyface::cli {
namespace {

struct SynchronyCliOptions {
  std::vector<std::string> tables;
  std::vector<std::string> measures{"smile_intensity", "emo_happy", "valence"};
  std::string out_dir = "psyface-out";
  double rate_hz = 0;  // 0 = the table's analysed rate, at most kMaxAutoRateHz
  bool series = false;
  bool quiet = false;
  measures::SynchronyOptions s;
  double segment_sec = 0;  // 0 = window length
};

SynchronyCliOptions g_opts;
constexpr double kMaxAutoRateHz = 10;

// One role's analysed frames in a table: the frames of the camera that films it (the camera holding most
// of its rows), each with the mean of the role's valid rows per measure (NaN where its face was not seen).
struct RoleFrames {
  std::vector<double> t_sec;
  std::vector<std::vector<double>> values;  // [measure][frame]
  int64_t rows = 0;                         // valid rows of the role, all cameras
};

struct TableSeries {
  RoleFrames role[2];  // patient, therapist
  int64_t rows_before_zero = 0;
};

// Per camera: its analysed frames (distinct timestamps, in order) and per role the sums and counts of
// each measure, at [frame * measures + measure].
struct CameraFrames {
  std::vector<double> t_sec;
  std::vector<double> sum[2], count[2];
  int64_t rows[2] = {0, 0};
};

TableSeries read_roles(const std::filesystem::path& table, const std::vector<std::string>& names) {
  tables::CsvReader csv(table);
  if (!csv.has_column("role"))
    throw Error(ErrorCode::Input, table.string() + ": no 'role' column; run psyface analyze (it assigns roles)");
  const size_t c_t = csv.column("timestamp"), c_ok = csv.column("success"), c_role = csv.column("role");
  const size_t c_camera = csv.has_column("camera") ? csv.column("camera") : std::string::npos;
  std::vector<size_t> cols;
  for (const auto& n : names) cols.push_back(csv.column(n));
  const size_t n_measures = cols.size();
  std::map<std::string, CameraFrames> cameras;
  TableSeries out;
  while (csv.next()) {
    const auto& f = csv.fields();
    const double t = csv.number(c_t);
    if (!std::isfinite(t)) csv.fail("bad timestamp \"" + f[c_t] + "\"");
    if (t < 0) {  // two cameras: B started before A; A's clock starts at 0, as in the study measures
      ++out.rows_before_zero;
      continue;
    }
    CameraFrames& cam = cameras[c_camera == std::string::npos ? "" : f[c_camera]];
    if (cam.t_sec.empty() || t != cam.t_sec.back()) {
      if (!cam.t_sec.empty() && t < cam.t_sec.back()) csv.fail("timestamp earlier than the row before");
      cam.t_sec.push_back(t);
      for (int r = 0; r < 2; ++r) cam.sum[r].resize(cam.t_sec.size() * n_measures), cam.count[r].resize(cam.t_sec.size() * n_measures);
    }
    const int r = f[c_role] == "patient" ? 0 : f[c_role] == "therapist" ? 1 : -1;
    if (f[c_ok] != "1" || r < 0) continue;
    ++cam.rows[r];
    const size_t at = (cam.t_sec.size() - 1) * n_measures;
    for (size_t m = 0; m < n_measures; ++m) {
      const double v = csv.number(cols[m]);
      if (std::isfinite(v)) cam.sum[r][at + m] += v, cam.count[r][at + m] += 1;
    }
  }
  for (int r = 0; r < 2; ++r) {
    const CameraFrames* best = nullptr;
    for (const auto& [name, cam] : cameras) {
      out.role[r].rows += cam.rows[r];
      if (cam.rows[r] > 0 && (!best || cam.rows[r] > best->rows[r])) best = &cam;
    }
    if (!best) continue;
    RoleFrames& role = out.role[r];
    role.t_sec = best->t_sec;
    role.values.assign(n_measures, {});
    for (size_t k = 0; k < best->t_sec.size(); ++k)
      for (size_t m = 0; m < n_measures; ++m) {
        const double n = best->count[r][k * n_measures + m];
        role.values[m].push_back(n > 0 ? best->sum[r][k * n_measures + m] / n : NAN);
      }
  }
  if (!out.role[0].rows || !out.role[1].rows)
    throw Error(ErrorCode::Input, table.string() + ": synchrony needs both roles; found " +
                                      std::to_string(out.role[0].rows) + " patient and " +
                                      std::to_string(out.role[1].rows) + " therapist rows");
  return out;
}

// Both roles' series of every measure on one grid: the rate, and bin means with values held between
// frames analysed more slowly than the rate (measures/synchrony_resample.hpp).
struct DyadSeries {
  double rate_hz = 0;
  std::vector<std::vector<double>> patient, therapist;  // [measure][bin]
};

DyadSeries resample(const TableSeries& t, const std::string& stem) {
  DyadSeries d;
  double analysed_hz = INFINITY, end_sec = 0, interval_sec[2] = {0, 0};
  for (int r = 0; r < 2; ++r) {
    const double hz = measures::analysed_rate_hz(t.role[r].t_sec);
    analysed_hz = std::min(analysed_hz, hz);
    interval_sec[r] = hz > 0 ? 1 / hz : 0;
    end_sec = std::max(end_sec, t.role[r].t_sec.back() + interval_sec[r]);
  }
  char text[200];
  if (g_opts.rate_hz > 0) {
    d.rate_hz = g_opts.rate_hz;
    std::snprintf(text, sizeof text, "psyface: %s: resampled at %g Hz (--rate)\n", stem.c_str(), d.rate_hz);
  } else {
    d.rate_hz = analysed_hz > 0 ? std::min(kMaxAutoRateHz, std::round(analysed_hz * 100) / 100) : kMaxAutoRateHz;
    std::snprintf(text, sizeof text, "psyface: %s: resampled at %g Hz (the table's analysed rate: %.3f frames/s)\n",
                  stem.c_str(), d.rate_hz, analysed_hz);
  }
  std::cerr << text;
  if (d.rate_hz > 1.01 * analysed_hz) {
    std::snprintf(text, sizeof text,
                  "psyface: warning: %s: --rate %g Hz is above the analysed rate (%.3f frames/s): each frame's value "
                  "is held over the bins up to the next frame; the rate adds no information (docs/synchrony.md)\n",
                  stem.c_str(), d.rate_hz, analysed_hz);
    std::cerr << text;
  }
  if (t.rows_before_zero > 0)
    std::cerr << "psyface: " << stem << ": " << t.rows_before_zero
              << " rows before 0 s left out (camera B started before camera A)\n";
  const auto bins = static_cast<size_t>(std::ceil(end_sec * d.rate_hz));
  for (size_t m = 0; m < t.role[0].values.size(); ++m) {
    d.patient.push_back(measures::resample_frames(t.role[0].t_sec, t.role[0].values[m], interval_sec[0], d.rate_hz, bins));
    d.therapist.push_back(measures::resample_frames(t.role[1].t_sec, t.role[1].values[m], interval_sec[1], d.rate_hz, bins));
  }
  return d;
}

void run_synchrony() {
  if (g_opts.rate_hz < 0) throw Error(ErrorCode::Usage, "--rate must be > 0 (or 0: the table's analysed rate)");
  if (g_opts.segment_sec > 0) g_opts.s.segment_sec = g_opts.segment_sec;
  const std::filesystem::path out = g_opts.out_dir;
  std::vector<std::vector<measures::SynchronySummary>> by_measure(g_opts.measures.size());
  for (const auto& table : g_opts.tables) {
    const std::string stem = std::filesystem::path(table).stem().stem().string();  // x.frames.csv → x
    const DyadSeries series = resample(read_roles(table, g_opts.measures), stem);
    for (size_t m = 0; m < g_opts.measures.size(); ++m) {
      util::ProgressLine progress("synchrony " + stem + " " + g_opts.measures[m], g_opts.s.n_surrogates, "surrogates",
                                  !g_opts.quiet);
      auto result = measures::compute_synchrony(series.patient[m], series.therapist[m], series.rate_hz, g_opts.s,
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
  cmd->add_option("--rate", o.rate_hz,
                  "Resampling rate of both series in Hz (bin means; 0 = the table's analysed rate, at most 10 Hz)")
      ->capture_default_str();
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

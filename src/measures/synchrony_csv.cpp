// CSV tables of the synchrony measure: per session, per window, per (window, lag). RFC 4180.
#include <charconv>
#include <cmath>
#include <ostream>
#include <string>

#include "measures/synchrony.hpp"
#include "psyface/error.hpp"

namespace psyface::measures {

namespace {

constexpr std::string_view kLineEnd = "\r\n";  // RFC 4180
constexpr std::string_view kMissing = "NA";    // what R's read.csv reads as missing

// Builds one CSV line field by field.
class CsvLine {
 public:
  CsvLine& text(std::string_view v) {
    sep();
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
      line_ += v;
      return *this;
    }
    line_ += '"';
    for (char c : v) {
      if (c == '"') line_ += '"';
      line_ += c;
    }
    line_ += '"';
    return *this;
  }
  CsvLine& number(double v) {
    sep();
    if (!std::isfinite(v)) {
      line_ += kMissing;
      return *this;
    }
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip, '.' always
    line_.append(buf, res.ptr);
    return *this;
  }
  CsvLine& integer(std::int64_t v) {
    sep();
    line_ += std::to_string(v);
    return *this;
  }
  CsvLine& unsigned_integer(std::uint64_t v) {
    sep();
    line_ += std::to_string(v);
    return *this;
  }
  CsvLine& boolean(bool v) {
    sep();
    line_ += v ? "TRUE" : "FALSE";
    return *this;
  }
  CsvLine& missing() {
    sep();
    line_ += kMissing;
    return *this;
  }
  void write(std::ostream& out) {
    line_ += kLineEnd;
    out << line_;
    line_.clear();
    first_ = true;
  }

 private:
  void sep() {
    if (!first_) line_ += ',';
    first_ = false;
  }
  std::string line_;
  bool first_ = true;
};

void write_header(std::ostream& out, std::initializer_list<std::string_view> columns) {
  CsvLine line;
  for (std::string_view c : columns) line.text(c);
  line.write(out);
}

void check(std::ostream& out, std::string_view table) {
  out.flush();
  if (!out) throw Error(ErrorCode::Output, "synchrony: cannot write the " + std::string(table) + " CSV table");
}

}  // namespace

void write_synchrony_windows_csv(std::ostream& out, const SynchronyResult& result, std::string_view session_id) {
  write_header(out, {"session_id", "window_index", "t_start_sec", "t_end_sec", "valid_fraction", "status",
                     "peak_lag_sec", "peak_r", "peak_is_local", "r_lag0"});
  CsvLine line;
  for (const SynchronyWindow& w : result.windows) {
    line.text(session_id).integer(w.window_index).number(w.t_start_sec).number(w.t_end_sec);
    line.number(w.valid_fraction).text(window_status_name(w.status)).number(w.peak_lag_sec).number(w.peak_r);
    if (w.status == WindowStatus::Ok)
      line.boolean(w.peak_is_local);
    else
      line.missing();
    line.number(w.r_lag0).write(out);
  }
  check(out, "synchrony windows");
}

void write_synchrony_lag_profile_csv(std::ostream& out, const SynchronyResult& result,
                                     std::string_view session_id) {
  write_header(out, {"session_id", "window_index", "t_start_sec", "lag_sec", "r"});
  CsvLine line;
  for (const SynchronyWindow& w : result.windows)
    for (std::size_t k = 0; k < result.lags_sec.size(); ++k) {
      const double r = k < w.r_by_lag.size() ? w.r_by_lag[k] : kSynchronyNaN;
      line.text(session_id).integer(w.window_index).number(w.t_start_sec).number(result.lags_sec[k]).number(r);
      line.write(out);
    }
  check(out, "synchrony lag profile");
}

void write_synchrony_summary_csv(std::ostream& out, std::span<const SynchronySummary> sessions) {
  write_header(out, {"session_id",
                     "sample_rate_hz",
                     "n_samples",
                     "window_sec",
                     "step_sec",
                     "max_lag_sec",
                     "lag_step_samples",
                     "min_valid_fraction",
                     "peak_half_width_sec",
                     "min_peak_r",
                     "statistic",
                     "n_surrogates",
                     "segment_sec",
                     "seed",
                     "window_samples",
                     "step_samples",
                     "max_lag_samples",
                     "segment_samples",
                     "peak_half_width_lags",
                     "patient_valid_fraction",
                     "therapist_valid_fraction",
                     "windows_total",
                     "windows_used",
                     "windows_missing_data",
                     "windows_no_variance",
                     "synchrony",
                     "synchrony_z",
                     "mean_peak_r",
                     "mean_abs_r",
                     "peak_lag_median_sec",
                     "peak_lag_mean_sec",
                     "peak_lag_sd_sec",
                     "share_patient_leads",
                     "share_therapist_leads",
                     "share_local_peak",
                     "surrogates_valid",
                     "surrogate_mean_z",
                     "surrogate_sd_z",
                     "effect_z",
                     "glass_delta",
                     "p_value"});
  CsvLine line;
  for (const SynchronySummary& s : sessions) {
    const SynchronyOptions& o = s.options;
    line.text(s.session_id).number(s.sample_rate_hz).integer(s.n_samples);
    line.number(o.window_sec).number(o.step_sec).number(o.max_lag_sec).integer(o.lag_step_samples);
    line.number(o.min_valid_fraction).number(o.peak_half_width_sec).number(o.min_peak_r);
    line.text(synchrony_statistic_name(o.statistic)).integer(o.n_surrogates);
    line.number(o.segment_sec.value_or(o.window_sec)).unsigned_integer(o.seed);
    line.integer(s.window_samples).integer(s.step_samples).integer(s.max_lag_samples).integer(s.segment_samples);
    line.integer(s.peak_half_width_lags);
    line.number(s.patient_valid_fraction).number(s.therapist_valid_fraction);
    line.integer(s.windows_total).integer(s.windows_used).integer(s.windows_missing_data);
    line.integer(s.windows_no_variance);
    line.number(s.synchrony).number(s.synchrony_z).number(s.mean_peak_r).number(s.mean_abs_r);
    line.number(s.peak_lag_median_sec).number(s.peak_lag_mean_sec).number(s.peak_lag_sd_sec);
    line.number(s.share_patient_leads).number(s.share_therapist_leads).number(s.share_local_peak);
    const SurrogateTest& t = s.surrogate;
    line.integer(t.n_valid).number(t.mean_z).number(t.sd_z).number(t.effect_z).number(t.glass_delta);
    line.number(t.p_value).write(out);
  }
  check(out, "synchrony summary");
}

}  // namespace psyface::measures

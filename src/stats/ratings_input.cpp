#include "stats/ratings_input.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <tuple>

#include "psyface/error.hpp"
#include "tables/csv_reader.hpp"

namespace psyface::stats {
namespace {

std::optional<double> parse_number(const std::string& s) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

// Column index of the first of names that exists; throws naming the file when none does.
size_t require_column(const tables::CsvReader& csv, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (csv.has_column(n)) return csv.column(n);
  std::string list;
  for (const char* n : names) list += (list.empty() ? "" : " or ") + std::string(n);
  throw Error(ErrorCode::Input, csv.path().string() + " line 1: missing column " + list);
}

}  // namespace

std::optional<double> parse_time_sec(const std::string& text) {
  const std::string s = trim(text);
  if (s.find(':') == std::string::npos) {
    const auto v = parse_number(s);
    return v && *v >= 0 ? v : std::nullopt;
  }
  double total = 0;
  size_t start = 0, parts = 0;
  while (true) {
    const size_t colon = s.find(':', start);
    const std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    const auto v = parse_number(part);
    const bool last = colon == std::string::npos;
    if (!v || *v < 0 || (!last && *v != std::floor(*v)) || (parts > 0 && *v >= 60)) return std::nullopt;
    total = total * 60 + *v;
    ++parts;
    if (last) break;
    start = colon + 1;
  }
  return parts <= 3 ? std::optional<double>(total) : std::nullopt;
}

std::optional<RatingProblem> validate_rating(HumanRating& r) {
  if (r.session_id.empty()) return RatingProblem{"session_id", "empty session_id"};
  if (r.rater.empty()) return RatingProblem{"rater", "empty rater"};
  if (!(r.end_sec > r.start_sec))
    return RatingProblem{"end", "end (" + std::to_string(r.end_sec) + " s) is not after start (" +
                                    std::to_string(r.start_sec) + " s)"};
  if (r.ceas_mode < 1 || r.ceas_mode > 7)
    return RatingProblem{"ceas_mode", "CEAS mode " + std::to_string(r.ceas_mode) + " is outside 1-7"};
  if (r.ceas_peak < 1 || r.ceas_peak > 7)
    return RatingProblem{"ceas_peak", "CEAS peak " + std::to_string(r.ceas_peak) + " is outside 1-7"};
  if (r.ceas_peak < r.ceas_mode)
    return RatingProblem{"ceas_peak", "peak " + std::to_string(r.ceas_peak) + " is below mode " +
                                          std::to_string(r.ceas_mode) + " (peak = highest arousal in the segment)"};
  std::string e = trim(r.primary_emotion);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!e.empty() && std::find(kRaterEmotions.begin(), kRaterEmotions.end(), e) == kRaterEmotions.end()) {
    std::string list;
    for (const auto& v : kRaterEmotions) list += (list.empty() ? "" : ", ") + v;
    return RatingProblem{"primary_emotion", "unknown emotion \"" + r.primary_emotion + "\" (expected one of " + list + ")"};
  }
  r.primary_emotion = e;
  return std::nullopt;
}

std::vector<HumanRating> read_ratings_csv(const std::filesystem::path& path) {
  tables::CsvReader csv(path);
  const size_t c_session = require_column(csv, {"session_id"}), c_start = require_column(csv, {"start", "start_sec"}),
               c_end = require_column(csv, {"end", "end_sec"}), c_rater = require_column(csv, {"rater"}),
               c_mode = require_column(csv, {"ceas_mode"}), c_peak = require_column(csv, {"ceas_peak"});
  const bool has_emotion = csv.has_column("primary_emotion");
  const size_t c_emotion = has_emotion ? csv.column("primary_emotion") : 0;
  std::vector<HumanRating> out;
  std::set<std::tuple<std::string, double, double, std::string>> seen;
  while (csv.next()) {
    const auto& f = csv.fields();
    const auto col = [&](size_t c) { return std::to_string(c + 1) + " (" + csv.header()[c] + ")"; };
    const auto time = [&](size_t c) {
      const auto t = parse_time_sec(f[c]);
      if (!t) csv.fail("column " + col(c) + ": \"" + f[c] + "\" is not a time (seconds or hh:mm:ss)");
      return *t;
    };
    const auto ceas = [&](size_t c) {
      const std::string s = trim(f[c]);
      int v = 0;
      const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
        csv.fail("column " + col(c) + ": \"" + f[c] + "\" is not an integer 1-7");
      return v;
    };
    HumanRating r{trim(f[c_session]), time(c_start), time(c_end), trim(f[c_rater]), ceas(c_mode), ceas(c_peak),
                  has_emotion ? f[c_emotion] : std::string{},
                  path.filename().string() + ":" + std::to_string(csv.line_number())};
    if (const auto problem = validate_rating(r)) {
      const std::map<std::string, size_t> cols{{"session_id", c_session}, {"rater", c_rater}, {"end", c_end},
                                               {"ceas_mode", c_mode},       {"ceas_peak", c_peak},
                                               {"primary_emotion", c_emotion}};
      csv.fail("column " + col(cols.at(problem->column)) + ": " + problem->what);
    }
    if (!seen.emplace(r.session_id, r.start_sec, r.end_sec, r.rater).second)
      csv.fail("duplicate rating: rater \"" + r.rater + "\" already rated " + r.session_id + " " + f[c_start] + "-" +
               f[c_end]);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace psyface::stats

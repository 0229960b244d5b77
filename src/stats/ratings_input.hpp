// Reading human CEAS ratings from ratings.csv or ELAN .eaf files. Every problem throws
// Error(Input) naming the file, the line and the column; a file either loads completely or not at all.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "stats/study_inputs.hpp"

namespace psyface::stats {

// "12.5" (seconds), "hh:mm:ss(.fff)" or "mm:ss(.fff)" to seconds; nullopt when not a time.
std::optional<double> parse_time_sec(const std::string& text);

// ratings.csv: session_id, start, end, rater, ceas_mode, ceas_peak[, primary_emotion]. start/end may
// also be called start_sec/end_sec. Checks: times parse and end > start; CEAS values are integers 1-7
// and peak >= mode; primary_emotion (case-insensitive) is in kRaterEmotions or empty; no duplicate
// (session_id, start, end, rater). UTF-8 BOM, quoted fields and CRLF are accepted.
std::vector<HumanRating> read_ratings_csv(const std::filesystem::path& path);

// Which ELAN tiers hold what. A tier belongs to a field when its TIER_ID equals the name, or is
// "<name>@<rater>"; the rater is that suffix, else the tier's ANNOTATOR, else its PARTICIPANT attribute.
struct EafTierMap {
  std::string mode = "CEAS mode", peak = "CEAS peak", emotion = "primary emotion";
  std::string session_id;  // empty: the file name without .eaf
};
// Parses "mode=NAME,peak=NAME,emotion=NAME" (any subset). throws Error(Usage) on an unknown key.
EafTierMap parse_eaf_tier_map(const std::string& spec);

// Annotations of the mode and peak tiers of one rater are paired by identical start and end; a mode
// without its peak (or the reverse) is an error naming the line. Emotion annotations with the same
// times fill primary_emotion.
std::vector<HumanRating> read_ratings_eaf(const std::filesystem::path& path, const EafTierMap& tiers);

// Shared by both readers: checks one rating (CEAS range, peak >= mode, end > start, emotion vocabulary)
// and lower-cases primary_emotion. ensures: nullopt when valid, else the offending column and the problem.
struct RatingProblem {
  std::string column, what;
};
std::optional<RatingProblem> validate_rating(HumanRating& r);

}  // namespace psyface::stats

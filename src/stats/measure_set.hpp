// Which measures `psyface stats` analyses: the study's pre-declared primary measures by default (study.conf
// primary_measures / primary_role, or their defaults for CSV inputs), every measure with `--measures all`,
// or a list; everything other than the primary set is labelled exploratory in every output. Bookkeeping
// and quality columns (study::quality_columns()) are never measures. docs/statistics.md, Primary measures.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/stat_table.hpp"
#include "stats/table_input.hpp"

namespace psyface::stats {

// A study's pre-declaration (study.conf), or the defaults.
struct PrimaryMeasures {
  std::vector<std::string> measures;  // study::kDefaultPrimaryMeasures unless study.conf declares others
  std::string role;                   // study::kDefaultPrimaryRole unless study.conf says primary_role
  std::string source;                 // where they come from, stated in the outputs
};

// The default measure set and role of a study or of CSV inputs: with a study folder, DIR/study.conf's
// primary_measures / primary_role (each key that is absent, or the whole file, gives the defaults); with an
// empty path (CSV inputs without a study) the defaults study::kDefaultPrimaryMeasures / kDefaultPrimaryRole.
// throws: Error(Input) "DIR/study.conf:LINE: primary_measures: ..." for a name that is no measure or a
// bookkeeping / quality column (study::read_study_config validates the whole file).
PrimaryMeasures primary_measures_for(const std::filesystem::path& study_dir);

struct MeasureSet {
  std::string kind;       // "primary" or "exploratory"
  std::string chosen_by;  // "study.conf primary_measures", "--measures all", "--measures", ...
  std::string role;
  MeasureSelection selection;
};

// measures_option: "" = the primary measures, "all" = every measure, else a comma list (a list with exactly
// the primary measures, in any order, counts as primary). role: nullopt = the primary role.
// auxiliary: columns read whatever the measures (kappa's emotion columns).
// ensures: selection.excluded = study::quality_columns(). throws Error(Usage) for an empty list.
MeasureSet resolve_measure_set(const std::string& measures_option, const std::optional<std::string>& role,
                               const PrimaryMeasures& primary, std::vector<std::string> auxiliary);

MeasureSetLabel measure_set_label(const MeasureSet& set, const std::vector<std::string>& analysed);
nlohmann::json measure_set_json(const MeasureSetLabel& label);
// One Markdown paragraph ("" when kind is empty).
std::string measure_set_text(const MeasureSetLabel& label);

}  // namespace psyface::stats

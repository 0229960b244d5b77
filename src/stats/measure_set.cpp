#include "stats/measure_set.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "psyface/error.hpp"
#include "study/manifest.hpp"
#include "study/primary_measures.hpp"

namespace psyface::stats {
namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    const auto b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    out.push_back(item.substr(b, item.find_last_not_of(" \t") - b + 1));
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

PrimaryMeasures primary_measures_for(const std::filesystem::path& study_dir) {
  if (study_dir.empty()) return {study::kDefaultPrimaryMeasures, study::kDefaultPrimaryRole, "the defaults for CSV inputs"};
  const auto conf = study_dir / "study.conf";
  if (!std::filesystem::exists(conf))
    return {study::kDefaultPrimaryMeasures, study::kDefaultPrimaryRole, "the defaults (" + conf.string() + " is absent)"};
  const auto config = study::read_study_config(study_dir);
  return {config.primary_measures, config.primary_role,
          config.primary_measures_declared ? conf.string() + " primary_measures"
                                           : "the defaults (" + conf.string() + " declares no primary_measures)"};
}

MeasureSet resolve_measure_set(const std::string& measures_option, const std::optional<std::string>& role,
                               const PrimaryMeasures& primary, std::vector<std::string> auxiliary) {
  MeasureSet set;
  set.role = role ? *role : primary.role;
  set.selection.role = set.role;
  set.selection.excluded = study::quality_columns();
  set.selection.auxiliary = std::move(auxiliary);
  if (measures_option.empty()) {
    set.kind = "primary", set.chosen_by = primary.source;
    set.selection.measures = primary.measures;
    set.selection.listed_as = "a primary measure from " + primary.source +
                              "; declare others with primary_measures in study.conf, or choose with --measures a,b "
                              "or --measures all";
    return set;
  }
  if (measures_option == "all") {
    set.kind = "exploratory", set.chosen_by = "--measures all";
    return set;
  }
  set.selection.measures = split_list(measures_option);
  if (set.selection.measures.empty())
    throw Error(ErrorCode::Usage, "--measures: no measure named (give a,b,c or all, or leave it out for the primary measures)");
  const std::set<std::string> listed(set.selection.measures.begin(), set.selection.measures.end());
  const bool primary_set = listed == std::set<std::string>(primary.measures.begin(), primary.measures.end()) &&
                           listed.size() == set.selection.measures.size();
  set.kind = primary_set ? "primary" : "exploratory";
  set.chosen_by = primary_set ? "--measures, the primary measures of " + primary.source : "--measures";
  return set;
}

MeasureSetLabel measure_set_label(const MeasureSet& set, const std::vector<std::string>& analysed) {
  return {set.kind, set.chosen_by, set.role, analysed};
}

nlohmann::json measure_set_json(const MeasureSetLabel& l) {
  if (l.kind.empty()) return nullptr;
  return {{"kind", l.kind}, {"chosen_by", l.chosen_by}, {"role", l.role}, {"measures", l.measures},
          {"family_size", l.measures.size()}};
}

std::string measure_set_text(const MeasureSetLabel& l) {
  if (l.kind.empty()) return "";
  const std::string role = l.role.empty() ? "all" : l.role;
  const std::string family = l.measures.size() == 1 ? "Holm and BH adjust over this one measure."
                                                    : "Holm and BH adjust over these " +
                                                          std::to_string(l.measures.size()) + " measures.";
  if (l.kind == "primary")
    return "**Measure set: primary** (" + l.chosen_by + "; role " + role + "): " + joined(l.measures) + ". " + family;
  return "**Measure set: exploratory** (" + l.chosen_by + "; role " + role + "): " + joined(l.measures) +
         "; not the pre-declared primary measures, so every p-value, adjusted or not, is exploratory. " + family;
}

}  // namespace psyface::stats

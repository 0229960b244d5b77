// The analysis sidecar, <stem>.analysis.json (docs/output-format.md): what `psyface analyze` read, with
// which models and options, what it decided (rotation, cuts, track splits, persons, roles) and how long
// each stage took. Built here so the command stays thin and other writers (a study, the report) share it.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/row_labeler.hpp"
#include "analysis/session_analyzer.hpp"

namespace psyface::analysis {

// The current UTC time as 2026-12-05T14:03:00Z.
std::string now_iso8601();

// ensures: the sidecar object, format "psyface-analysis" version 1: psyface_version, started (as given) and
//          finished (now), `options` as given, models with checksums, video and decode counts, rows, tracking,
//          timing_ms, persons (layout, roles and their reasons) and decisions (every decision that changed
//          rows, counted). The caller adds what only it knows (camera, patient_reference).
nlohmann::json sidecar_json(const AnalyzeSummary& summary, const LabelReport& labels, const std::string& started,
                            nlohmann::json options);

}  // namespace psyface::analysis

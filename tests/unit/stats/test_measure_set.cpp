// Which measures psyface stats analyses (stats/measure_set.hpp): the primary measures by default, `all`
// without the bookkeeping and quality columns, a list; kappa's emotion columns read whatever the choice.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "psyface/error.hpp"
#include "stats/agreement.hpp"
#include "stats/measure_set.hpp"
#include "stats/stats_source.hpp"
#include "stats_test_support.hpp"

namespace psyface::stats {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kDefaults{"share_happy", "share_neutral", "smile_onsets_per_min", "expressivity"};

fs::path temp_study(const std::string& name, const std::string& conf) {
  const auto dir = fs::temp_directory_path() / ("psyface_measure_set_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  if (!conf.empty()) std::ofstream(dir / "study.conf") << conf;
  return dir;
}

TEST(MeasureSet, DefaultIsThePrimarySetAllAndListsAreExploratory) {
  const auto primary = primary_measures_for({});  // CSV inputs
  EXPECT_EQ(primary.measures, kDefaults);
  EXPECT_EQ(primary.role, "patient");

  const auto def = resolve_measure_set("", std::nullopt, primary, {});
  EXPECT_EQ(def.kind, "primary");
  EXPECT_EQ(def.selection.measures, kDefaults);
  EXPECT_EQ(def.selection.role, "patient");
  for (const char* q : {"duration_sec", "frames_analysed", "low_fps_flag", "synchrony_p", "valid_share"})
    EXPECT_NE(std::find(def.selection.excluded.begin(), def.selection.excluded.end(), q), def.selection.excluded.end()) << q;

  const auto all = resolve_measure_set("all", std::string("therapist"), primary, {});
  EXPECT_EQ(all.kind, "exploratory");
  EXPECT_TRUE(all.selection.measures.empty());  // every measure column but the excluded ones
  EXPECT_EQ(all.selection.role, "therapist");
  EXPECT_EQ(all.selection.excluded, def.selection.excluded);

  EXPECT_EQ(resolve_measure_set("expressivity, share_neutral,smile_onsets_per_min,share_happy", std::nullopt, primary, {}).kind,
            "primary");  // the primary set in another order
  const auto two = resolve_measure_set("share_happy,valence_mean", std::string(""), primary, {});
  EXPECT_EQ(two.kind, "exploratory");
  EXPECT_EQ(two.selection.measures, (std::vector<std::string>{"share_happy", "valence_mean"}));
  EXPECT_EQ(two.selection.role, "");
  EXPECT_THROW(resolve_measure_set(" , ", std::nullopt, primary, {}), Error);
}

TEST(MeasureSet, PrimaryMeasuresForAStudyComeFromItsStudyConf) {
  const auto none = temp_study("none", "");
  EXPECT_EQ(primary_measures_for(none).measures, kDefaults);
  EXPECT_NE(primary_measures_for(none).source.find("absent"), std::string::npos);

  const auto declared = temp_study("declared", "smile_threshold = 0.4\nprimary_measures = mean_p_happy, valence_mean\n"
                                               "primary_role = therapist\n");
  const auto p = primary_measures_for(declared);
  EXPECT_EQ(p.measures, (std::vector<std::string>{"mean_p_happy", "valence_mean"}));
  EXPECT_EQ(p.role, "therapist");
  EXPECT_NE(p.source.find("study.conf primary_measures"), std::string::npos) << p.source;

  const auto bad = temp_study("bad", "\nprimary_measures = share_happy, smiles\n");
  try {
    primary_measures_for(bad);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("study.conf:2: primary_measures: \"smiles\" is not a measure"), std::string::npos)
        << e.what();
  }
  for (const auto& d : {none, declared, bad}) fs::remove_all(d);
}

CellTable study_like_table() {
  CellTable t{"sessions.csv",
              {"session_id", "patient_id", "role", "duration_sec", "frames_analysed", "valid_share", "share_happy",
               "expressivity", "low_fps_flag", "synchrony_p", "n_frames", "analysis_options_hash"},
              {},
              {},
              {}};
  for (int i = 0; i < 3; ++i) {
    const std::string k = std::to_string(i);
    t.rows.push_back({"S" + k, "P" + k, "patient", "60", "120", "0.9", "0.2" + k, "0.5" + k, "0", "0.04", "120", "abc" + k});
    t.where.push_back("sessions.csv line " + std::to_string(i + 2));
  }
  return t;
}

TEST(MeasureSet, AllNeverAnalysesBookkeepingOrQualityColumns) {
  const auto all = resolve_measure_set("all", std::nullopt, primary_measures_for({}), {});
  const auto t = measure_table_from_cells(study_like_table(), all.selection);
  EXPECT_EQ(t.measures, (std::vector<std::string>{"share_happy", "expressivity"}));
  std::string notes;
  for (const auto& n : t.notes) notes += n + "\n";
  EXPECT_NE(notes.find("never measures: duration_sec, frames_analysed, valid_share, low_fps_flag, synchrony_p, n_frames, "
                       "analysis_options_hash not analysed"),
            std::string::npos)
      << notes;

  const auto listed = resolve_measure_set("share_happy,synchrony_p", std::nullopt, primary_measures_for({}), {});
  try {
    measure_table_from_cells(study_like_table(), listed.selection);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
    EXPECT_NE(std::string(e.what()).find("\"synchrony_p\" is a bookkeeping or data-quality column"), std::string::npos)
        << e.what();
  }
}

TEST(MeasureSet, KappaReadsTheEmotionColumnsWhateverTheMeasures) {
  const auto segments_csv = test::stats_golden_dir() / "study" / "segments.csv";
  const auto ratings = read_ratings_csv(test::stats_golden_dir() / "study" / "ratings.csv");
  const AgreementOptions options;
  const auto set = resolve_measure_set("arousal,noise", std::nullopt, primary_measures_for({}), kappa_columns(options));
  const auto segments = read_measure_table(segments_csv, set.selection);
  EXPECT_EQ(segments.measures, (std::vector<std::string>{"arousal", "noise"}));
  EXPECT_EQ(segments.auxiliary.size(), 6u);  // mean_p_happy ... mean_p_surprised, not analysed
  const auto report = run_agreement(ratings, segments, options);
  bool found = false;
  for (const auto& t : report.tables) {
    if (t.name == "kappa")
      for (const auto& r : t.rows)
        if (r.target == "R1") {
          found = true;
          EXPECT_R(r.estimate, "study.kappa_R1", 1e-9);
          EXPECT_EQ(r.note.find("no mean_p_"), std::string::npos) << r.note;
        }
    if (t.name == "agreement_correlations")
      for (const auto& r : t.rows) EXPECT_TRUE(r.measure == "arousal" || r.measure == "noise") << r.measure;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace psyface::stats

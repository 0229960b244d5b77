// The study database as a source and the imports into it (on a study database made by the study layer).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "psyface/error.hpp"
#include "stats/agreement.hpp"
#include "stats/outcome_analysis.hpp"
#include "stats/study_database.hpp"
#include "stats/study_import.hpp"
#include "study_db_fixture.hpp"

namespace psyface::stats {
namespace {
namespace fs = std::filesystem;

fs::path fixture_dir(const std::string& name) {
  return fs::temp_directory_path() / ("psyface_stats_db_" + name + "_" + std::to_string(::getpid()));
}

fs::path study_csv(const std::string& name) { return test::stats_golden_dir() / "study" / name; }

TEST(StatsDatabase, ImportRatingsAllOrNothing) {
  const auto dir = fixture_dir("ratings");
  const auto db = test::make_study_db_fixture(dir);
  auto ratings = read_ratings_csv(study_csv("ratings.csv"));
  ASSERT_EQ(ratings.size(), 144u);
  auto bad = ratings;
  bad[100].session_id = "P99_S1";
  try {
    import_ratings(dir, bad);
    ADD_FAILURE() << "no error for an unknown session";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("ratings.csv:102: column session_id: session \"P99_S1\" is not in the study"),
              std::string::npos) << e.what();
  }
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings"), 0);
  auto sum = import_ratings(dir, ratings);
  EXPECT_EQ(sum.rows, 144);
  EXPECT_EQ(sum.added, 144);
  sum = import_ratings(dir, ratings);  // again: same keys replaced, nothing duplicated
  EXPECT_EQ(sum.unchanged, 144);
  EXPECT_EQ(sum.added + sum.changed + sum.removed + sum.kept, 0);
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings"), 144);
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings WHERE source = 'ratings.csv:2' AND start_sec = 120"), 1);
  fs::remove_all(dir);
}

TEST(StatsDatabase, DatabaseSourceGivesTheSameAnalysesAsTheCsvFiles) {
  const auto dir = fixture_dir("source");
  test::make_study_db_fixture(dir);
  const auto csv_ratings = read_ratings_csv(study_csv("ratings.csv"));
  import_ratings(dir, csv_ratings);
  const auto csv_outcomes = read_outcomes_csv(study_csv("outcomes.csv"));
  const auto imp = import_outcomes(dir, csv_outcomes, {true});
  EXPECT_EQ(imp.rows, 12);
  EXPECT_TRUE(imp.notes.empty());  // every patient has sessions
  StudyDatabaseSource source(dir);
  EXPECT_EQ(source.outcome_lower_is_better(), std::optional<bool>(true));
  const auto db_ratings = source.ratings();
  ASSERT_EQ(db_ratings.size(), csv_ratings.size());
  const auto db_outcomes = source.outcomes();
  ASSERT_EQ(db_outcomes.size(), 12u);
  EXPECT_TRUE(std::isnan(db_outcomes[4].post));  // P05: missing post stays missing
  EXPECT_EQ(db_outcomes[0].dropout, 1);
  EXPECT_EQ(db_outcomes[0].covariates["age"], 31.0);
  const MeasureSelection seg{test::kFixtureSegmentMeasures, "patient"};
  const auto a_db = run_agreement(db_ratings, source.segment_measures(seg), {});
  const auto a_csv = run_agreement(csv_ratings, read_measure_table(study_csv("segments.csv"), seg), {});
  ASSERT_GT(a_db.tables[0].rows.size(), 0u);
  ASSERT_EQ(a_db.tables[0].rows.size(), a_csv.tables[0].rows.size());
  for (size_t i = 0; i < a_db.tables[0].rows.size(); ++i)
    EXPECT_NEAR(a_db.tables[0].rows[i].estimate, a_csv.tables[0].rows[i].estimate, 1e-12) << i;
  const MeasureSelection ses{test::kFixtureSessionMeasures, "patient"};
  MeasureTable sessions_csv = read_measure_table(study_csv("sessions.csv"), ses);
  append_measure_table(sessions_csv, read_measure_table(study_csv("windows.csv"), ses));
  const auto o_db = run_outcomes(db_outcomes, source.session_measures(ses), {true});
  const auto o_csv = run_outcomes(csv_outcomes, sessions_csv, {true});
  ASSERT_EQ(o_db.tables.size(), o_csv.tables.size());
  for (size_t t = 0; t < o_db.tables.size(); ++t) {
    ASSERT_EQ(o_db.tables[t].rows.size(), o_csv.tables[t].rows.size()) << o_db.tables[t].name;
    for (size_t i = 0; i < o_db.tables[t].rows.size(); ++i) {
      const double a = o_db.tables[t].rows[i].estimate, b = o_csv.tables[t].rows[i].estimate;
      if (std::isfinite(b)) EXPECT_NEAR(a, b, 1e-12) << o_db.tables[t].name << " " << i;
    }
  }
  const auto extra = import_outcomes(dir, {{"PX", 20, 10, 0, nlohmann::json::object(), "x.csv:2"}}, {false});
  ASSERT_EQ(extra.notes.size(), 2u);  // the 12 patients not in the file are kept, PX has no sessions
  EXPECT_NE(extra.notes[0].find("12 patients are not in the file: kept"), std::string::npos) << extra.notes[0];
  EXPECT_NE(extra.notes[1].find("1 patients have no sessions in the study yet: PX"), std::string::npos);
  EXPECT_EQ(source.outcome_lower_is_better(), std::optional<bool>(false));
  fs::remove_all(dir);
}

// Issue 15 item 7 at the library level (end to end: StudyImportCli.*): the direction of improvement is
// kept by a later import without a direction, changed only explicitly; --replace removes what the files
// no longer have; a flag contradicting the study's direction is refused.
TEST(StatsDatabase, ImportsKeepTheDirectionAndReplaceWhatTheyCover) {
  const auto dir = fixture_dir("replace");
  const auto db = test::make_study_db_fixture(dir);
  const auto outcomes = read_outcomes_csv(study_csv("outcomes.csv"));
  auto sum = import_outcomes(dir, outcomes, {true});
  EXPECT_EQ(sum.previous_lower_is_better, std::nullopt);
  sum = import_outcomes(dir, outcomes, {});
  EXPECT_TRUE(sum.lower_is_better);
  EXPECT_EQ(sum.unchanged, 12);
  EXPECT_NE(sum.direction_note.find("kept from the study"), std::string::npos) << sum.direction_note;
  EXPECT_EQ(StudyDatabaseSource(dir).outcome_lower_is_better(), std::optional<bool>(true));
  EXPECT_TRUE(outcome_direction(std::nullopt, true).lower_is_better);
  EXPECT_TRUE(outcome_direction(true, true).lower_is_better);
  EXPECT_THROW(outcome_direction(false, true), Error);
  EXPECT_FALSE(outcome_direction(std::nullopt, std::nullopt).lower_is_better);
  EXPECT_TRUE(outcome_direction(true, std::nullopt).lower_is_better);
  sum = import_outcomes(dir, {outcomes.begin(), outcomes.begin() + 10}, {false, true});
  EXPECT_EQ(sum.removed, 2);
  EXPECT_NE(sum.direction_note.find("changed from lower is better"), std::string::npos) << sum.direction_note;
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM outcomes"), 10);

  auto ratings = read_ratings_csv(study_csv("ratings.csv"));
  import_ratings(dir, ratings);
  const std::string first = ratings.front().session_id;
  std::vector<HumanRating> one_session;
  for (const auto& r : ratings)
    if (r.session_id == first) one_session.push_back(r);
  const auto before = test::sql_count(db, "SELECT COUNT(*) FROM ratings");
  const auto of_first = static_cast<int64_t>(one_session.size());
  one_session.front().start_sec += 1;  // a corrected time code
  const auto rs = import_ratings(dir, one_session, true);
  EXPECT_EQ(rs.added, 1);
  EXPECT_EQ(rs.removed, 1);
  EXPECT_EQ(rs.unchanged, of_first - 1);
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings"), before);
  fs::remove_all(dir);
}

TEST(StatsDatabase, MissingDatabaseOrTablesAreInputErrors) {
  const auto dir = fixture_dir("missing");
  fs::create_directories(dir);
  EXPECT_THROW(StudyDatabaseSource{dir}, Error);
  std::ofstream(dir / "study.sqlite") << "";  // an empty file is an empty database without the tables
  try {
    StudyDatabaseSource source(dir);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("not a psyface study database"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fs::file_size(dir / "study.sqlite"), 0u);  // refused without writing a schema into it
  fs::remove_all(dir);
}

TEST(StatsDatabase, NewerSchemaVersionIsRefusedBeforeAnythingIsWritten) {
  const auto dir = fixture_dir("newer");
  const auto db = test::make_study_db_fixture(dir);
  {
    study::SqliteDb raw(db, false);
    raw.exec("PRAGMA user_version=2");
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (attempt == 0) StudyDatabaseSource source(dir);
      else import_ratings(dir, read_ratings_csv(study_csv("ratings.csv")));
      ADD_FAILURE() << "a newer schema was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Input);
      EXPECT_NE(std::string(e.what()).find("has study schema version 2; this psyface reads version 1 (made by a newer "
                                           "psyface: upgrade psyface)"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(test::sql_count(db, "SELECT COUNT(*) FROM ratings"), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface::stats

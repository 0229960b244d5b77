// ratings.csv, ELAN .eaf, outcomes.csv and measure tables: parsing, validation, error messages.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "psyface/error.hpp"
#include "stats/ratings_input.hpp"
#include "stats/stats_source.hpp"
#include "stats/table_input.hpp"

namespace psyface::stats {
namespace {
namespace fs = std::filesystem;

fs::path write_temp(const std::string& name, const std::string& text) {
  const auto dir = fs::temp_directory_path() / ("psyface_stats_inputs_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

// The Error(Input) message of f(), or "" when it does not throw.
template <class F>
std::string input_error(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input) << e.what();
    return e.what();
  }
  return "";
}

TEST(StatsInputs, TimesInSecondsOrClock) {
  EXPECT_DOUBLE_EQ(*parse_time_sec("12.5"), 12.5);
  EXPECT_DOUBLE_EQ(*parse_time_sec("01:02:03.5"), 3723.5);
  EXPECT_DOUBLE_EQ(*parse_time_sec("02:03"), 123);
  EXPECT_FALSE(parse_time_sec("1:75"));
  EXPECT_FALSE(parse_time_sec("-3"));
  EXPECT_FALSE(parse_time_sec("abc"));
  EXPECT_FALSE(parse_time_sec("1:2:3:4"));
}

TEST(StatsInputs, RatingsCsvWithBomQuotesCrlfAndClockTimes) {
  const auto p = write_temp("ratings_ok.csv",
                            "\xEF\xBB\xBFsession_id,start,end,rater,ceas_mode,ceas_peak,primary_emotion\r\n"
                            "s1,00:01:00,00:01:30,\"Rater, A\",3,5,Grief\r\n"
                            "\r\n"
                            "s1,60,90,B,4,4,\r\n");
  const auto r = read_ratings_csv(p);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].session_id, "s1");
  EXPECT_DOUBLE_EQ(r[0].start_sec, 60);
  EXPECT_DOUBLE_EQ(r[0].end_sec, 90);
  EXPECT_EQ(r[0].rater, "Rater, A");
  EXPECT_EQ(r[0].ceas_mode, 3);
  EXPECT_EQ(r[0].ceas_peak, 5);
  EXPECT_EQ(r[0].primary_emotion, "grief");
  EXPECT_EQ(r[0].source, "ratings_ok.csv:2");
  EXPECT_EQ(r[1].primary_emotion, "");
  EXPECT_EQ(r[1].source, "ratings_ok.csv:4");  // the blank line counts
}

TEST(StatsInputs, RatingsCsvErrorsNameFileLineAndColumn) {
  const std::string head = "session_id,start,end,rater,ceas_mode,ceas_peak,primary_emotion\n";
  const auto check = [&](const std::string& row, const std::string& expect) {
    const auto p = write_temp("ratings_bad.csv", head + "s1,1,2,A,3,3,\n" + row + "\n");
    const std::string msg = input_error([&] { read_ratings_csv(p); });
    EXPECT_NE(msg.find("ratings_bad.csv line 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find(expect), std::string::npos) << msg;
  };
  check("s1,3,4,A,5,4,", "column 6 (ceas_peak): peak 4 is below mode 5");
  check("s1,3,4,A,8,8,", "column 5 (ceas_mode): CEAS mode 8 is outside 1-7");
  check("s1,3,4,A,2.5,3,", "column 5 (ceas_mode): \"2.5\" is not an integer 1-7");
  check("s1,3,4,A,2,3,happiness", "column 7 (primary_emotion): unknown emotion \"happiness\"");
  check("s1,3,x,A,2,3,", "column 3 (end): \"x\" is not a time");
  check("s1,5,4,A,2,3,", "column 3 (end): end");
  check("s1,1,2,A,3,3,", "duplicate rating");
  check("s1,1,2,A,3,3", "6 fields, the header has 7");
  const auto p = write_temp("ratings_nocol.csv", "session_id,start,end,rater,ceas_mode\ns1,1,2,A,3\n");
  EXPECT_NE(input_error([&] { read_ratings_csv(p); }).find("line 1: missing column ceas_peak"), std::string::npos);
}

const char* kEaf = R"(<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/>
    <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="31500"/>
    <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="40000"/>
    <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="70000"/>
  </TIME_ORDER>
  <!-- a comment <TIER TIER_ID="x"> -->
  <TIER TIER_ID="Arousal mode" ANNOTATOR="R1" LINGUISTIC_TYPE_REF="default">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>3</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
      <ANNOTATION_VALUE>2</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="Arousal peak" ANNOTATOR="R1" LINGUISTIC_TYPE_REF="default">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>5</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
      <ANNOTATION_VALUE>PEAK2</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="Emotion@R1" LINGUISTIC_TYPE_REF="default">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a5" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>Hurt</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
</ANNOTATION_DOCUMENT>
)";

TEST(StatsInputs, ElanTiersMappedByOption) {
  std::string text = kEaf;
  text.replace(text.find("PEAK2"), 5, "2");
  const auto p = write_temp("s7.eaf", text);
  const auto map = parse_eaf_tier_map("mode=Arousal mode,peak=Arousal peak,emotion=Emotion");
  const auto r = read_ratings_eaf(p, map);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].session_id, "s7");
  EXPECT_EQ(r[0].rater, "R1");
  EXPECT_DOUBLE_EQ(r[0].start_sec, 1.0);
  EXPECT_DOUBLE_EQ(r[0].end_sec, 31.5);
  EXPECT_EQ(r[0].ceas_mode, 3);
  EXPECT_EQ(r[0].ceas_peak, 5);
  EXPECT_EQ(r[0].primary_emotion, "hurt");
  EXPECT_EQ(r[1].ceas_peak, 2);
  EXPECT_EQ(r[1].primary_emotion, "");
  // default tier names do not exist in this file
  EXPECT_NE(input_error([&] { read_ratings_eaf(p, EafTierMap{}); }).find("--eaf-tiers"), std::string::npos);
  EXPECT_THROW(parse_eaf_tier_map("arousal=x"), Error);
}

TEST(StatsInputs, ElanErrorsNameTheLine) {
  const auto p = write_temp("bad.eaf", kEaf);
  const auto map = parse_eaf_tier_map("mode=Arousal mode,peak=Arousal peak,emotion=Emotion");
  const std::string msg = input_error([&] { read_ratings_eaf(p, map); });
  EXPECT_NE(msg.find("bad.eaf line 20 column ceas_peak: \"PEAK2\" is not an integer"), std::string::npos) << msg;
}

// Issue 15 item 4: --eaf-session used to be applied to every .eaf file, so a second session's ratings were
// matched to the first session's segments. With more than one .eaf it is refused (one file: still honoured).
TEST(StatsInputs, EafSessionIsRefusedWithMoreThanOneEafFile) {
  std::string text = kEaf;
  text.replace(text.find("PEAK2"), 5, "2");
  std::string other = text;  // another session, rated at other times
  other.replace(other.find("31500"), 5, "32500");
  other.replace(other.find("70000"), 5, "71000");
  const auto a = write_temp("session_a.eaf", text), b = write_temp("session_b.eaf", other);
  auto tiers = parse_eaf_tier_map("mode=Arousal mode,peak=Arousal peak,emotion=Emotion");
  tiers.session_id = "S1";
  try {
    CsvStatsSource({{a, b}, tiers, {}, {}, {}}).ratings();
    ADD_FAILURE() << "two .eaf files with --eaf-session were read as one session";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage) << e.what();
    EXPECT_NE(std::string(e.what()).find("--eaf-session S1 names the session of one .eaf file, but 2 are given "
                                         "(session_a.eaf, session_b.eaf)"),
              std::string::npos) << e.what();
  }
  const auto one = CsvStatsSource({{a}, tiers, {}, {}, {}}).ratings();
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].session_id, "S1");
  tiers.session_id.clear();  // without the option each file is its own session
  const auto both = CsvStatsSource({{a, b}, tiers, {}, {}, {}}).ratings();
  ASSERT_EQ(both.size(), 4u);
  EXPECT_EQ(both[0].session_id, "session_a");
  EXPECT_EQ(both[2].session_id, "session_b");
}

TEST(StatsInputs, OutcomesWithMissingPostDropoutAndCovariates) {
  const auto p = write_temp("outcomes.csv", "patient_id,pre,post,dropout,age,site\nP1,30,12,0,34,A\nP2,28,,1,NA,B\n");
  const auto o = read_outcomes_csv(p);
  ASSERT_EQ(o.size(), 2u);
  EXPECT_DOUBLE_EQ(o[0].post, 12);
  EXPECT_EQ(o[0].dropout, 0);
  EXPECT_EQ(o[0].covariates["age"], 34.0);
  EXPECT_EQ(o[0].covariates["site"], "A");
  EXPECT_TRUE(std::isnan(o[1].post));
  EXPECT_EQ(o[1].dropout, 1);
  EXPECT_TRUE(o[1].covariates["age"].is_null());
  const auto bad = write_temp("outcomes_bad.csv", "patient_id,pre,post,dropout\nP1,30,12,0\nP2,28,x,2\n");
  EXPECT_NE(input_error([&] { read_outcomes_csv(bad); }).find("outcomes_bad.csv line 3: column 3 (post): \"x\" is not a number"),
            std::string::npos);
  const auto inf = write_temp("outcomes_inf.csv", "patient_id,pre,post\nP1,30,12\nP2,inf,20\n");
  EXPECT_NE(input_error([&] { read_outcomes_csv(inf); }).find("outcomes_inf.csv line 3: column 2 (pre): \"inf\" is not a number"),
            std::string::npos);
  const auto dup = write_temp("outcomes_dup.csv", "patient_id,pre,post\nP1,30,12\nP1,28,20\n");
  EXPECT_NE(input_error([&] { read_outcomes_csv(dup); }).find("line 3: column 1 (patient_id): duplicate patient"),
            std::string::npos);
}

TEST(StatsInputs, MeasureTableFindsNumericNonIdentifierColumns) {
  const auto p = write_temp("sessions.csv",
                            "session_id,patient_id,therapist_id,session_number,date,role,share_happy,note,smile_share\n"
                            "s1,P1,T1,1,2024-01-01,patient,0.2,ok,NA\n"
                            "s1,P1,T1,1,2024-01-01,therapist,0.4,ok,0.3\n"
                            "s2,P1,T1,2,2024-01-08,patient,0.3,fine,0.1\n");
  const auto t = read_measure_table(p, {});
  EXPECT_EQ(t.measures, (std::vector<std::string>{"share_happy", "smile_share"}));
  ASSERT_EQ(t.rows.size(), 2u);  // therapist row left out
  EXPECT_EQ(t.rows[1].line, 4);
  EXPECT_TRUE(std::isnan(t.values[0][1]));
  EXPECT_DOUBLE_EQ(t.values[1][0], 0.3);
  ASSERT_EQ(t.notes.size(), 2u);
  EXPECT_NE(t.notes[0].find("1 rows of other roles"), std::string::npos);
  EXPECT_NE(t.notes[1].find("\"note\" is not numeric"), std::string::npos);
  // explicit measures: a non-number is an error with line and column; unknown names too
  EXPECT_NE(input_error([&] { read_measure_table(p, {{"note"}, ""}); }).find("line 2: column 8 (note): \"ok\" is not a number"),
            std::string::npos);
  EXPECT_NE(input_error([&] { read_measure_table(p, {{"valence_sd"}, ""}); }).find("no measure column \"valence_sd\""),
            std::string::npos);
  EXPECT_THROW(read_measure_table(p, {{"session_number"}, ""}), Error);
  const auto all_roles = read_measure_table(p, {{"share_happy"}, ""});
  EXPECT_EQ(all_roles.rows.size(), 3u);
}

}  // namespace
}  // namespace psyface::stats

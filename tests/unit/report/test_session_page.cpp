// Session pages (docs/report.md, "Session pages"): binning and smoothing by hand, segment marks, escaping of
// a hostile title, the single-video form's file names, and the size of a 50-min session at 5 fps.
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "measures/affect_measures.hpp"
#include "psyface/error.hpp"
#include "report/session_page.hpp"
#include "report/session_series.hpp"
#include "report/session_viewer.hpp"
#include "util/atomic_file.hpp"

#include <unistd.h>

namespace fs = std::filesystem;
using namespace psyface;
using namespace psyface::report;

namespace {

const char* kHeader =
    "frame,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,emo_fearful,emo_disgusted,"
    "emo_surprised,dominant,valence,smile_intensity\n";

// One patient row per frame at `fps` for `seconds`; happy = smile = a slow ramp; every 7th frame no face.
std::string synthetic_table(double seconds, double fps) {
  std::string t = kHeader;
  char row[256];
  const long n = static_cast<long>(seconds * fps);
  for (long i = 0; i < n; ++i) {
    const double happy = 0.5 + 0.4 * std::sin(i / (fps * 60.0));
    const bool face = i % 7 != 3;
    std::snprintf(row, sizeof row, "%ld,patient,%.4f,%d,0.9500,%.5f,%.5f,0,0,0,0,0,happy,0.5000,%.4f\n", i, i / fps,
                  face ? 1 : 0, 1 - happy, happy, happy);
    t += row;
  }
  return t;
}

measures::RoleSeries series_of(std::initializer_list<std::pair<double, double>> t_smile) {
  measures::RoleSeries s;
  s.role = "patient";
  for (auto [t, smile] : t_smile) {
    measures::RoleFrame f;
    f.t_sec = t;
    f.valid = std::isfinite(smile);
    f.smile_intensity = f.valid ? smile : 0;
    f.p[1] = f.valid ? smile : 0;
    s.frames.push_back(f);
  }
  s.present = true;
  return s;
}

}  // namespace

TEST(SessionSeries, BinsAverageValidFramesPerSecond) {
  const double nan = std::nan("");
  const auto bins = bin_series(series_of({{0.0, 0.2}, {0.5, 0.4}, {1.2, nan}, {2.0, 0.9}, {2.6, 0.1}}), 1.0);
  ASSERT_EQ(bins.size(), 3u);
  EXPECT_DOUBLE_EQ(bins[0].smile, 0.3);  // (0.2 + 0.4) / 2
  EXPECT_EQ(bins[0].frames, 2);
  EXPECT_TRUE(std::isnan(bins[1].smile));  // the only frame had no face
  EXPECT_EQ(bins[1].frames, 1);
  EXPECT_EQ(bins[1].valid, 0);
  EXPECT_DOUBLE_EQ(bins[2].smile, 0.5);  // (0.9 + 0.1) / 2
  EXPECT_DOUBLE_EQ(bins[2].p[1], 0.5);
  EXPECT_DOUBLE_EQ(bins[2].t_sec, 2.0);
}

TEST(SessionSeries, SmoothingIsACentredMeanThatKeepsGaps) {
  const double nan = std::nan("");
  const auto s = smooth({1, 2, 3, nan, 5, 9}, 1);
  EXPECT_DOUBLE_EQ(s[0], 1.5);  // (1 + 2) / 2
  EXPECT_DOUBLE_EQ(s[1], 2.0);  // (1 + 2 + 3) / 3
  EXPECT_DOUBLE_EQ(s[2], 2.5);  // (2 + 3) / 2: the gap is left out
  EXPECT_TRUE(std::isnan(s[3]));
  EXPECT_DOUBLE_EQ(s[4], 7.0);  // (5 + 9) / 2
  EXPECT_DOUBLE_EQ(s[5], 7.0);
}

TEST(SessionPage, EscapesTitleAndSegmentLabelAndMarksSegments) {
  SessionPageInput in;
  in.title = "<img src=x onerror=alert(1)>";
  in.frames_text = synthetic_table(120, 5);
  in.frames_source = "dir/<script>.frames.csv";
  in.segments = {{30, 45, "rupture <b>"}};
  SessionPageResult r;
  const auto html = session_page_html(in, r);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("rupture <b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // The segment [30, 45) s on an x axis from 44 to 888 px spanning 0 .. the last frame (599 / 5 = 119.8 s):
  // 44 + 30 / 119.8 * 844 = 255.35, width 15 / 119.8 * 844 = 105.68.
  EXPECT_NE(html.find("<rect class=\"segment\" x=\"255.4\" y=\"8.0\" width=\"105.7\""), std::string::npos) << html.substr(0, 3000);
  EXPECT_NE(html.find("rupture &lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("data-series=\"smile_intensity\""), html.rfind("data-series=\"smile_intensity\""));  // patient only
  EXPECT_NE(html.find("The therapist's face was not measured in any frame."), std::string::npos);
}

// Every catalogue measure is shown once, in one of four groups; the first two open, the split measures and
// the quality columns folded (docs/report.md, "Measures").
TEST(SessionPage, MeasuresComeInFourGroupsEachMeasureOnce) {
  SessionPageInput in;
  in.title = "S";
  in.frames_text = synthetic_table(120, 5);
  in.frames_source = "s.frames.csv";
  SessionPageResult r;
  const auto html = session_page_html(in, r);
  const auto group_of = [&](const std::string& measure) {
    const size_t cell = html.find("\">" + measure + "</td>");
    if (cell == std::string::npos) return std::string("none");
    const size_t summary = html.rfind("<summary>", cell);
    return html.substr(summary + 9, html.find(" (", summary) - summary - 9);
  };
  EXPECT_EQ(group_of("share_happy"), "Affect");
  EXPECT_EQ(group_of("au04_r_mean"), "Action units, gaze and head motion");
  EXPECT_EQ(group_of("synchrony_head_motion"), "Action units, gaze and head motion");
  EXPECT_EQ(group_of("share_happy_listening"), "Over listening and speaking frames; turns");
  EXPECT_EQ(group_of("turns_per_min"), "Over listening and speaking frames; turns");
  EXPECT_EQ(group_of("frames_valid"), "Quality and bookkeeping");
  EXPECT_EQ(group_of("frames_listening"), "Quality and bookkeeping");
  size_t rows = 0, counted = 0;
  for (size_t at = html.find("<td title=\""); at != std::string::npos; at = html.find("<td title=\"", at + 1)) ++rows;
  const std::string group = "<details class=\"measure-group\"";
  for (size_t at = html.find(group); at != std::string::npos; at = html.find(group, at + 1)) {
    const size_t close = html.find(")</summary>", at), open = html.rfind(" (", close);
    counted += std::stoul(html.substr(open + 2, close - open - 2));
  }
  EXPECT_EQ(rows, measures::measure_catalog().size());
  EXPECT_EQ(counted, measures::measure_catalog().size());
  EXPECT_NE(html.find("<details class=\"measure-group\" open><summary>Affect"), std::string::npos);
  EXPECT_NE(html.find("<details class=\"measure-group\"><summary>Over listening"), std::string::npos);
}

TEST(SessionPage, TracesAreRelativeStepsBetweenRoundedPoints) {
  SessionPageInput in;
  in.title = "S";
  // 1 fps, smile 0.2, 0.6, 1.0, and a fourth bin without a face at t = 3 s; the 5-s moving mean gives 0.6 at
  // t = 0, 1, 2 (y = 8 + 0.4 * 164 = 73.6) and a gap at 3; x from 44 (t = 0) to 888 (t = 3): 281.33 per s
  in.frames_text = std::string(kHeader) +
                   "0,patient,0,1,0.9,0.8,0.2,0,0,0,0,0,neutral,0,0.2\n1,patient,1,1,0.9,0.4,0.6,0,0,0,0,0,happy,0,0.6\n"
                   "2,patient,2,1,0.9,0,1,0,0,0,0,0,happy,0,1.0\n3,patient,3,0,0,0,0,0,0,0,0,0,neutral,0,0\n";
  in.frames_source = "S.frames.csv";
  SessionPageResult r;
  const auto html = session_page_html(in, r);
  // 44 + 281.33 = 325.33 -> 325.3 (step 281.3), 44 + 562.67 = 606.67 -> 606.7 (step 281.4: from the rounded points)
  EXPECT_NE(html.find("data-series=\"smile_intensity\" stroke=\"#d4ac0d\" d=\"M44.0 73.6l281.3 0l281.4 0\""), std::string::npos)
      << html.substr(html.find("smile_intensity\" stroke"), 120);
}

TEST(SessionPage, SmileAxisGrowsSoThatABroadSmileStaysInThePlot) {
  SessionPageInput in;
  in.title = "S";
  // Smile 1.3 in three frames at 1 fps: the moving mean is 1.3, so the axis runs to 1.5 (1.3 rounded up to a
  // half); y = 8 + (1 - 1.3 / 1.5) * 164 = 29.9. The emotion plot keeps 0..1.
  in.frames_text = std::string(kHeader) +
                   "0,patient,0,1,0.9,0,1,0,0,0,0,0,happy,0,1.3\n1,patient,1,1,0.9,0,1,0,0,0,0,0,happy,0,1.3\n"
                   "2,patient,2,1,0.9,0,1,0,0,0,0,0,happy,0,1.3\n";
  in.frames_source = "S.frames.csv";
  SessionPageResult r;
  const auto html = session_page_html(in, r);
  const size_t smile = html.find("data-plot=\"patient-smile\""), emotions = html.find("data-plot=\"patient-emotions\"");
  ASSERT_NE(smile, std::string::npos);
  EXPECT_NE(html.find(">1.50</text>", smile), std::string::npos);
  EXPECT_NE(html.find("d=\"M44.0 29.9l", smile), std::string::npos) << html.substr(html.find("smile_intensity\" stroke"), 120);
  EXPECT_EQ(html.substr(emotions, smile - emotions).find(">1.50</text>"), std::string::npos);
  EXPECT_NE(html.substr(emotions, smile - emotions).find(">1.00</text>"), std::string::npos);
}

TEST(SessionPage, FiftyMinutesAtFiveFpsStayUnderTwoMegabytes) {
  SessionPageInput in;
  in.title = "long";
  in.frames_text = synthetic_table(50 * 60, 5);
  in.frames_source = "long.frames.csv";
  SessionPageResult r;
  const auto html = session_page_html(in, r);
  std::printf("50-min session at 5 fps: table %zu bytes, page %zu bytes\n", in.frames_text.size(), html.size());
  EXPECT_LT(html.size(), 2u * 1024 * 1024);
  EXPECT_NE(html.find("class=\"first-window\""), std::string::npos);  // the first 10 minutes are marked
}

TEST(SessionPage, VideoReportWritesBesideTheTableAndRefusesOtherNames) {
  const fs::path dir = fs::temp_directory_path() / ("psyface_session_page_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  util::write_file_atomic(dir / "s1.frames.csv", synthetic_table(10, 5));
  util::write_file_atomic(dir / "s1.analysis.json",
                          R"({"psyface_version":"9.9","video":{"frames_corrupt":2,"decode_errors":0,"frames_decoded":50},)"
                          R"("models":[{"name":"m<x>","sha256":"abc","source":"s"}],"options":{"fps":5}})");
  const auto r = write_video_report(dir / "s1.frames.csv", {});
  const auto html = util::read_file(dir / "s1.report.html");
  EXPECT_EQ(r.bytes, html.size());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "2 corrupt frames, 0 decode errors");
  EXPECT_NE(html.find("<td data-col=\"model\">m&lt;x&gt;</td>"), std::string::npos);
  EXPECT_NE(html.find("<code>fps=5</code>"), std::string::npos);
  // a sidecar without measurement_revision was made before revisions were recorded: revision 1
  EXPECT_NE(html.find("psyface 9.9 (measurement revision 1), analysed"), std::string::npos);
  util::write_file_atomic(dir / "s1.analysis.json", R"({"psyface_version":"9.9","measurement_revision":7})");
  write_video_report(dir / "s1.frames.csv", {});
  EXPECT_NE(util::read_file(dir / "s1.report.html").find("psyface 9.9 (measurement revision 7), analysed"),
            std::string::npos);
  EXPECT_THROW(write_video_report(dir / "s1.analysis.json", {}), Error);
  fs::remove_all(dir);
}

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

fs::path viewer_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("psyface_viewer_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "report" / "sessions");
  return dir;
}

}  // namespace

TEST(SessionPage, PlayerWithCursorsAndOnlyItsScriptWhenTheVideoIsReachable) {
  const fs::path dir = viewer_dir("player");
  const std::string hostile = "s 1#?%\xC3\xA9<b>.mp4";
  util::write_file_atomic(dir / "videos" / hostile, "only existence is checked");
  SessionPageInput in;
  in.title = "S1";
  in.frames_text = synthetic_table(120, 5);
  in.frames_source = "S1.frames.csv";
  in.videos = {{"video", dir / "videos" / hostile, 0}};
  const auto r = write_session_page(in, dir / "report" / "sessions" / "S1.html");
  const auto html = util::read_file(r.page);
  EXPECT_TRUE(r.player);
  // the relative, percent-encoded link; the shown name escaped
  EXPECT_NE(html.find("<video class=\"camera\" id=\"video-0\" src=\"../../videos/s%201%23%3F%25%C3%A9%3Cb%3E.mp4\""),
            std::string::npos) << html.substr(0, 4000);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("s 1#?%\xC3\xA9&lt;b&gt;.mp4</figcaption>"), std::string::npos);
  // one cursor per plot (two for the patient; the therapist is never seen), with the plot's x range:
  // t = 0 at x 44, t = 119.8 s (the last frame) at x 888
  EXPECT_EQ(count_of(html, "<line class=\"cursor\""), 2u);
  EXPECT_EQ(count_of(html, "data-x0=\"44.0\" data-x1=\"888.0\" data-end-sec=\"119.8\""), 2u);
  // exactly the viewer's script, allowed by its hash, media from the page's own origin only
  EXPECT_EQ(count_of(html, "<script"), 1u);
  EXPECT_NE(html.find("<script>" + viewer_script() + "</script>"), std::string::npos);
  EXPECT_NE(html.find("content=\"" + session_page_csp(true) + "\""), std::string::npos);
  EXPECT_NE(session_page_csp(true).find("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"), std::string::npos);
  EXPECT_NE(session_page_csp(true).find("'; media-src 'self'"), std::string::npos);
  EXPECT_EQ(session_page_csp(true).find("unsafe-inline'; script-src 'unsafe"), std::string::npos);
  EXPECT_EQ(html.find("<p class=\"no-video\""), std::string::npos);
  fs::remove_all(dir);
}

TEST(SessionPage, WithoutAReachableVideoOneLineNoScriptAndThePlotsStay) {
  const fs::path dir = viewer_dir("no_video");
  SessionPageInput in;
  in.title = "S1";
  in.frames_text = synthetic_table(60, 5);
  in.frames_source = "S1.frames.csv";
  in.videos = {{"video", dir / "videos" / "archived <x>.mp4", 0}};
  const auto r = write_session_page(in, dir / "report" / "sessions" / "S1.html");
  const auto html = util::read_file(r.page);
  EXPECT_FALSE(r.player);
  EXPECT_EQ(count_of(html, "class=\"no-video\""), 1u);
  EXPECT_NE(html.find("archived &lt;x&gt;.mp4 is not reachable from this page"), std::string::npos);
  EXPECT_NE(html.find(">The video " + (dir / "videos").string()), std::string::npos);  // not "the video's video"
  EXPECT_EQ(html.find("<video"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("class=\"cursor\""), std::string::npos);
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'\""), std::string::npos);
  EXPECT_EQ(count_of(html, "<figure class=\"plot\""), 2u);
  in.videos.clear();  // none known at all
  SessionPageResult none;
  EXPECT_NE(session_page_html(in, none).find("No video is known for this session"), std::string::npos);
  fs::remove_all(dir);
}

TEST(SessionPage, TwoCamerasTheSecondFollowsWithItsOffset) {
  const fs::path dir = viewer_dir("two_cameras");
  util::write_file_atomic(dir / "videos" / "a.mp4", "x");
  util::write_file_atomic(dir / "videos" / "b.mp4", "x");
  SessionPageInput in;
  in.title = "S1";
  in.frames_text = synthetic_table(60, 5);
  in.frames_source = "S1.frames.csv";
  in.videos = {{"patient camera", dir / "videos" / "a.mp4", 0}, {"therapist camera", dir / "videos" / "b.mp4", 2.5}};
  auto html = util::read_file(write_session_page(in, dir / "report" / "sessions" / "S1.html").page);
  EXPECT_NE(html.find("id=\"video-0\" src=\"../../videos/a.mp4\" data-offset-sec=\"0\" preload=\"metadata\" controls>"), std::string::npos);
  EXPECT_NE(html.find("id=\"video-1\" src=\"../../videos/b.mp4\" data-offset-sec=\"2.5\" preload=\"metadata\" muted>"), std::string::npos)
      << html.substr(0, 5000);
  EXPECT_NE(html.find("therapist camera (follows the first; its time + 2.5 s = the first's time)"), std::string::npos);
  fs::remove(dir / "videos" / "b.mp4");  // the second camera's video gone: the first still plays, a line says so
  html = util::read_file(write_session_page(in, dir / "report" / "sessions" / "S1.html").page);
  EXPECT_EQ(count_of(html, "<video"), 1u);
  EXPECT_NE(html.find("The therapist camera's video"), std::string::npos);
  fs::remove(dir / "videos" / "a.mp4");  // the first (the plots' clock) gone: no player
  html = util::read_file(write_session_page(in, dir / "report" / "sessions" / "S1.html").page);
  EXPECT_EQ(count_of(html, "<video"), 0u);
  EXPECT_NE(html.find("The patient camera's video"), std::string::npos);
  fs::remove_all(dir);
}

// `psyface report A+B.frames.csv` (the two-camera table of `psyface analyze --patient-video A.mp4
// --therapist-video B.mp4 --offset-sec 2.5`): no sidecar of its own; the cameras' sidecars A.analysis.json
// (side A) and B.analysis.json (side B) give both videos and the offset.
TEST(SessionPage, TwoCameraTableReportShowsBothCamerasFromTheirSidecars) {
  const fs::path dir = viewer_dir("two_camera_table");
  util::write_file_atomic(dir / "videos" / "A.mp4", "x");
  util::write_file_atomic(dir / "videos" / "B.mp4", "x");
  util::write_file_atomic(dir / "A+B.frames.csv", synthetic_table(20, 5));
  util::write_file_atomic(dir / "A.analysis.json", R"({"camera":{"side":"A"},"options":{"offset_sec":2.5},"video":{"path":")" +
                                                       (dir / "videos" / "A.mp4").string() + R"("}})");
  util::write_file_atomic(dir / "B.analysis.json", R"({"camera":{"side":"B"},"options":{"offset_sec":2.5},"video":{"path":")" +
                                                       (dir / "videos" / "B.mp4").string() + R"("}})");
  auto r = write_video_report(dir / "A+B.frames.csv", {});
  auto html = util::read_file(r.page);
  EXPECT_TRUE(r.player);
  EXPECT_EQ(count_of(html, "<video"), 2u);
  EXPECT_NE(html.find("src=\"videos/B.mp4\" data-offset-sec=\"2.5\""), std::string::npos) << html.substr(0, 4000);
  EXPECT_NE(html.find("therapist camera (follows the first"), std::string::npos);
  EXPECT_NE(html.find("No sidecar (A+B.analysis.json) beside the table"), std::string::npos);
  // Sidecars that are not a camera pair (no side, or the sides swapped) give no video.
  util::write_file_atomic(dir / "B.analysis.json", R"({"camera":{"side":"A"},"video":{"path":"x.mp4"}})");
  r = write_video_report(dir / "A+B.frames.csv", {});
  EXPECT_FALSE(r.player);
  EXPECT_EQ(count_of(util::read_file(r.page), "<video"), 0u);
  // A camera sidecar that is not JSON is refused by name (the page would otherwise lose its videos unsaid).
  util::write_file_atomic(dir / "B.analysis.json", "{\"camera\": {\"side\": \"B\"");
  try {
    write_video_report(dir / "A+B.frames.csv", {});
    ADD_FAILURE() << "a malformed camera sidecar was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("B.analysis.json: not JSON"), std::string::npos) << e.what();
  }
  // A split with a sidecar on one side only is no camera pair: a broken file there is not this table's, and
  // the page is written without videos.
  util::write_file_atomic(dir / "C+D.frames.csv", synthetic_table(20, 5));
  util::write_file_atomic(dir / "C.analysis.json", "{not json");
  r = write_video_report(dir / "C+D.frames.csv", {});
  EXPECT_FALSE(r.player);
  EXPECT_TRUE(fs::exists(r.page));
  fs::remove_all(dir);
}

TEST(SessionPage, RatedSegmentsMarkedWithTheirScoresAndListed) {
  SessionPageInput in;
  in.title = "S1";
  in.frames_text = synthetic_table(120, 5);
  in.frames_source = "S1.frames.csv";
  in.rated = {{30, 45, {{"R1", 3, 4, "joy"}, {"R<2>", 4, 6, ""}}}};
  SessionPageResult r;
  const auto html = session_page_html(in, r);
  // [30, 45) s on 44 .. 888 px over 0 .. 119.8 s (as the user segment above): x 255.4, width 105.7; in both plots
  EXPECT_EQ(count_of(html, "<rect class=\"segment rated\" x=\"255.4\" y=\"8.0\" width=\"105.7\""), 2u) << html.substr(0, 4000);
  EXPECT_EQ(count_of(html, ">CEAS 3.5</text>"), 2u);  // mean CEAS Mode of the two raters
  EXPECT_NE(html.find("<title>rated 30-45 s: R1 mode 3 peak 4 joy; R&lt;2&gt; mode 4 peak 6;</title>"), std::string::npos);
  EXPECT_NE(html.find("<td data-col=\"rater\">R&lt;2&gt;</td><td class=\"num\" data-col=\"ceas_mode\" data-v=\"4\">4</td>"),
            std::string::npos) << html.substr(html.find("Rated segments"), 800);
}

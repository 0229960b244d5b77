// Relative, percent-encoded links from a report page to a video (report/video_link.hpp).
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "report/video_link.hpp"
#include "util/atomic_file.hpp"

namespace fs = std::filesystem;
using namespace psyface::report;

TEST(VideoLink, EncodesEverythingButUnreservedCharactersAndSlashes) {
  EXPECT_EQ(url_encode_path("../../videos/s1-a_b.c~d.mp4"), "../../videos/s1-a_b.c~d.mp4");
  // space, '#', '?', '%', ':', quotes, '<', '&' and a UTF-8 'é' (C3 A9) become their bytes' %XX
  EXPECT_EQ(url_encode_path("a b#c?d%e:f\"g'<h>&\xC3\xA9.mp4"), "a%20b%23c%3Fd%25e%3Af%22g%27%3Ch%3E%26%C3%A9.mp4");
  EXPECT_EQ(url_encode_path("%20"), "%2520");  // a literal "%20" in a name stays those three characters
}

TEST(VideoLink, RelativeFromThePagesFolderOnlyForAnExistingFile) {
  const fs::path dir = fs::temp_directory_path() / ("psyface_video_link_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string hostile = "s 1#?%\xC3\xA9<b>.mp4";
  psyface::util::write_file_atomic(dir / "videos" / hostile, "not a video: only existence is checked");
  fs::create_directories(dir / "report" / "sessions");
  EXPECT_EQ(video_href(dir / "report" / "sessions", dir / "videos" / hostile), "../../videos/s%201%23%3F%25%C3%A9%3Cb%3E.mp4");
  EXPECT_EQ(video_href(dir / "report" / "sessions" / "", dir / "report" / ".." / "videos" / hostile),
            "../../videos/s%201%23%3F%25%C3%A9%3Cb%3E.mp4");  // trailing slash and ".." normalised
  EXPECT_EQ(video_href(dir, dir / "videos" / hostile), "videos/s%201%23%3F%25%C3%A9%3Cb%3E.mp4");
  EXPECT_EQ(video_href(dir / "report", dir / "videos" / "missing.mp4"), "");
  EXPECT_EQ(video_href(dir / "report", dir / "videos"), "");  // a folder is no video
  EXPECT_EQ(video_href(dir / "report", ""), "");
  fs::remove_all(dir);
}

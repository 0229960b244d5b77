// Stored per-frame tables: gzip round trip over several zlib chunks, checksum and truncation refused.
#include <gtest/gtest.h>

#include <random>

#include "psyface/error.hpp"
#include "study/frames_store.hpp"
#include "study_test_support.hpp"
#include "util/atomic_file.hpp"

namespace psyface::study {
namespace {

TEST(FramesStore, RoundTripOverManyChunksAndDamageIsRefused) {
  test::TempStudy s("frames-store");
  // ~6 MiB of CSV-like text with random digits: several 1-MiB chunks in and out of zlib
  std::mt19937 rng(7);
  std::string csv = "frame,t,emo_happy\n";
  for (int i = 0; csv.size() < (6u << 20); ++i)
    csv += std::to_string(i) + "," + std::to_string(i * 0.0333) + "," + std::to_string(rng() % 100000) + "\n";
  s.write("t.csv", csv);
  const auto gz = s.dir() / "frames" / "t.csv.gz";
  const std::string sha = store_frames_table(s.dir() / "t.csv", gz);
  EXPECT_LT(std::filesystem::file_size(gz), csv.size() / 2);
  EXPECT_EQ(load_frames_table(gz, sha), csv);

  const std::string bytes = util::read_file(gz);
  util::write_file_atomic(gz, bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(load_frames_table(gz, sha), Error);  // checksum differs
  try {
    load_frames_table(gz, "");  // no checksum to compare: the gzip stream itself is found truncated
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace psyface::study

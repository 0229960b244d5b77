// Labelled-folder scanning on temporary directory trees built by each test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "psyface/error.hpp"
#include "stats/label_folders.hpp"

namespace psyface::stats {
namespace {
namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed when the test ends.
class ScanLabelledFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    root_ = fs::temp_directory_path() / ("psyface_label_folders_" + std::to_string(rd()));
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void touch(const fs::path& rel) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << "x";
  }
  fs::path root_;
};

ErrorCode code_of_scan(const fs::path& dir, std::string* message = nullptr) {
  try {
    scan_labelled_folder(dir);
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "scan_labelled_folder(" << dir << ") did not throw";
  return ErrorCode::Internal;
}

TEST(FolderNames, AliasesAndCase) {
  EXPECT_EQ(emotion_from_folder_name("anger"), Emotion::Angry);
  EXPECT_EQ(emotion_from_folder_name("Angry"), Emotion::Angry);
  EXPECT_EQ(emotion_from_folder_name("DISGUST"), Emotion::Disgusted);
  EXPECT_EQ(emotion_from_folder_name("disgusted"), Emotion::Disgusted);
  EXPECT_EQ(emotion_from_folder_name("fear"), Emotion::Fearful);
  EXPECT_EQ(emotion_from_folder_name("Fearful"), Emotion::Fearful);
  EXPECT_EQ(emotion_from_folder_name("happiness"), Emotion::Happy);
  EXPECT_EQ(emotion_from_folder_name("HAPPY"), Emotion::Happy);
  EXPECT_EQ(emotion_from_folder_name("Sadness"), Emotion::Sad);
  EXPECT_EQ(emotion_from_folder_name("sad"), Emotion::Sad);
  EXPECT_EQ(emotion_from_folder_name("surprise"), Emotion::Surprised);
  EXPECT_EQ(emotion_from_folder_name("Surprised"), Emotion::Surprised);
  EXPECT_EQ(emotion_from_folder_name("Neutral"), Emotion::Neutral);
  EXPECT_EQ(emotion_from_folder_name("contempt"), std::nullopt);
  EXPECT_EQ(emotion_from_folder_name("calm"), std::nullopt);
  EXPECT_EQ(emotion_from_folder_name("happy "), std::nullopt);
  EXPECT_EQ(emotion_from_folder_name(""), std::nullopt);
}

TEST(FolderNames, ImageExtensions) {
  for (const char* name : {"a.jpg", "a.JPEG", "a.png", "a.Bmp", "a.webp", "a.tif", "a.TIFF"})
    EXPECT_TRUE(is_image_file(name)) << name;
  for (const char* name : {"a.txt", "a.gif", "jpg", "a.jpg.bak", ".DS_Store", "a"})
    EXPECT_FALSE(is_image_file(name)) << name;
}

TEST_F(ScanLabelledFolder, ScansAliasesSkipsContemptIgnoresNonImages) {
  touch("Anger/b.jpg");
  touch("Anger/a.PNG");
  touch("angry/c.jpeg");        // second folder for the same class: merged
  touch("happiness/h1.webp");
  touch("happiness/nested/h2.tif");  // class folders are searched recursively
  touch("happiness/notes.txt");      // ignored
  touch("Neutral/n.bmp");
  touch("Neutral/.DS_Store");        // ignored
  touch("contempt/x.jpg");
  touch("contempt/y.jpg");
  touch("contempt/readme.md");
  touch("labels.csv");               // loose file in the root: ignored
  fs::create_directories(root_ / "empty_other");

  const LabelledImageSet set = scan_labelled_folder(root_);
  EXPECT_EQ(set.root, root_);
  ASSERT_EQ(set.images.size(), 6u);
  // Sorted by path: "Anger" < "Neutral" < "angry" < "happiness" (byte order, upper case first).
  EXPECT_EQ(set.images[0].path, root_ / "Anger/a.PNG");
  EXPECT_EQ(set.images[0].label, Emotion::Angry);
  EXPECT_EQ(set.images[1].path, root_ / "Anger/b.jpg");
  EXPECT_EQ(set.images[2].path, root_ / "Neutral/n.bmp");
  EXPECT_EQ(set.images[2].label, Emotion::Neutral);
  EXPECT_EQ(set.images[3].path, root_ / "angry/c.jpeg");
  EXPECT_EQ(set.images[3].label, Emotion::Angry);
  EXPECT_EQ(set.images[4].path, root_ / "happiness/h1.webp");
  EXPECT_EQ(set.images[4].label, Emotion::Happy);
  EXPECT_EQ(set.images[5].path, root_ / "happiness/nested/h2.tif");

  EXPECT_EQ(set.images_per_class[static_cast<int>(Emotion::Angry)], 3);
  EXPECT_EQ(set.images_per_class[static_cast<int>(Emotion::Happy)], 2);
  EXPECT_EQ(set.images_per_class[static_cast<int>(Emotion::Neutral)], 1);
  EXPECT_EQ(set.images_per_class[static_cast<int>(Emotion::Sad)], 0);

  ASSERT_EQ(set.skipped_folders.size(), 2u);
  EXPECT_EQ(set.skipped_folders[0].name, "contempt");
  EXPECT_EQ(set.skipped_folders[0].file_count, 3);
  EXPECT_EQ(set.skipped_folders[1].name, "empty_other");
  EXPECT_EQ(set.skipped_folders[1].file_count, 0);
  EXPECT_EQ(set.ignored_files, 3);  // notes.txt, .DS_Store, labels.csv
}

TEST_F(ScanLabelledFolder, MissingDirThrowsInputNamingIt) {
  std::string message;
  EXPECT_EQ(code_of_scan(root_ / "nope", &message), ErrorCode::Input);
  EXPECT_NE(message.find((root_ / "nope").string()), std::string::npos) << message;
}

TEST_F(ScanLabelledFolder, FileInsteadOfDirThrowsInput) {
  touch("file.jpg");
  std::string message;
  EXPECT_EQ(code_of_scan(root_ / "file.jpg", &message), ErrorCode::Input);
  EXPECT_NE(message.find("not a directory"), std::string::npos) << message;
}

TEST_F(ScanLabelledFolder, NoClassFolderThrowsInputListingWhatWasFound) {
  touch("contempt/x.jpg");
  touch("calm/y.jpg");
  std::string message;
  EXPECT_EQ(code_of_scan(root_, &message), ErrorCode::Input);
  EXPECT_NE(message.find(root_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("calm, contempt"), std::string::npos) << message;
}

TEST_F(ScanLabelledFolder, ClassFoldersWithoutImagesThrowInput) {
  touch("happy/readme.txt");
  fs::create_directories(root_ / "sad");
  std::string message;
  EXPECT_EQ(code_of_scan(root_, &message), ErrorCode::Input);
  EXPECT_NE(message.find("no image files"), std::string::npos) << message;
}

}  // namespace
}  // namespace psyface::stats

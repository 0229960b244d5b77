// Labelled image folders for `psyface eval DIR`: DIR holds one subfolder per emotion class
// (the FER2013 / RAF-DB / AffectNet "test/<class>/*.jpg" layout), mapped to the project's class order.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psyface/records.hpp"

namespace psyface::stats {

struct LabelledImage {
  std::filesystem::path path;
  Emotion label;
};

// A subfolder of DIR whose name is not a recognised class (e.g. "contempt"); its files are not scored.
struct SkippedFolder {
  std::string name;
  int64_t file_count = 0;  // regular files anywhere below it, images or not
};

struct LabelledImageSet {
  std::filesystem::path root;
  std::vector<LabelledImage> images;           // sorted by path
  std::vector<SkippedFolder> skipped_folders;  // sorted by name
  int64_t ignored_files = 0;                   // non-image files in class folders, plus loose files in root
  std::array<int64_t, kEmotionCount> images_per_class{};  // kEmotionNames order
};

// Maps a class-folder name to an emotion, case-insensitively. Accepted names:
//   neutral; happy, happiness; sad, sadness; angry, anger; fearful, fear;
//   disgusted, disgust; surprised, surprise.
// ensures: std::nullopt for anything else (including "contempt" and "calm").
std::optional<Emotion> emotion_from_folder_name(std::string_view name);

// True when the extension is jpg, jpeg, png, bmp, webp, tif or tiff (case-insensitive).
bool is_image_file(const std::filesystem::path& path);

// Scans DIR's immediate subfolders. Each recognised class folder is searched recursively for image
// files; several folders may map to one class (e.g. "anger" and "Angry") and are merged.
// Unrecognised subfolders go to skipped_folders; non-image files count in ignored_files.
// requires: dir is an existing directory with at least one recognised class folder containing at
//           least one image.
// ensures:  images sorted by path; images_per_class sums to images.size().
// throws:   Error(Input) naming dir when it is missing, not a directory, unreadable, has no recognised
//           class folder (the message lists the subfolders found) or has no images in them.
LabelledImageSet scan_labelled_folder(const std::filesystem::path& dir);

}  // namespace psyface::stats

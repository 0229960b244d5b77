#include "stats/label_folders.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "psyface/error.hpp"

namespace psyface::stats {
namespace fs = std::filesystem;

namespace {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void throw_input(const fs::path& dir, const std::string& what) {
  throw Error(ErrorCode::Input, "labelled folder '" + dir.string() + "': " + what);
}

// Regular files anywhere below folder, in no particular order.
std::vector<fs::path> list_files_recursive(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) throw_input(folder, "cannot read: " + ec.message());
  return files;
}

// Immediate subfolders and loose files of dir, each sorted by path.
std::pair<std::vector<fs::path>, std::vector<fs::path>> list_top_level(const fs::path& dir) {
  std::vector<fs::path> folders, loose_files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_directory(type_ec))
      folders.push_back(it->path());
    else if (it->is_regular_file(type_ec))
      loose_files.push_back(it->path());
  }
  if (ec) throw_input(dir, "cannot read: " + ec.message());
  std::sort(folders.begin(), folders.end());
  std::sort(loose_files.begin(), loose_files.end());
  return {std::move(folders), std::move(loose_files)};
}

void add_class_folder(const fs::path& folder, Emotion label, LabelledImageSet& set) {
  for (auto& file : list_files_recursive(folder)) {
    if (!is_image_file(file)) {
      ++set.ignored_files;
      continue;
    }
    set.images.push_back({std::move(file), label});
    ++set.images_per_class[static_cast<int>(label)];
  }
}

std::string describe_folders(const std::vector<fs::path>& folders) {
  if (folders.empty()) return "it has no subfolders";
  std::string names;
  for (const auto& f : folders) names += (names.empty() ? "" : ", ") + f.filename().string();
  return "found subfolders: " + names;
}

}  // namespace

std::optional<Emotion> emotion_from_folder_name(std::string_view name) {
  static constexpr std::pair<std::string_view, Emotion> kAliases[] = {
      {"neutral", Emotion::Neutral},     {"happy", Emotion::Happy},         {"happiness", Emotion::Happy},
      {"sad", Emotion::Sad},             {"sadness", Emotion::Sad},         {"angry", Emotion::Angry},
      {"anger", Emotion::Angry},         {"fearful", Emotion::Fearful},     {"fear", Emotion::Fearful},
      {"disgusted", Emotion::Disgusted}, {"disgust", Emotion::Disgusted},   {"surprised", Emotion::Surprised},
      {"surprise", Emotion::Surprised}};
  const std::string lower = to_lower(name);
  for (const auto& [alias, emotion] : kAliases)
    if (lower == alias) return emotion;
  return std::nullopt;
}

bool is_image_file(const fs::path& path) {
  static constexpr std::string_view kExtensions[] = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"};
  const std::string ext = to_lower(path.extension().string());
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

LabelledImageSet scan_labelled_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw_input(dir, "does not exist");
  if (!fs::is_directory(dir, ec)) throw_input(dir, "is not a directory");

  LabelledImageSet set;
  set.root = dir;
  auto [folders, loose_files] = list_top_level(dir);
  set.ignored_files = static_cast<int64_t>(loose_files.size());
  bool any_class_folder = false;
  for (const auto& folder : folders) {
    const std::string name = folder.filename().string();
    if (auto label = emotion_from_folder_name(name)) {
      any_class_folder = true;
      add_class_folder(folder, *label, set);
    } else {
      set.skipped_folders.push_back({name, static_cast<int64_t>(list_files_recursive(folder).size())});
    }
  }
  if (!any_class_folder)
    throw_input(dir, "no emotion class folder (expected names like angry, happy, neutral); " +
                         describe_folders(folders));
  if (set.images.empty()) throw_input(dir, "the class folders contain no image files");
  std::sort(set.images.begin(), set.images.end(),
            [](const LabelledImage& a, const LabelledImage& b) { return a.path < b.path; });
  return set;
}

}  // namespace psyface::stats

// Write-to-temporary-then-rename, so a crash never leaves a half-written file that looks complete, and
// fsync of the file before and of its folder after the rename, so a power cut never leaves a name that
// points at missing or empty bytes once commit() has returned.
#pragma once
#include <filesystem>
#include <fstream>
#include <string_view>

namespace psyface::util {

// An output file written under "<path>.tmp-<pid>" and renamed to <path> by commit().
// If destroyed without commit() the temporary is removed and <path> is untouched.
class AtomicFile {
 public:
  // requires: parent folder exists or can be created. throws Error(Output) when it cannot be opened.
  explicit AtomicFile(std::filesystem::path path, bool binary = false);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ofstream& stream() { return out_; }
  const std::filesystem::path& temp_path() const { return tmp_; }
  // ensures: data flushed and synced to disk, file renamed into place, the rename synced (folder fsync).
  // throws Error(Output) on write/sync/rename failure.
  void commit();

 private:
  std::filesystem::path path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// fsync of a written file. throws Error(Output) naming it.
void sync_file(const std::filesystem::path& path);
// rename(2) and fsync of the destination's folder, so the new name survives a power cut.
// requires: both on one filesystem. throws Error(Output) naming both.
void rename_durable(const std::filesystem::path& from, const std::filesystem::path& to);

// Convenience: atomically and durably replace path with bytes. throws Error(Output).
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// Whole file as bytes. throws Error(Input) naming the file.
std::string read_file(const std::filesystem::path& path);

}  // namespace psyface::util

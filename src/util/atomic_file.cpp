#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "psyface/error.hpp"

namespace psyface::util {

namespace {

// fsync of a file or folder opened read-only (Linux flushes the inode either way).
void fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) throw Error(ErrorCode::Output, "cannot open " + path.string() + " to sync it: " + std::strerror(errno));
  int rc;
  do rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR);
  const int err = errno;
  ::close(fd);
  // EINVAL: the filesystem cannot sync this kind of file (some network filesystems for folders)
  if (rc != 0 && err != EINVAL)
    throw Error(ErrorCode::Output, "cannot sync " + path.string() + " to disk: " + std::strerror(err));
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

void sync_file(const std::filesystem::path& path) { fsync_path(path, 0); }

void rename_durable(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) throw Error(ErrorCode::Output, "cannot rename " + from.string() + " to " + to.string() + ": " + ec.message());
  fsync_path(folder_of(to), O_DIRECTORY);
}

AtomicFile::AtomicFile(std::filesystem::path path, bool binary) : path_(std::move(path)) {
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  tmp_ = path_;
  tmp_ += ".tmp-" + std::to_string(::getpid());
  out_.open(tmp_, binary ? std::ios::binary | std::ios::trunc : std::ios::trunc);
  if (!out_) throw Error(ErrorCode::Output, "cannot write " + tmp_.string());
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);
  }
}

void AtomicFile::commit() {
  out_.flush();
  if (!out_) throw Error(ErrorCode::Output, "write failed for " + tmp_.string());
  out_.close();
  if (!out_) throw Error(ErrorCode::Output, "write failed for " + tmp_.string());
  sync_file(tmp_);  // the bytes on disk before the name points at them (a power cut leaves old or new, never empty)
  rename_durable(tmp_, path_);
  committed_ = true;
}
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile f(path, true);
  f.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.commit();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::Input, "cannot read " + path.string());
  // One allocation of the file's size (a study's frames tables run to tens of MB, and a 14 MB file read
  // through a growing stringstream cost ~0.2 s of page faults here), then whatever follows if the file grew
  // meanwhile.
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::string bytes(ec ? 0 : static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (in.good() || in.eof()) {
    in.clear();
    std::ostringstream rest;
    rest << in.rdbuf();
    bytes += rest.str();
  }
  if (in.bad()) throw Error(ErrorCode::Input, "cannot read " + path.string());
  return bytes;
}

}  // namespace psyface::util

#include "util/atomic_file.hpp"

#include <unistd.h>

#include <sstream>

#include "psyface/error.hpp"

namespace psyface::util {

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
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw Error(ErrorCode::Output, "cannot rename " + tmp_.string() + " to " + path_.string() + ": " + ec.message());
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

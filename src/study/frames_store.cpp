// Stored per-frame tables and video fingerprints (see frames_store.hpp).
#include "study/frames_store.hpp"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

namespace psyface::study {
namespace fs = std::filesystem;

// zlib counts in 32-bit uInt: feed input and take output in chunks, so tables over 4 GiB are whole.
constexpr size_t kZlibChunk = 1 << 20;

std::string store_frames_table(const fs::path& csv, const fs::path& gz) {
  const std::string text = util::read_file(csv);
  // gzip container (windowBits 15 + 16) so `zcat` reads the file directly.
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(ErrorCode::Internal, "zlib deflateInit2 failed");
  std::string out;
  std::vector<char> buf(kZlibChunk);
  size_t pos = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && pos < text.size()) {
      const size_t n = std::min(kZlibChunk, text.size() - pos);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data() + pos));
      z.avail_in = static_cast<uInt>(n);
      pos += n;
    }
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    rc = deflate(&z, pos == text.size() ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&z);
      throw Error(ErrorCode::Internal, "zlib deflate failed for " + csv.string());
    }
    out.append(buf.data(), buf.size() - z.avail_out);
  }
  deflateEnd(&z);
  fs::create_directories(gz.parent_path());
  util::write_file_atomic(gz, out);
  return util::sha256_bytes(out);
}

std::string load_frames_table(const fs::path& gz, const std::string& expected_sha256) {
  const std::string data = util::read_file(gz);
  if (!expected_sha256.empty() && util::sha256_bytes(data) != expected_sha256)
    throw Error(ErrorCode::Input, gz.string() + ": checksum differs from the study database (file changed or damaged)");
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw Error(ErrorCode::Internal, "zlib inflateInit2 failed");
  std::string out;
  std::vector<char> buf(kZlibChunk);
  size_t pos = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && pos < data.size()) {
      const size_t n = std::min(kZlibChunk, data.size() - pos);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + pos));
      z.avail_in = static_cast<uInt>(n);
      pos += n;
    }
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw Error(ErrorCode::Input, gz.string() + ": not a valid gzip file");
    }
    out.append(buf.data(), buf.size() - z.avail_out);
    if (rc == Z_OK && z.avail_in == 0 && pos == data.size() && z.avail_out != 0) {
      inflateEnd(&z);
      throw Error(ErrorCode::Input, gz.string() + ": truncated gzip file");
    }
  }
  inflateEnd(&z);
  return out;
}

std::string video_fingerprint(const fs::path& video) {
  std::error_code ec;
  const auto size = fs::file_size(video, ec);
  if (ec) throw Error(ErrorCode::Input, "cannot read " + video.string() + ": " + ec.message());
  const auto mtime = fs::last_write_time(video, ec).time_since_epoch();
  std::ifstream in(video, std::ios::binary);
  if (!in) throw Error(ErrorCode::Input, "cannot read " + video.string());
  constexpr std::uintmax_t kMiB = 1 << 20;
  std::string bytes(std::min(size, kMiB), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (size > kMiB) {
    const std::uintmax_t tail = std::min(kMiB, size - kMiB);
    std::string last(tail, '\0');
    in.seekg(static_cast<std::streamoff>(size - tail));
    in.read(last.data(), static_cast<std::streamsize>(tail));
    bytes += last;
  }
  if (!in) throw Error(ErrorCode::Input, "cannot read " + video.string());
  return "size:" + std::to_string(size) + ";mtime:" +
         std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(mtime).count()) +
         ";head_tail:" + util::sha256_bytes(bytes);
}

}  // namespace psyface::study

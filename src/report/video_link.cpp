// Relative, percent-encoded links to videos (video_link.hpp).
#include "report/video_link.hpp"

#include <system_error>

namespace psyface::report {
namespace fs = std::filesystem;

std::string url_encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size() + path.size() / 4);
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                      c == '_' || c == '~' || c == '/';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string video_href(const fs::path& page_dir, const fs::path& video) {
  if (video.empty()) return "";
  std::error_code ec;
  const fs::path target = fs::absolute(video, ec).lexically_normal();
  if (ec || !fs::is_regular_file(target, ec)) return "";
  fs::path from = fs::absolute(page_dir, ec).lexically_normal();
  if (ec) return "";
  if (from.has_parent_path() && from.filename().empty()) from = from.parent_path();  // "dir/" -> "dir"
  const fs::path rel = target.lexically_relative(from);
  if (rel.empty()) return "";
  return url_encode_path(rel.generic_string());  // POSIX: the file name's bytes as they are (UTF-8 in practice)
}

}  // namespace psyface::report

// Links from a report page to a video on disk (docs/report.md, "The session viewer"): a relative URL from
// the page's folder to the video, percent-encoded, so the page plays the video where it lies and keeps
// working when the study folder is moved or copied whole. The video is never embedded or copied.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace psyface::report {

// ensures: `path` (UTF-8, '/' between parts) as the path of a relative URL: every byte other than the
//          unreserved characters A-Z a-z 0-9 - . _ ~ and the separator '/' written as %XX (upper-case hex),
//          so spaces, '#', '?', '%', ':' and non-ASCII bytes reach the browser as the file name's bytes.
std::string url_encode_path(std::string_view path);

// The relative link from a page in `page_dir` to `video` (either may be relative to the current folder).
// ensures: the percent-encoded relative URL ("../../videos/s%201.mp4") when `video` is an existing regular
//          file that a relative path reaches from page_dir (the same root), "" otherwise. The path is
//          computed lexically from the absolute, normalised paths, as the browser resolves "..".
std::string video_href(const std::filesystem::path& page_dir, const std::filesystem::path& video);

}  // namespace psyface::report

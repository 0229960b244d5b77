// DIR/frames/: the per-frame tables of analysed sessions, kept so measures can be recomputed without
// the video. Stored gzip-compressed (zlib; a frames table shrinks to about a third), with the SHA-256 of
// the stored file recorded in the study database. Also the video fingerprint that decides re-analysis.
#pragma once
#include <filesystem>
#include <string>

namespace psyface::study {

// Compresses `csv` into `gz` (temporary file + rename). ensures: returns the SHA-256 of the .gz file.
// throws: Error(Input) when csv is unreadable, Error(Output) when gz cannot be written.
std::string store_frames_table(const std::filesystem::path& csv, const std::filesystem::path& gz);

// Decompresses a stored table. requires: expected_sha256 empty or the file's checksum.
// throws: Error(Input) naming the file when it is missing, corrupt or its checksum differs.
std::string load_frames_table(const std::filesystem::path& gz, const std::string& expected_sha256);

// "size:<bytes>;mtime:<ns>;head_tail:<sha256 of the first and last MiB>" of a video file.
// throws: Error(Input) naming the file when it cannot be read.
std::string video_fingerprint(const std::filesystem::path& video);

}  // namespace psyface::study

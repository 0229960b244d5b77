// probe(): what a video file is (codec, size, frame rate, duration), from its headers, without decoding.
#pragma once
#include <filesystem>

#include "video/video_types.hpp"

namespace psyface::video {

// requires: nothing (any path).
// ensures: the description of the file's main video stream.
// throws: psyface::Error(ErrorCode::Input) naming the file and the reason when it is missing, unreadable,
//         not a media file, has no video stream, or its codec has no decoder in this FFmpeg build.
VideoInfo probe(const std::filesystem::path& path);

}  // namespace psyface::video

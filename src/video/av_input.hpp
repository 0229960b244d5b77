// Opening a video file with libavformat (internal to src/video/): shared by probe() and VideoReader.
#pragma once
#include <filesystem>

#include "video/av_handles.hpp"
#include "video/video_types.hpp"

namespace psyface::video::detail {

struct OpenedInput {
  FormatContextPtr format;
  int stream_index = -1;  // the main video stream
  VideoInfo info;
};

// requires: interrupt is null or outlives the returned context (FFmpeg polls it during blocking I/O).
// ensures: an opened container with stream info read; every other stream is set to be discarded.
// throws: psyface::Error(ErrorCode::Input) naming the file and the reason (see probe()).
OpenedInput open_input(const std::filesystem::path& path, const AVIOInterruptCB* interrupt);

// ensures: width_px / height_px = the stored size in square pixels (square_pixel_width) turned by
//          info.orientation.
void set_displayed_size(VideoInfo& info);

// requires: rotation_deg -1 (keep what the file says) or 0, 90, 180, 270 (clockwise, replaces it).
// ensures: info.orientation, orientation_source and the displayed size follow the choice.
void override_orientation(VideoInfo& info, int rotation_deg);

}  // namespace psyface::video::detail

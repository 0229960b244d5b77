// PresentationOrder: the presentation timestamps (pts) of the video packets read so far, for a reader that
// lets the decoder skip non-reference frames. It says which frame precedes a packet's frame on screen (so
// the sampling grid can ask for that packet to be decoded) and how many frames come before a frame (its
// exact index), although the skipped frames are never decoded. Timestamps are in the stream's time base.
#pragma once
#include <cstdint>
#include <optional>
#include <set>

namespace psyface::video {

class PresentationOrder {
 public:
  // Most frames a decoder holds back to reorder them (H.264 allows 16): a packet read after this many
  // packets presented later than a frame cannot be presented before that frame.
  static constexpr int kMaxReorderFrames = 16;

  // ensures: nothing read, nothing counted (as after a seek).
  void reset();

  // requires: the packets of one stream in the order read (decode order); dts nullopt when unknown.
  // ensures: the packet counts from now on.
  void add(int64_t pts, std::optional<int64_t> dts);

  // ensures: true when no packet read later can be presented before `pts`: the last packet's dts is at or
  //          after it (dts rise and pts >= dts), or more than kMaxReorderFrames packets read are
  //          presented at or after it. Until then previous() and count_before() may miss packets.
  bool complete_through(int64_t pts) const;

  // requires: complete_through(pts).
  // ensures: the latest pts before `pts` among the packets read, or nullopt when there is none.
  std::optional<int64_t> previous(int64_t pts) const;

  // requires: complete_through(pts).
  // ensures: how many packets read since reset() are presented before `pts`.
  int64_t count_before(int64_t pts) const;

 private:
  // Packets kept: more than any decoder reorders, so every pts still asked about is here or was dropped
  // as earlier than all of them.
  static constexpr size_t kKept = 256;
  std::multiset<int64_t> recent_;  // pts of the latest kKept packets in presentation order
  int64_t dropped_ = 0;            // packets dropped from recent_, all presented before those kept
  std::optional<int64_t> last_dts_;
};

}  // namespace psyface::video

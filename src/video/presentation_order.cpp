#include "video/presentation_order.hpp"

#include <iterator>

namespace psyface::video {

void PresentationOrder::reset() {
  recent_.clear();
  dropped_ = 0;
  last_dts_.reset();
}

void PresentationOrder::add(int64_t pts, std::optional<int64_t> dts) {
  recent_.insert(pts);
  if (dts) last_dts_ = dts;
  while (recent_.size() > kKept) {
    recent_.erase(recent_.begin());
    ++dropped_;
  }
}

bool PresentationOrder::complete_through(int64_t pts) const {
  if (last_dts_ && *last_dts_ >= pts) return true;
  return std::distance(recent_.lower_bound(pts), recent_.end()) > kMaxReorderFrames;
}

std::optional<int64_t> PresentationOrder::previous(int64_t pts) const {
  const auto at = recent_.lower_bound(pts);
  if (at == recent_.begin()) return std::nullopt;
  return *std::prev(at);
}

int64_t PresentationOrder::count_before(int64_t pts) const {
  return dropped_ + std::distance(recent_.begin(), recent_.lower_bound(pts));
}

}  // namespace psyface::video

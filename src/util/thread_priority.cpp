// Per-thread nice values (Linux: setpriority on a thread id changes that thread only).
#include "util/thread_priority.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace psyface::util {

int this_thread_nice() {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  return errno == 0 ? nice : 0;
}

void lower_this_thread_priority(int steps) {
  const int now = this_thread_nice();
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), std::min(now + std::max(steps, 0), 19));
}

}  // namespace psyface::util

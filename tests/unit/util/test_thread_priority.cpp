// Per-thread scheduling hints (util/thread_priority.hpp).
#include <gtest/gtest.h>

#include <thread>

#include "util/thread_priority.hpp"

using namespace psyface;

TEST(ThreadPriority, LowersOnlyTheCallingThreadAndStopsAt19) {
  const int main_before = util::this_thread_nice();
  int inside = -100, after_many = -100;
  std::thread t([&] {
    const int before = util::this_thread_nice();
    util::lower_this_thread_priority(3);
    inside = util::this_thread_nice() - before;
    util::lower_this_thread_priority(40);
    after_many = util::this_thread_nice();
  });
  t.join();
  EXPECT_EQ(inside, main_before <= 16 ? 3 : 19 - main_before);
  EXPECT_EQ(after_many, 19);
  EXPECT_EQ(util::this_thread_nice(), main_before);  // the process and its other threads keep theirs
}

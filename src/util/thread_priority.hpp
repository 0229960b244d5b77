// Scheduling hint for pipeline threads that are not on the critical path.
// analyze's frames go through one tracking thread (sequential: each frame's mesh starts from the previous
// frame's landmarks) while the emotion models and the identity network work from queues behind it. On 2
// cores the scheduler shared the cores evenly, so the tracking thread waited while queued work ran; with the
// queued stages 5 nice steps lower, the OpenFace sample ran ~4 % faster (docs/benchmarks.md). They still
// get the cores whenever the tracking thread waits, and at the end they drain at full speed. On a machine
// busy with other programs they also yield to those, so analyze is a little slower there than before.
#pragma once

namespace psyface::util {

inline constexpr int kBackgroundNiceSteps = 5;

// ensures: the calling thread's nice value is raised by `steps` (at most to 19); other threads keep theirs.
// Does nothing where the system refuses (never an error: it is a hint).
void lower_this_thread_priority(int steps = kBackgroundNiceSteps);

// ensures: the calling thread's nice value (0 when it cannot be read).
int this_thread_nice();

}  // namespace psyface::util

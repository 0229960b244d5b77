// Child processes for the batch runner: each session is analysed by `psyface analyze` in its own
// process, so a crash, abort or out-of-memory kill of one video cannot take the batch down.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace psyface::study {

struct ChildExit {
  int exit_code = 0;  // the process's exit status, or 128 + signal
  int signal = 0;     // > 0 when killed by a signal
};

// Starts `exe args...` with stdout and stderr appended to `log`. The child is killed (SIGKILL) when this
// process dies, so a killed batch leaves no orphan analysing a video.
// throws: Error(Output) when the log cannot be opened or fork fails.
pid_t spawn_child(const std::filesystem::path& exe, const std::vector<std::string>& args,
                  const std::filesystem::path& log);

// Non-blocking: the exit of `pid` when it has ended, nothing otherwise.
std::optional<ChildExit> poll_child(pid_t pid);

// Blocking wait (after kill, for example).
ChildExit wait_child(pid_t pid);

// True when a process with this id exists on this machine.
bool process_alive(long pid);

// This machine's host name.
std::string host_name();

}  // namespace psyface::study

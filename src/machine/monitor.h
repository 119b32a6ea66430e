// The monitor loop: runs the vCPU and routes each exit to the buses; the
// watcher (machine/watcher.h) looks for the script's texts. It knows no device
// by name.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "machine/machine.h"
#include "machine/watcher.h"

namespace pxos {

// What the host front end reports when the monitor polls it.
struct HostPoll {
  bool input_open = true;  // more host input can still come
  bool quit = false;       // the user asked to quit
  int wake_fd = -1;        // readable when host input waits to be polled (-1: none now)
};

struct RunOptions {
  double timeout_seconds = 0;  // 0: no limit
  std::vector<ScriptStep> script;
  std::string until_text;  // after the script: stop with success once this is visible
  // Called often (every few ms, and while the guest waits): moves host
  // input into the machine and draws the screen.
  std::function<HostPoll(Machine&)> poll_host;
};

struct RunOutcome {
  enum Kind { GuestExit, UntilText, Timeout, Shutdown, Halted, PowerOff, EngineError, Quit } kind;
  int guest_status = 0;  // for GuestExit
  std::string message;
};

RunOutcome run_machine(Machine& m, const RunOptions& opts);

}  // namespace pxos

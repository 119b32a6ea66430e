// The monitor loop: runs the vCPU and routes each exit to the buses. It
// knows no device by name.
#pragma once

#include <functional>
#include <string>

#include "machine/machine.h"

namespace pxos {

struct RunOptions {
  double timeout_seconds = 0;  // 0: no limit
  std::string until_text;      // stop with success once this is on the screen or debug console
  // Called often (every few ms and while the guest waits): moves host
  // input into the machine. Returns false once no more input can come.
  std::function<bool(Machine&)> poll_input;
};

struct RunOutcome {
  enum Kind { GuestExit, UntilText, Timeout, Shutdown, Halted, EngineError } kind;
  int guest_status = 0;  // for GuestExit
  std::string message;
};

RunOutcome run_machine(Machine& m, const RunOptions& opts);

// The text screen as one string, rows joined by '\n'.
std::string screen_text(Machine& m);

}  // namespace pxos

// The monitor loop: runs the vCPU and routes each exit to the buses; the
// watcher (machine/watcher.h) looks for the script's texts. It knows no device
// by name.
#pragma once

#include <functional>
#include <optional>
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

struct RunOutcome {
  enum Kind { GuestExit, UntilText, Timeout, Shutdown, Halted, PowerOff, EngineError, Quit } kind;
  int guest_status = 0;  // for GuestExit
  std::string message;
};

// A debugger attached to the run (machine/gdb_server.h). The monitor hands it
// the CPU at the start, at every Debug exit, and whenever it asks for a stop
// (looked at with the host input: at each kick and while the guest halts).
class DebugAgent {
 public:
  virtual ~DebugAgent() = default;
  // Before the first instruction: may hold the CPU until the debugger resumes it.
  virtual std::optional<RunOutcome> start() = 0;
  // The guest is stopped (why: a Debug exit, or nullptr when the agent asked for
  // the stop): serves the debugger until it resumes the guest. An outcome ends
  // the run (the debugger killed it).
  virtual std::optional<RunOutcome> stopped(const DebugExit* why) = 0;
  // Without blocking: whether the debugger wants the guest stopped now.
  virtual bool wants_stop() = 0;
  // Readable when wants_stop() may have turned true (-1: none).
  virtual int wake_fd() const = 0;
};

struct RunOptions {
  double timeout_seconds = 0;  // 0: no limit
  std::vector<ScriptStep> script;
  std::string until_text;  // after the script: stop with success once this is visible
  // Called often (every few ms, and while the guest waits): moves host
  // input into the machine and draws the screen.
  std::function<HostPoll(Machine&)> poll_host;
  DebugAgent* debugger = nullptr;  // --gdb
};

RunOutcome run_machine(Machine& m, const RunOptions& opts);

}  // namespace pxos

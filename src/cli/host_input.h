// Host keyboard input for a running guest: bytes from stdin, less the
// escape key's commands (frontend/console_escape.h), decoded as a terminal
// sends them, become key presses on the guest keyboard.
#pragma once

#include <cstdint>
#include <span>
#include <utility>

#include "frontend/console_escape.h"
#include "frontend/keys.h"
#include "machine/machine.h"
#include "machine/monitor.h"

namespace pxos::cli {

// Reads what stdin has ready, without blocking: the byte count, 0 when
// nothing is waiting, -1 at the end of input (or an error).
long read_ready_stdin(std::span<uint8_t> buf);

class HostInput {
 public:
  // Keys waiting in the machine beyond which stdin is left unread.
  static constexpr size_t kMaxBacklog = 256;

  // Moves bytes waiting on stdin into the machine. input_open turns false
  // at end of file; quit turns true on Ctrl-A x.
  HostPoll poll(Machine& m);
  // Whether Ctrl-A h was typed since the last call.
  bool take_help() { return std::exchange(help_, false); }

 private:
  ConsoleEscape escape_;
  TerminalDecoder decoder_;
  bool open_ = true;
  bool help_ = false;
};

}  // namespace pxos::cli

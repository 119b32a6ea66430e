// Host keyboard input for a running guest: bytes from stdin, decoded as a
// terminal sends them, become key presses on the guest keyboard.
#pragma once

#include "frontend/keys.h"
#include "machine/machine.h"
#include "machine/monitor.h"

namespace pxos::cli {

class HostInput {
 public:
  // Moves bytes waiting on stdin into the machine. input_open turns false
  // at end of file; quit turns true on Ctrl-].
  HostPoll poll(Machine& m);

 private:
  TerminalDecoder decoder_;
  bool open_ = true;
};

}  // namespace pxos::cli

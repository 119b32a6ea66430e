// Host keyboard input for a running guest: bytes from stdin become keys.
// When stdin and stdout are a terminal it is put in non-canonical, no-echo
// mode for the run and restored on every way out (exit, signal).
#pragma once

#include "machine/machine.h"

namespace pxos::cli {

class HostInput {
 public:
  HostInput();
  ~HostInput();
  HostInput(const HostInput&) = delete;
  HostInput& operator=(const HostInput&) = delete;

  // Moves bytes waiting on stdin into the BIOS key queue. Returns false
  // once stdin is closed.
  bool poll(Machine& m);

 private:
  bool open_ = true;
};

}  // namespace pxos::cli

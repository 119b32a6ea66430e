// --serial stdio as an interactive console: the host terminal in raw mode
// (restored on exit and on fatal signals; the escape key Ctrl-A is
// frontend/console_escape.h). Keys typed by --send-keys become the bytes a
// terminal sends for them (serial_bytes).
#pragma once

#include <cstdint>
#include <vector>

#include "frontend/keys.h"

namespace pxos {

// Raw input on stdin while alive, when stdin is a terminal (else nothing):
// no echo, no line editing, no signals from Ctrl-C (it goes to the guest).
// Output processing is kept. Restored by the destructor, at exit and on
// fatal signals.
class RawStdin {
 public:
  RawStdin();
  ~RawStdin();
  RawStdin(const RawStdin&) = delete;
  RawStdin& operator=(const RawStdin&) = delete;
  bool active() const;
  static void restore();  // safe in a signal handler, and twice
};

// The bytes a terminal sends for a key: its character (with Ctrl: the
// control code), or a VT100 sequence for arrows and the like; empty for a
// key with no serial form.
std::vector<uint8_t> serial_bytes(const HostKey& k);

}  // namespace pxos

// --serial stdio as an interactive console: the host terminal in raw mode
// (restored on exit and on fatal signals), and the escape key Ctrl-A as in
// QEMU: Ctrl-A x quits, Ctrl-A Ctrl-A (or Ctrl-A a) sends one Ctrl-A to the
// guest, any other key after Ctrl-A is dropped. Keys typed by --send-keys
// become the bytes a terminal sends for them (serial_bytes).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "frontend/keys.h"

namespace pxos {

inline constexpr uint8_t kSerialEscape = 0x01;  // Ctrl-A

// Splits host bytes into the guest's bytes and the escape commands.
class SerialEscape {
 public:
  // Appends to `out` the bytes meant for the guest.
  void feed(std::span<const uint8_t> in, std::vector<uint8_t>& out);
  bool quit() const { return quit_; }

 private:
  bool escape_ = false;
  bool quit_ = false;
};

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

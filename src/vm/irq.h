// Interrupt request lines. A device holds an IrqLine and raises or lowers
// it; the interrupt controller (devices/pic.cpp) behind it decides what the
// CPU sees. Devices never talk to the CPU directly.
#pragma once

#include <functional>

namespace pxos {

// Where IRQ n goes. set(level) models the wire: true = asserted.
// The 8259A in edge mode latches a request on a low-to-high transition.
struct IrqLine {
  std::function<void(int irq, bool level)> sink;
  int irq = -1;
  // What the controller holds for this line: kRequested (a request the CPU
  // has not taken yet: an edge now would be lost), kMasked. Empty: nothing known.
  static constexpr uint8_t kRequested = 1, kMasked = 2;
  std::function<uint8_t(int irq)> state = {};

  void set(bool level) const {
    if (sink && irq >= 0) sink(irq, level);
  }
  void pulse() const {
    set(true);
    set(false);
  }
  uint8_t query() const { return state && irq >= 0 ? state(irq) : 0; }
};

}  // namespace pxos

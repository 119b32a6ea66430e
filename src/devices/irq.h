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

  void set(bool level) const {
    if (sink && irq >= 0) sink(irq, level);
  }
  void pulse() const {
    set(true);
    set(false);
  }
};

}  // namespace pxos

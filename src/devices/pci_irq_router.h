// The PCI interrupt router (PIIX-style): four PCI interrupt lines PIRQA-D,
// each the wired-OR of the INTx pins that vm/pci_regs.h's pirq_of wires to
// it, and a route register per line (the ISA bridge's 60h-63h: bit 7
// disables the route, bits 3:0 name the ISA IRQ). Every IRQ the router
// drives is the OR of the PIRQs routed to it, driven as a level: the BIOS
// sets those IRQs level-triggered in the PIC's ELCR.
//
// Routes to IRQ 0, 1, 2, 8 and 13 (the timer, the keyboard, the cascade,
// the RTC, the FPU) are reserved on the PIIX and drive nothing here, so that
// a guest cannot fight those devices for their lines.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "vm/irq.h"
#include "vm/pci_regs.h"

namespace pxos {

class PciIrqRouter {
 public:
  static constexpr int kIrqs = 16;
  // IRQs a route may name (PIIX3: 3-7, 9-12, 14, 15).
  static constexpr uint16_t kRoutableIrqs = 0xDEF8;

  // `lines(n)` is ISA IRQ n's line at the interrupt controller.
  explicit PciIrqRouter(std::function<IrqLine(int irq)> lines);

  // PIRQ `pirq` (0-3) is asserted by at least one function, or by none.
  void set_pirq(int pirq, bool level);
  // A write of route register `pirq` (0-3).
  void set_route(int pirq, uint8_t value);
  uint8_t route(int pirq) const { return route_[size_t(pirq & 3)]; }
  // The IRQ PIRQ `pirq` reaches now; -1: none.
  int irq_of(int pirq) const;
  bool pirq_level(int pirq) const { return pirq_level_[size_t(pirq & 3)]; }
  // Whether the router drives IRQ `irq` high now.
  bool irq_level(int irq) const { return irq >= 0 && irq < kIrqs && driven_[size_t(irq)]; }

 private:
  void update();

  std::array<IrqLine, kIrqs> lines_;
  std::array<bool, pci::kPirqCount> pirq_level_{};
  std::array<uint8_t, pci::kPirqCount> route_{};
  std::array<bool, kIrqs> driven_{};
};

}  // namespace pxos

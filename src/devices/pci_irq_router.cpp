#include "devices/pci_irq_router.h"

namespace pxos {

PciIrqRouter::PciIrqRouter(std::function<IrqLine(int irq)> lines) {
  route_.fill(pci::kPirqRouteDisabled);
  for (int irq = 0; irq < kIrqs; ++irq)
    if (kRoutableIrqs >> irq & 1) lines_[size_t(irq)] = lines(irq);
}

void PciIrqRouter::set_pirq(int pirq, bool level) {
  if (pirq < 0 || pirq >= pci::kPirqCount || pirq_level_[size_t(pirq)] == level) return;
  pirq_level_[size_t(pirq)] = level;
  update();
}

void PciIrqRouter::set_route(int pirq, uint8_t value) {
  if (pirq < 0 || pirq >= pci::kPirqCount) return;
  route_[size_t(pirq)] = value;
  update();
}

int PciIrqRouter::irq_of(int pirq) const {
  uint8_t r = route(pirq);
  int irq = r & pci::kPirqRouteIrqMask;
  if (r & pci::kPirqRouteDisabled || !(kRoutableIrqs >> irq & 1)) return -1;
  return irq;
}

void PciIrqRouter::update() {
  std::array<bool, kIrqs> want{};
  for (int p = 0; p < pci::kPirqCount; ++p)
    if (int irq = irq_of(p); irq >= 0 && pirq_level_[size_t(p)]) want[size_t(irq)] = true;
  for (size_t irq = 0; irq < want.size(); ++irq) {
    if (want[irq] == driven_[irq]) continue;
    driven_[irq] = want[irq];
    lines_[irq].set(want[irq]);
  }
}

}  // namespace pxos

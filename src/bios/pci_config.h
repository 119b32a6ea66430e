// The BIOS's PCI configuration cycles: mechanism #1 through the machine's
// ports (CF8h/CFCh), as a guest makes them (vm/pci_regs.h). Shared by POST's
// enumeration (bios/pci_post.h) and the PCI BIOS calls (bios/pci_bios.h).
// Each access puts back the address register the guest had selected.
#pragma once

#include <cstdint>

#include "bios/context.h"
#include "vm/pci_regs.h"

namespace pxos {

// Bus, and device << 3 | function, as the PCI BIOS calls name a function.
struct PciLocation {
  uint8_t bus = 0, devfn = 0;
  uint8_t device() const { return devfn >> 3; }
  uint8_t function() const { return devfn & 7; }
};

// Reads `size` bytes (1, 2, 4) at `reg`; all ones without a bus or function.
uint32_t pci_config_read(BiosContext& bios, PciLocation at, uint8_t reg, int size);
void pci_config_write(BiosContext& bios, PciLocation at, uint8_t reg, int size, uint32_t value);
// Sets the IRQs of mask `irqs` level-triggered in the ELCR (4D0h/4D1h),
// as PCI's shared lines are.
void set_level_triggered(BiosContext& bios, uint16_t irqs);
// Whether a mechanism #1 host bridge answers: its address register keeps
// what is written to it.
bool pci_present(BiosContext& bios);
// Calls `visit` for every function on bus 0, in device and function order
// (functions 1-7 only where function 0 says it has siblings); stops early
// when it returns true.
template <class Visit>
void pci_for_each_function(BiosContext& bios, Visit visit) {
  for (uint8_t device = 0; device < pci::kDevices; ++device) {
    for (uint8_t function = 0; function < pci::kFunctions; ++function) {
      PciLocation at{0, uint8_t(device << 3 | function)};
      if (pci_config_read(bios, at, pci::kVendorId, 2) == 0xFFFF) {
        if (function == 0) break;
        continue;
      }
      if (visit(at)) return;
      if (function == 0 && !(pci_config_read(bios, at, pci::kHeaderType, 1) & pci::kHeaderMultiFunction)) break;
    }
  }
}

}  // namespace pxos

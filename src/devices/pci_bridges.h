// The two functions every PC's PCI bus has: the host bridge (device 0, an
// Intel 440FX-like 8086:1237, class 0600h) and the PCI-to-ISA bridge (device
// 1, a PIIX3-like 8086:7000, class 0601h) whose registers 60h-63h route
// PIRQA-D to ISA IRQs (devices/pci_irq_router.h).
//
// Register map beyond the header: the host bridge has none (no shadow RAM
// or SMRAM control: the ROM is always read-only). The ISA bridge:
//   60h-63h  PIRQ route control A-D: bit 7 disables, bits 3:0 the IRQ (80h at reset)
//   82h      deterministic latency control (stored: Linux sets its passive release bit)
// Both have no BARs, fixed command registers and no interrupt pin; the ISA
// bridge is a single function (no IDE or USB beside it).
#pragma once

#include "devices/pci_bus.h"
#include "devices/pci_device.h"

namespace pxos {

class PciHostBridge {
 public:
  static constexpr int kDevice = 0;
  static constexpr uint16_t kVendor = 0x8086, kDeviceId = 0x1237;
  static constexpr uint8_t kRevision = 0x02;
  explicit PciHostBridge(PciBus& bus);
  PciFunction& function() { return fn_; }

 private:
  PciFunction fn_;
};

class PciIsaBridge {
 public:
  static constexpr int kDevice = 1;
  static constexpr uint16_t kVendor = 0x8086, kDeviceId = 0x7000;
  static constexpr uint8_t kDeterministicLatency = 0x82;
  explicit PciIsaBridge(PciBus& bus);
  PciFunction& function() { return fn_; }

 private:
  PciFunction fn_;
};

}  // namespace pxos

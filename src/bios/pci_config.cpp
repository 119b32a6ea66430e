#include "bios/pci_config.h"

#include "vm/pci_regs.h"

namespace pxos {

namespace {
constexpr uint16_t kElcrMaster = 0x4D0, kElcrSlave = 0x4D1;

// Selects the register, runs `cycle`, puts the guest's selection back.
template <class Cycle>
auto with_address(BiosContext& bios, PciLocation at, uint8_t reg, Cycle cycle) {
  uint32_t saved = bios.ports->read(pci::kAddressPort, 4);
  bios.ports->write(pci::kAddressPort, 4, pci::config_address(at.bus, at.device(), at.function(), reg));
  auto result = cycle(uint16_t(pci::kDataPort + (reg & 3)));
  bios.ports->write(pci::kAddressPort, 4, saved);
  return result;
}
}  // namespace

uint32_t pci_config_read(BiosContext& bios, PciLocation at, uint8_t reg, int size) {
  if (!bios.ports) return 0xFFFFFFFF >> (32 - 8 * size);
  return with_address(bios, at, reg, [&](uint16_t port) { return bios.ports->read(port, uint8_t(size)); });
}

void pci_config_write(BiosContext& bios, PciLocation at, uint8_t reg, int size, uint32_t value) {
  if (!bios.ports) return;
  with_address(bios, at, reg, [&](uint16_t port) {
    bios.ports->write(port, uint8_t(size), value);
    return 0;
  });
}

void set_level_triggered(BiosContext& bios, uint16_t irqs) {
  if (!bios.ports) return;
  bios.ports->write(kElcrMaster, 1, bios.ports->read(kElcrMaster, 1) | (irqs & 0xFF));
  bios.ports->write(kElcrSlave, 1, bios.ports->read(kElcrSlave, 1) | irqs >> 8);
}

bool pci_present(BiosContext& bios) {
  if (!bios.ports) return false;
  uint32_t saved = bios.ports->read(pci::kAddressPort, 4);
  bios.ports->write(pci::kAddressPort, 4, pci::kAddressEnable);
  bool present = bios.ports->read(pci::kAddressPort, 4) == pci::kAddressEnable;
  bios.ports->write(pci::kAddressPort, 4, saved);
  return present;
}

}  // namespace pxos

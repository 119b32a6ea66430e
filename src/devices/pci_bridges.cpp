#include "devices/pci_bridges.h"

namespace pxos {

using namespace pci;

namespace {
// A fixed command register: memory and bus master on the host bridge, I/O,
// memory and bus master on the ISA bridge (as the chips come out of reset).
constexpr uint16_t kHostCommand = kCommandMemory | kCommandBusMaster;
constexpr uint16_t kIsaCommand = kCommandIo | kCommandMemory | kCommandBusMaster;
constexpr uint16_t kStatusDevselMedium = 0x0200;
}  // namespace

PciHostBridge::PciHostBridge(PciBus& bus)
    : fn_("i440fx-host",
          {.vendor = kVendor, .device = kDeviceId, .class_code = 0x06, .subclass = 0x00, .revision = kRevision}) {
  fn_.init_register(kCommand, 2, kHostCommand, 0);
  fn_.init_register(kStatus, 2, kStatusDevselMedium, 0, kStatusWriteOneToClear);
  fn_.init_register(kInterruptLine, 1, 0, 0);
  bus.add(kDevice, 0, fn_);
}

PciIsaBridge::PciIsaBridge(PciBus& bus)
    : fn_("piix3-isa", {.vendor = kVendor, .device = kDeviceId, .class_code = 0x06, .subclass = 0x01}) {
  fn_.init_register(kCommand, 2, kIsaCommand, 0);
  fn_.init_register(kStatus, 2, kStatusDevselMedium, 0, kStatusWriteOneToClear);
  fn_.init_register(kInterruptLine, 1, 0, 0);
  for (int p = 0; p < kPirqCount; ++p)
    fn_.init_register(uint8_t(kPirqRouteBase + p), 1, kPirqRouteDisabled, kPirqRouteDisabled | kPirqRouteIrqMask);
  fn_.init_register(kDeterministicLatency, 1, 0, 0x0F);
  PciIrqRouter& router = bus.router();
  fn_.on_config_write = [this, &router](uint8_t reg, int size) {
    for (int p = 0; p < kPirqCount; ++p) {
      uint8_t at = uint8_t(kPirqRouteBase + p);
      if (reg <= at && at < reg + size) router.set_route(p, fn_.config()[at]);
    }
  };
  bus.add(kDevice, 0, fn_);
}

}  // namespace pxos

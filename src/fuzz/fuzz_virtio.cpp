// libFuzzer target: a hostile virtio driver against the modern PCI
// transport and virtio-blk (an in-memory disk), with guest memory the input
// fills. Each step is an opcode byte and its operands:
//   op & 7 == 0  guest memory: address u32 (mod RAM), length u8, the bytes
//             1  a BAR write: offset u16 (mod 16 KiB), bits 5-6 the size
//                (1, 2, 4, 8), value u32 u32
//             2  a BAR read: offset u16, size as above
//             3  a configuration write through the bus: register u8, size, u32
//                (reaches the PCI configuration access window and the BAR)
//             4  a driver's bring-up: features u32 u32, queue size u16, desc,
//                driver and device area as u16 * 16, then DRIVER_OK
//             5  a descriptor at index u8 of queue 0's table: addr u32,
//                len u32, flags u8, next u8
//             6  head u8 made available on queue 0, then a notification
//             7  the available index u16 of queue 0, then a notification
// After each step: INTx is up exactly while the ISR has a bit, FEATURES_OK
// only with VIRTIO_F_VERSION_1 and offered features, and the device's
// counters add up. AddressSanitizer watches the host memory.
#include <cstdint>
#include <cstdlib>

#include "block/disk_image.h"
#include "devices/pci_bus.h"
#include "devices/virtio/virtio_blk.h"
#include "devices/virtio/virtio_pci.h"
#include "devices/virtio/virtio_regs.h"
#include "fuzz/fuzz_common.h"
#include "vm/bus.h"
#include "vm/memory.h"
#include "vm/pci_regs.h"

using namespace pxos;
using namespace pxos::virtio;

namespace {

constexpr int kDev = 3;
constexpr uint32_t kBarBase = 0xF0000000;

GuestMemory& memory() {
  static GuestMemory mem(GuestMemory::kMinRam);
  return mem;
}

void check(bool ok) {
  if (!ok) std::abort();
}

int size_of(uint8_t op) { return 1 << ((op >> 5) & 3); }

struct Driver {
  VirtioPci& dev;
  GuestMemory& mem;
  uint64_t desc = 0, driver = 0;
  uint16_t size = 0, avail = 0;
  void bring_up(fuzz::Input& in) {
    dev.bar_write(kDeviceStatus, 1, 0);
    dev.bar_write(kDeviceStatus, 1, kStatusAcknowledge | kStatusDriver);
    for (uint32_t half = 0; half < 2; ++half) {
      dev.bar_write(kDriverFeatureSelect, 4, half);
      dev.bar_write(kDriverFeature, 4, in.u32());
    }
    dev.bar_write(kDeviceStatus, 1, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
    size = in.u16();
    desc = uint64_t{in.u16()} * 16;
    driver = uint64_t{in.u16()} * 16;
    uint64_t device = uint64_t{in.u16()} * 16;
    dev.bar_write(kQueueSelect, 2, 0);
    dev.bar_write(kQueueSize, 2, size);
    dev.bar_write(kQueueDesc, 8, desc);
    dev.bar_write(kQueueDriver, 8, driver);
    dev.bar_write(kQueueDevice, 8, device);
    dev.bar_write(kQueueEnable, 2, 1);
    dev.bar_write(kDeviceStatus, 1, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
    avail = 0;
  }
  void descriptor(fuzz::Input& in) {
    uint64_t at = desc + 16 * uint64_t{in.u8()};
    mem.write32(at, in.u32());
    mem.write32(at + 4, 0);
    mem.write32(at + 8, in.u32());
    mem.write16(at + 12, in.u8());
    mem.write16(at + 14, in.u8());
  }
  void offer(uint16_t head) {
    if (size) mem.write16(driver + 4 + 2 * uint64_t(avail % size), head);
    set_avail(uint16_t(avail + 1));
  }
  void set_avail(uint16_t idx) {
    avail = idx;
    mem.write16(driver + 2, idx);
    dev.bar_write(VirtioPci::kNotifyOffset, 2, 0);
  }
};

void check_state(VirtioPci& dev) {
  check(dev.function().intx() == (dev.isr() != 0));
  if (dev.status() & kStatusFeaturesOk) {
    check(dev.driver_features() & bit(kFeatureVersion1));
    check((dev.driver_features() & ~dev.offered_features()) == 0);
  }
  check(dev.stats().notifications_dropped <= dev.stats().notifications);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  GuestMemory& mem = memory();
  mem.zero_ram();
  MmioBus mmio;
  PciBus bus{mmio, [](int irq) { return IrqLine{[](int, bool) {}, irq}; }};
  DiskImage disk = DiskImage::from_bytes(std::vector<uint8_t>(64 * 512, 0x5A), DiskImage::Kind::HardDisk);
  VirtioBlk blk{"vda", disk, "fuzz"};
  VirtioPci dev{"virtio-blk", mem, blk};
  dev.join(bus, kDev);
  bus.write(kDev, 0, pci::bar_register(VirtioPci::kBar), 4, kBarBase);
  bus.write(kDev, 0, pci::kCommand, 2, pci::kCommandMemory | pci::kCommandBusMaster);
  Driver drv{dev, mem};

  unsigned steps = 0;
  while (!in.empty() && steps++ < 2048) {
    uint8_t op = in.u8();
    switch (op & 7) {
      case 0: {
        uint64_t at = in.u32() % mem.ram_size();
        std::span<const uint8_t> bytes = in.bytes(in.u8());
        mem.write(at, bytes);  // dropped where it would leave RAM
        break;
      }
      case 1: {
        uint32_t off = in.u16() % VirtioPci::kBarSize;
        uint64_t v = in.u32() | uint64_t{in.u32()} << 32;
        uint8_t b[8];
        for (int i = 0; i < 8; ++i) b[i] = uint8_t(v >> (8 * i));
        (void)mmio.access(kBarBase + off, {b, size_t(size_of(op))}, true);
        break;
      }
      case 2: {
        uint8_t b[8];
        (void)mmio.access(kBarBase + in.u16() % VirtioPci::kBarSize, {b, size_t(size_of(op))}, false);
        break;
      }
      case 3: {
        uint8_t reg = in.u8();
        bus.write(kDev, 0, reg, std::min(4, size_of(op)), in.u32());
        (void)bus.read(kDev, 0, reg, std::min(4, size_of(op)));
        break;
      }
      case 4: drv.bring_up(in); break;
      case 5: drv.descriptor(in); break;
      case 6: drv.offer(in.u8()); break;
      case 7: drv.set_avail(in.u16()); break;
    }
    check_state(dev);
  }
  return 0;
}

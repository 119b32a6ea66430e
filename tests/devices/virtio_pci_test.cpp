// The virtio PCI transport (devices/virtio/virtio_pci.h) with a virtio-blk
// behind it, on PCI bus 0 as a guest sees it: configuration space and the
// capability list, the status state machine and feature negotiation, queue
// setup, notifications, INTx and the ISR, and DEVICE_NEEDS_RESET.
#include "devices/virtio/virtio_pci.h"

#include <gtest/gtest.h>

#include <array>
#include <sstream>

#include "block/disk_image.h"
#include "devices/pci_bus.h"
#include "devices/virtio/virtio_blk.h"
#include "devices/virtio/virtio_regs.h"
#include "virtio_rig.h"
#include "vm/bus.h"
#include "vm/pci_regs.h"

namespace pxos {
namespace {

using namespace virtio;
constexpr int kDev = 3;
constexpr uint32_t kBarBase = 0xF0000000;

struct VirtioPciTest : ::testing::Test {
  GuestMemory mem{GuestMemory::kMinRam};
  MmioBus mmio;
  PortBus ports;
  PciBus bus{mmio, [](int n) { return IrqLine{[](int, bool) {}, n}; }};
  DiskImage disk = DiskImage::from_bytes(std::vector<uint8_t>(64 * 512, 0xAB), DiskImage::Kind::HardDisk);
  VirtioBlk blk{"blk", disk, "pxos-vda"};
  VirtioPci dev{"virtio-blk", mem, blk};
  test::DriverRing ring{mem, 8};

  VirtioPciTest() {
    bus.attach(ports);
    dev.join(bus, kDev);
    bus.write(kDev, 0, pci::bar_register(0), 4, kBarBase);
    bus.write(kDev, 0, pci::kCommand, 2, pci::kCommandMemory | pci::kCommandBusMaster);
  }
  uint32_t cfg(uint8_t reg, int size) { return bus.read(kDev, 0, reg, size); }
  // Through the MMIO bus, where the BAR decodes.
  uint64_t rd(uint32_t off, int size) {
    uint8_t b[8] = {};
    EXPECT_TRUE(mmio.access(kBarBase + off, {b, size_t(size)}, false));
    uint64_t v = 0;
    for (int i = 0; i < size; ++i) v |= uint64_t{b[i]} << (8 * i);
    return v;
  }
  void wr(uint32_t off, int size, uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < size; ++i) b[i] = uint8_t(v >> (8 * i));
    EXPECT_TRUE(mmio.access(kBarBase + off, {b, size_t(size)}, true));
  }
  void status(uint8_t s) { wr(kDeviceStatus, 1, s); }
  uint8_t status() { return uint8_t(rd(kDeviceStatus, 1)); }
  void accept(uint64_t features) {
    wr(kDriverFeatureSelect, 4, 0);
    wr(kDriverFeature, 4, uint32_t(features));
    wr(kDriverFeatureSelect, 4, 1);
    wr(kDriverFeature, 4, uint32_t(features >> 32));
  }
  uint64_t offered() {
    wr(kDeviceFeatureSelect, 4, 0);
    uint64_t lo = rd(kDeviceFeature, 4);
    wr(kDeviceFeatureSelect, 4, 1);
    return lo | rd(kDeviceFeature, 4) << 32;
  }
  // Queue 0 at the rig's ring, with `size` entries.
  void setup_queue(uint16_t size) {
    wr(kQueueSelect, 2, 0);
    wr(kQueueSize, 2, size);
    wr(kQueueDesc, 4, uint32_t(ring.kDesc));  // 64-bit addresses as two dwords, as Linux writes them
    wr(kQueueDesc + 4, 4, 0);
    wr(kQueueDriver, 8, ring.kAvail);
    wr(kQueueDevice, 8, ring.kUsed);
    wr(kQueueEnable, 2, 1);
  }
  void bring_up() {
    status(kStatusAcknowledge);
    status(kStatusAcknowledge | kStatusDriver);
    accept(bit(kFeatureVersion1) | bit(VirtioBlk::kFeatureFlush));
    status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
    ASSERT_EQ(status() & kStatusFeaturesOk, kStatusFeaturesOk);
    setup_queue(8);
    status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
  }
};

TEST_F(VirtioPciTest, Identity) {
  EXPECT_EQ(cfg(pci::kVendorId, 2), kPciVendor);
  EXPECT_EQ(cfg(pci::kDeviceId, 2), 0x1042u);
  EXPECT_EQ(cfg(pci::kRevision, 1), 1u);
  EXPECT_EQ(cfg(pci::kSubsystemVendorId, 2), 0x1AF4u);
  EXPECT_EQ(cfg(pci::kSubsystemId, 2), 0x1100u);
  EXPECT_EQ(cfg(pci::kClassCode, 1), 0x01u);
  EXPECT_EQ(cfg(pci::kInterruptPin, 1), 1u);
  EXPECT_TRUE(cfg(pci::kStatus, 2) & pci::kStatusCapabilities);
  // BAR 0: 16 KiB of 32-bit memory.
  bus.write(kDev, 0, pci::bar_register(0), 4, 0xFFFFFFFF);
  EXPECT_EQ(cfg(pci::bar_register(0), 4), ~uint32_t{VirtioPci::kBarSize - 1});
}

TEST_F(VirtioPciTest, CapabilityList) {
  struct Want {
    uint8_t type;
    uint32_t offset, length;
  };
  const Want want[] = {{kCapCommon, 0x0000, kCommonConfigSize},
                       {kCapNotify, 0x3000, 0x1000},
                       {kCapIsr, 0x1000, 1},
                       {kCapDevice, 0x2000, 0x1000},
                       {kCapPciCfg, 0, 0}};
  uint8_t at = uint8_t(cfg(pci::kCapabilities, 1));
  for (const Want& w : want) {
    ASSERT_GE(at, 0x40);
    EXPECT_EQ(cfg(at, 1), kCapVendor);
    EXPECT_EQ(cfg(at + 3, 1), w.type);
    EXPECT_EQ(cfg(at + kCapBar, 1), 0u);
    EXPECT_EQ(cfg(at + kCapOffset, 4), w.offset);
    EXPECT_EQ(cfg(at + kCapLengthField, 4), w.length);
    EXPECT_EQ(cfg(at + 2, 1), w.type == kCapNotify || w.type == kCapPciCfg ? 20u : 16u);
    if (w.type == kCapNotify) {
      EXPECT_EQ(cfg(at + kCapNotifyMultiplier, 4), VirtioPci::kNotifyMultiplier);
    }
    at = uint8_t(cfg(at + 1, 1));
  }
  EXPECT_EQ(at, 0);  // the end of the list
  // No MSI-X capability: its registers read NO_VECTOR and keep it.
  wr(kConfigMsixVector, 2, 1);
  EXPECT_EQ(rd(kConfigMsixVector, 2), kNoVector);
  EXPECT_EQ(rd(kQueueMsixVector, 2), kNoVector);
}

TEST_F(VirtioPciTest, PciConfigurationWindowReachesTheBar) {
  uint8_t c = VirtioPci::kCapPciCfgAt;
  bus.write(kDev, 0, c + kCapBar, 1, 0);
  bus.write(kDev, 0, c + kCapOffset, 4, kNumQueues);
  bus.write(kDev, 0, c + kCapLengthField, 4, 2);
  EXPECT_EQ(cfg(c + kCapPciCfgData, 2), 1u);
  bus.write(kDev, 0, c + kCapOffset, 4, kDeviceStatus);
  bus.write(kDev, 0, c + kCapLengthField, 4, 1);
  bus.write(kDev, 0, c + kCapPciCfgData, 1, kStatusAcknowledge);
  EXPECT_EQ(dev.status(), kStatusAcknowledge);
  bus.write(kDev, 0, c + kCapBar, 1, 2);  // another BAR: nothing there
  bus.write(kDev, 0, c + kCapPciCfgData, 1, 0);
  EXPECT_EQ(dev.status(), kStatusAcknowledge);
}

TEST_F(VirtioPciTest, Features) {
  uint64_t f = offered();
  EXPECT_TRUE(f & bit(kFeatureVersion1));
  EXPECT_TRUE(f & bit(kFeatureIndirectDesc));
  EXPECT_TRUE(f & bit(kFeatureEventIdx));
  for (int b :
       {VirtioBlk::kFeatureFlush, VirtioBlk::kFeatureSegMax, VirtioBlk::kFeatureBlkSize, VirtioBlk::kFeatureDiscard})
    EXPECT_TRUE(f & bit(b)) << b;
  wr(kDeviceFeatureSelect, 4, 7);
  EXPECT_EQ(rd(kDeviceFeature, 4), 0u);
  EXPECT_EQ(rd(kNumQueues, 2), 1u);
}

TEST_F(VirtioPciTest, FeaturesOkNeedsVersion1) {
  status(kStatusAcknowledge | kStatusDriver);
  accept(bit(VirtioBlk::kFeatureFlush));  // a legacy driver's choice
  status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  EXPECT_EQ(status(), kStatusAcknowledge | kStatusDriver);  // not kept
  EXPECT_EQ(dev.stats().features_refused, 1u);
}

TEST_F(VirtioPciTest, FeaturesOkRefusesWhatWasNotOffered) {
  status(kStatusAcknowledge | kStatusDriver);
  accept(bit(kFeatureVersion1) | bit(23));
  status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  EXPECT_FALSE(status() & kStatusFeaturesOk);
  accept(bit(kFeatureVersion1));
  status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  EXPECT_TRUE(status() & kStatusFeaturesOk);
  accept(bit(kFeatureVersion1) | bit(kFeatureEventIdx));  // too late: FEATURES_OK is set
  EXPECT_EQ(dev.driver_features(), bit(kFeatureVersion1));
}

TEST_F(VirtioPciTest, DriverOkWithoutFeaturesOkNeedsReset) {
  status(kStatusAcknowledge | kStatusDriver | kStatusDriverOk);
  EXPECT_TRUE(status() & kStatusNeedsReset);
  EXPECT_EQ(dev.isr(), kIsrConfig);  // DRIVER_OK was set: a configuration interrupt
  EXPECT_TRUE(dev.function().intx());
  status(0);
  EXPECT_EQ(status(), 0);
  EXPECT_FALSE(dev.function().intx());
}

TEST_F(VirtioPciTest, TheDriverCannotSetNeedsReset) {
  status(kStatusAcknowledge | kStatusNeedsReset);
  EXPECT_EQ(status(), kStatusAcknowledge);
}

TEST_F(VirtioPciTest, QueueSetupAndReset) {
  bring_up();
  EXPECT_EQ(status(), kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
  EXPECT_TRUE(dev.queue_enabled(0));
  EXPECT_EQ(rd(kQueueDesc, 8), ring.kDesc);
  EXPECT_EQ(rd(kQueueEnable, 2), 1u);
  // An enabled queue's registers are frozen.
  wr(kQueueDesc, 8, 0x40000);
  EXPECT_EQ(rd(kQueueDesc, 8), ring.kDesc);
  // A queue that does not exist reads size 0.
  wr(kQueueSelect, 2, 9);
  EXPECT_EQ(rd(kQueueSize, 2), 0u);
  wr(kQueueEnable, 2, 1);  // and enabling it does nothing
  status(0);
  EXPECT_EQ(status(), 0);
  EXPECT_FALSE(dev.queue_enabled(0));
  EXPECT_EQ(dev.driver_features(), 0u);
  wr(kQueueSelect, 2, 0);
  EXPECT_EQ(rd(kQueueSize, 2), VirtioBlk::kQueueSize);  // the maximum again
  EXPECT_EQ(rd(kQueueDesc, 8), 0u);
}

TEST_F(VirtioPciTest, QueueSizeNotAPowerOfTwoNeedsReset) {
  status(kStatusAcknowledge | kStatusDriver);
  accept(bit(kFeatureVersion1));
  status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  setup_queue(6);
  EXPECT_FALSE(dev.queue_enabled(0));
  EXPECT_TRUE(status() & kStatusNeedsReset);
  EXPECT_EQ(dev.isr(), 0);  // no DRIVER_OK yet: no interrupt
  EXPECT_NE(dev.last_error().find("power of two"), std::string::npos);
}

TEST_F(VirtioPciTest, QueueAboveTheMaximumNeedsReset) {
  status(kStatusAcknowledge | kStatusDriver);
  accept(bit(kFeatureVersion1));
  status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  setup_queue(512);
  EXPECT_FALSE(dev.queue_enabled(0));
  EXPECT_TRUE(status() & kStatusNeedsReset);
}

TEST_F(VirtioPciTest, NotificationsOfQueuesNeverSetUpAreDropped) {
  wr(VirtioPci::kNotifyOffset, 2, 0);  // before anything
  status(kStatusAcknowledge | kStatusDriver);
  accept(bit(kFeatureVersion1));
  status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
  wr(VirtioPci::kNotifyOffset, 2, 0);        // queue 0, never enabled
  wr(VirtioPci::kNotifyOffset + 40, 2, 10);  // queue 10, no such queue
  wr(VirtioPci::kNotifyOffset + 0xFFE, 2, 0xFFFF);
  EXPECT_EQ(dev.stats().notifications, 4u);
  EXPECT_EQ(dev.stats().notifications_dropped, 4u);
  EXPECT_FALSE(status() & kStatusNeedsReset);
}

TEST_F(VirtioPciTest, RequestRaisesIntxAndTheIsrReadClearsIt) {
  bring_up();
  // GET_ID: header, 20 bytes, status.
  mem.write32(0x20000, VirtioBlk::kTypeGetId);
  ring.desc(0, 0x20000, 16, kDescNext, 1);
  ring.desc(1, 0x20100, 20, kDescNext | kDescWrite, 2);
  ring.desc(2, 0x20200, 1, kDescWrite);
  mem.write8(0x20200, 0xFF);
  ring.offer(0);
  EXPECT_FALSE(dev.function().intx());
  wr(VirtioPci::kNotifyOffset, 2, 0);
  EXPECT_EQ(ring.used_idx(), 1);
  EXPECT_EQ(ring.used(0), std::make_pair(0u, 21u));
  EXPECT_EQ(mem.read8(0x20200), VirtioBlk::kStatusOk);
  EXPECT_EQ(mem.read32(0x20100), 0x736F7870u);  // "pxos"
  EXPECT_TRUE(dev.function().intx());
  EXPECT_TRUE(cfg(pci::kStatus, 2) & pci::kStatusInterrupt);
  EXPECT_EQ(rd(VirtioPci::kIsrOffset, 1), kIsrQueue);
  EXPECT_FALSE(dev.function().intx());
  EXPECT_EQ(rd(VirtioPci::kIsrOffset, 1), 0u);
}

TEST_F(VirtioPciTest, ABrokenChainNeedsResetAndStopsTheDevice) {
  bring_up();
  ring.desc(0, 0x20000, 16, kDescNext, 0);  // loops
  ring.offer(0);
  wr(VirtioPci::kNotifyOffset, 2, 0);
  EXPECT_TRUE(status() & kStatusNeedsReset);
  EXPECT_EQ(rd(VirtioPci::kIsrOffset, 1), kIsrConfig);
  EXPECT_NE(dev.last_error().find("loops"), std::string::npos);
  uint64_t dropped = dev.stats().notifications_dropped;
  wr(VirtioPci::kNotifyOffset, 2, 0);
  EXPECT_EQ(dev.stats().notifications_dropped, dropped + 1);
  // A reset and a fresh start cure it.
  status(0);
  test::DriverRing zeroed_rings{mem, 8};
  ring.avail_idx = 0;
  bring_up();
  EXPECT_FALSE(status() & kStatusNeedsReset);
}

TEST_F(VirtioPciTest, DeviceConfigurationIsTheBlockDevices) {
  EXPECT_EQ(rd(VirtioPci::kDeviceOffset, 8), 64u);  // capacity in sectors
  EXPECT_EQ(rd(VirtioPci::kDeviceOffset + 0x0C, 4), VirtioBlk::kSegMax);
  EXPECT_EQ(rd(VirtioPci::kDeviceOffset + 0x14, 4), 512u);
  EXPECT_EQ(rd(VirtioPci::kDeviceOffset + 0x100, 4), 0u);  // past its end
  wr(VirtioPci::kDeviceOffset, 8, 1);                      // read-only
  EXPECT_EQ(rd(VirtioPci::kDeviceOffset, 8), 64u);
}

TEST_F(VirtioPciTest, OddAccessesAreHarmless) {
  for (uint32_t off : {0x0u, 0x13u, 0x37u, 0xFFFu, 0x1001u, 0x3FFFu})
    for (int size : {1, 2, 4, 8}) {
      rd(off, std::min(size, int(0x4000 - off)));
      wr(off, std::min(size, int(0x4000 - off)), 0);
    }
  EXPECT_EQ(status(), 0);
  std::ostringstream os;
  dev.print_stats(os);
  EXPECT_NE(os.str().find("virtio-blk"), std::string::npos);
}

}  // namespace
}  // namespace pxos

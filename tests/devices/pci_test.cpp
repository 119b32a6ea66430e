// PCI bus 0 through configuration mechanism #1, as a guest drives it: the
// address register, sub-dword data accesses, absent functions, BAR sizing
// and mapping, the command register, INTx routing through the ISA bridge.
#include <gtest/gtest.h>

#include <array>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "devices/pci_bridges.h"
#include "devices/pci_bus.h"
#include "vm/bus.h"
#include "vm/pci_regs.h"

namespace pxos {
namespace {

using namespace pci;

struct PciTest : ::testing::Test {
  PortBus ports;
  MmioBus mmio;
  std::array<bool, 16> irq{};
  std::array<int, 16> irq_edges{};
  PciBus bus{mmio, [this](int n) {
               return IrqLine{[this](int i, bool level) {
                                if (level && !irq[size_t(i)]) ++irq_edges[size_t(i)];
                                irq[size_t(i)] = level;
                              },
                              n};
             }};
  PciHostBridge host{bus};
  PciIsaBridge isa{bus};

  PciTest() { bus.attach(ports); }

  void select(int device, int function, uint8_t reg, int bus_number = 0) {
    ports.write(kAddressPort, 4, config_address(uint8_t(bus_number), uint8_t(device), uint8_t(function), reg));
  }
  uint32_t cfg_read(int device, int function, uint8_t reg, int size) {
    select(device, function, reg);
    return ports.read(uint16_t(kDataPort + (reg & 3)), uint8_t(size));
  }
  void cfg_write(int device, int function, uint8_t reg, int size, uint32_t value) {
    select(device, function, reg);
    ports.write(uint16_t(kDataPort + (reg & 3)), uint8_t(size), value);
  }
};

// A test device with an I/O BAR, a memory BAR and INTA#.
struct TestDevice {
  PciFunction fn{"test", {.vendor = 0x1234, .device = 0x5678, .class_code = 0xFF, .revision = 7}};
  std::vector<uint64_t> io_offsets, mem_offsets;
  std::vector<std::pair<int, std::optional<uint32_t>>> bar_changes;
  TestDevice() {
    fn.set_bar(0, {.kind = PciBar::Kind::Io, .size = 32, .access = [this](uint64_t off, std::span<uint8_t> d, bool w) {
                     io_offsets.push_back(off);
                     if (!w) std::fill(d.begin(), d.end(), 0x5A);
                   }});
    fn.set_bar(2, {.kind = PciBar::Kind::Memory,
                   .size = 0x1000,
                   .prefetchable = true,
                   .access = [this](uint64_t off, std::span<uint8_t> d, bool w) {
                     mem_offsets.push_back(off);
                     if (!w) std::fill(d.begin(), d.end(), 0xA5);
                   }});
    fn.set_interrupt_pin(1);
    fn.on_bar_change = [this](int bar, std::optional<uint32_t> base) { bar_changes.push_back({bar, base}); };
  }
};

TEST_F(PciTest, AddressRegisterTakesDwordsOnly) {
  ports.write(kAddressPort, 4, 0xFFFFFFFF);
  EXPECT_EQ(ports.read(kAddressPort, 4), 0x80FFFFFCu);  // reserved bits 30:24 and 1:0 read 0
  ports.write(kAddressPort, 4, kAddressEnable);
  EXPECT_EQ(ports.read(kAddressPort, 4), kAddressEnable);
  ports.write(kAddressPort, 1, 0x12);  // a byte at CF8h is not the address register
  ports.write(kAddressPort, 2, 0x3456);
  EXPECT_EQ(ports.read(kAddressPort, 4), kAddressEnable);
  EXPECT_EQ(ports.read(kAddressPort, 1), 0xFFu);
  EXPECT_EQ(ports.read(kAddressPort + 1, 1), 0xFFu);  // CF9h is not this bus's
}

TEST_F(PciTest, BridgesIdentifyThemselves) {
  EXPECT_EQ(cfg_read(0, 0, kVendorId, 4), 0x12378086u);
  EXPECT_EQ(cfg_read(0, 0, kRevision, 4) >> 8, 0x060000u);
  EXPECT_EQ(cfg_read(0, 0, kHeaderType, 1), 0x00u);
  EXPECT_EQ(cfg_read(1, 0, kVendorId, 4), 0x70008086u);
  EXPECT_EQ(cfg_read(1, 0, kRevision, 4) >> 8, 0x060100u);
  EXPECT_EQ(cfg_read(1, 0, kHeaderType, 1), 0x00u);  // a single function
  EXPECT_EQ(cfg_read(1, 0, kInterruptPin, 1), 0x00u);
  for (int i = 0; i < kBarCount; ++i) EXPECT_EQ(cfg_read(1, 0, bar_register(i), 4), 0u);
  // IDs and class are read-only.
  cfg_write(0, 0, kVendorId, 4, 0);
  cfg_write(1, 0, kRevision, 4, 0);
  EXPECT_EQ(cfg_read(0, 0, kVendorId, 4), 0x12378086u);
  EXPECT_EQ(cfg_read(1, 0, kRevision, 4) >> 8, 0x060100u);
}

TEST_F(PciTest, DisabledCyclesAbsentFunctionsAndOtherBusesReadAllOnes) {
  ports.write(kAddressPort, 4, config_address(0, 0, 0, 0) & ~kAddressEnable);
  EXPECT_EQ(ports.read(kDataPort, 4), 0xFFFFFFFFu);
  ports.write(kDataPort, 4, 0);  // dropped
  EXPECT_EQ(cfg_read(0, 0, kVendorId, 4), 0x12378086u);
  EXPECT_EQ(cfg_read(2, 0, kVendorId, 4), 0xFFFFFFFFu);
  EXPECT_EQ(cfg_read(31, 7, kVendorId, 4), 0xFFFFFFFFu);
  EXPECT_EQ(cfg_read(0, 1, kVendorId, 4), 0xFFFFFFFFu);
  select(0, 0, kVendorId, 1);
  EXPECT_EQ(ports.read(kDataPort, 4), 0xFFFFFFFFu);
  EXPECT_EQ(ports.read(kDataPort + 2, 2), 0xFFFFu);
  cfg_write(5, 0, kCommand, 2, 0xFFFF);
  EXPECT_GE(bus.stats().absent_reads, 5u);
  EXPECT_GE(bus.stats().absent_writes, 2u);
}

TEST_F(PciTest, SubDwordAccessesAtEveryOffset) {
  select(0, 0, kVendorId);
  EXPECT_EQ(ports.read(kDataPort + 0, 1), 0x86u);
  EXPECT_EQ(ports.read(kDataPort + 1, 1), 0x80u);
  EXPECT_EQ(ports.read(kDataPort + 2, 1), 0x37u);
  EXPECT_EQ(ports.read(kDataPort + 3, 1), 0x12u);
  EXPECT_EQ(ports.read(kDataPort + 1, 2), 0x3780u);  // unaligned word
  EXPECT_EQ(ports.read(kDataPort + 2, 2), 0x1237u);
  EXPECT_EQ(ports.read(kDataPort + 3, 2), 0xFF12u);      // the byte past CFFh is no one's
  EXPECT_EQ(ports.read(kDataPort + 2, 4), 0xFFFF1237u);  // nor are these two
  EXPECT_EQ(ports.read(kDataPort + 1, 4), 0xFF123780u);
  // Writes of each width land on their own bytes (the ISA bridge's PIRQ
  // routes, 60h-63h).
  select(1, 0, kPirqRouteBase);
  EXPECT_EQ(ports.read(kDataPort, 4), 0x80808080u);
  ports.write(kDataPort + 2, 1, 0x0B);
  ports.write(kDataPort + 1, 2, 0x0A8A);  // 61h = 8Ah, 62h = 0Ah (overwriting the 0Bh)
  EXPECT_EQ(ports.read(kDataPort, 4), 0x800A8A80u);
  ports.write(kDataPort + 3, 4, 0x0000000B);  // 63h only: the rest falls off the end
  EXPECT_EQ(ports.read(kDataPort, 4), 0x0B0A8A80u);
  EXPECT_EQ(isa.function().config()[0x63], 0x0Bu);
  EXPECT_EQ(bus.router().route(3), 0x0Bu);
  EXPECT_EQ(bus.router().route(1), 0x8Au);
}

TEST_F(PciTest, BarsSizeThroughTheirMasks) {
  TestDevice dev;
  bus.add(3, 0, dev.fn);
  EXPECT_EQ(cfg_read(3, 0, kVendorId, 4), 0x56781234u);
  EXPECT_EQ(cfg_read(3, 0, bar_register(0), 4), kBarIo);
  EXPECT_EQ(cfg_read(3, 0, bar_register(2), 4), kBarPrefetchable);
  for (int i = 0; i < kBarCount; ++i) cfg_write(3, 0, bar_register(i), 4, 0xFFFFFFFF);
  EXPECT_EQ(cfg_read(3, 0, bar_register(0), 4), 0x0000FFE1u);  // 32 ports, 16-bit decode
  EXPECT_EQ(cfg_read(3, 0, bar_register(1), 4), 0u);           // no BAR
  EXPECT_EQ(cfg_read(3, 0, bar_register(2), 4), 0xFFFFF008u);  // 4 KiB, 32-bit, prefetchable
  EXPECT_EQ(cfg_read(3, 0, kRomAddress, 4), 0u);               // no expansion ROM
  cfg_write(3, 0, kRomAddress, 4, 0xFFFFFFFF);
  EXPECT_EQ(cfg_read(3, 0, kRomAddress, 4), 0u);
  // A word write to the upper half moves only those bits.
  cfg_write(3, 0, bar_register(2), 4, 0);
  cfg_write(3, 0, uint8_t(bar_register(2) + 2), 2, 0xE123);
  EXPECT_EQ(cfg_read(3, 0, bar_register(2), 4), 0xE1230008u);
  EXPECT_EQ(dev.fn.bar_address(2), 0xE1230000u);
}

TEST_F(PciTest, BadBarsAndSlotsAreRefused) {
  PciFunction fn{"x", {.vendor = 1, .device = 2}};
  EXPECT_THROW(fn.set_bar(6, {.kind = PciBar::Kind::Io, .size = 16}), std::invalid_argument);
  EXPECT_THROW(fn.set_bar(0, {.kind = PciBar::Kind::Io, .size = 24}), std::invalid_argument);
  EXPECT_THROW(fn.set_bar(0, {.kind = PciBar::Kind::Io, .size = 512}), std::invalid_argument);
  EXPECT_THROW(fn.set_bar(0, {.kind = PciBar::Kind::Memory, .size = 8}), std::invalid_argument);
  EXPECT_THROW(fn.set_interrupt_pin(5), std::invalid_argument);
  EXPECT_THROW((PciFunction{"absent", {.vendor = 0xFFFF}}), std::invalid_argument);
  EXPECT_THROW(bus.add(1, 0, fn), std::logic_error);  // the ISA bridge's
  EXPECT_THROW(bus.add(32, 0, fn), std::logic_error);
  EXPECT_THROW(bus.add(4, 8, fn), std::logic_error);
}

TEST_F(PciTest, CommandRegisterMapsAndUnmapsBars) {
  TestDevice dev;
  bus.add(3, 0, dev.fn);
  cfg_write(3, 0, bar_register(0), 4, 0xC000);
  cfg_write(3, 0, bar_register(2), 4, 0xF0000000);
  EXPECT_EQ(ports.read(0xC004, 1), 0xFFu);  // decoding off
  EXPECT_TRUE(dev.io_offsets.empty());
  cfg_write(3, 0, kCommand, 2, kCommandIo);
  EXPECT_EQ(ports.read(0xC004, 1), 0x5Au);
  EXPECT_EQ(ports.read(0xC020, 1), 0xFFu);  // past its 32 ports
  uint8_t d[4];
  EXPECT_FALSE(mmio.access(0xF0000010, d, false));  // memory still off
  cfg_write(3, 0, kCommand, 1, kCommandIo | kCommandMemory);
  EXPECT_TRUE(mmio.access(0xF0000010, d, false));
  EXPECT_EQ(d[0], 0xA5);
  EXPECT_EQ(dev.io_offsets, (std::vector<uint64_t>{4}));
  EXPECT_EQ(dev.mem_offsets, (std::vector<uint64_t>{0x10}));
  EXPECT_EQ(dev.fn.mapped_at(0), std::optional<uint32_t>(0xC000));
  // Moving the BAR moves the ports.
  cfg_write(3, 0, bar_register(0), 4, 0xD020);
  EXPECT_EQ(ports.read(0xC004, 1), 0xFFu);
  EXPECT_EQ(ports.read(0xD03F, 1), 0x5Au);
  // Memory off: the MMIO range goes, the ports stay.
  cfg_write(3, 0, kCommand, 2, kCommandIo);
  EXPECT_FALSE(mmio.access(0xF0000010, d, false));
  EXPECT_EQ(ports.read(0xD020, 1), 0x5Au);
  cfg_write(3, 0, kCommand, 2, 0);
  EXPECT_EQ(ports.read(0xD020, 1), 0xFFu);
  using Change = std::pair<int, std::optional<uint32_t>>;
  EXPECT_EQ(dev.bar_changes,
            (std::vector<Change>{
                {0, 0xC000}, {2, 0xF0000000}, {0, std::nullopt}, {0, 0xD020}, {2, std::nullopt}, {0, std::nullopt}}));
  EXPECT_EQ(dev.fn.stats().bar_maps, 3u);
}

TEST_F(PciTest, BarsOverOtherRangesWaitUntilTheyAreFree) {
  ports.add("pic", 0x20, 2, [](uint64_t, std::span<uint8_t> d, bool w) {
    if (!w) std::fill(d.begin(), d.end(), 0x11);
  });
  TestDevice a, b;
  bus.add(3, 0, a.fn);
  bus.add(4, 0, b.fn);
  cfg_write(3, 0, bar_register(0), 4, 0x0020);  // over the PIC
  cfg_write(3, 0, kCommand, 2, kCommandIo);
  EXPECT_FALSE(a.fn.mapped_at(0));
  EXPECT_EQ(ports.read(0x20, 1), 0x11u);
  EXPECT_GE(a.fn.stats().bar_conflicts, 1u);
  cfg_write(3, 0, bar_register(0), 4, 0xC000);
  cfg_write(4, 0, bar_register(0), 4, 0xC000);  // over device 3
  cfg_write(4, 0, kCommand, 2, kCommandIo);
  EXPECT_EQ(a.fn.mapped_at(0), std::optional<uint32_t>(0xC000));
  EXPECT_FALSE(b.fn.mapped_at(0));
  cfg_write(3, 0, bar_register(0), 4, 0xC040);  // device 3 moves away: device 4 takes C000h
  EXPECT_EQ(a.fn.mapped_at(0), std::optional<uint32_t>(0xC040));
  EXPECT_EQ(b.fn.mapped_at(0), std::optional<uint32_t>(0xC000));
  // Sizing with decoding on puts the BAR at the top of the I/O space, where
  // it still fits (FFE0h + 32 = 10000h).
  cfg_write(4, 0, bar_register(0), 4, 0xFFFFFFFF);
  EXPECT_EQ(b.fn.mapped_at(0), std::optional<uint32_t>(0xFFE0));
  EXPECT_EQ(ports.read(0xFFFF, 1), 0x5Au);
  // Memory BARs over another MMIO range.
  mmio.add("vga-window", 0xA0000, 0x20000, [](uint64_t, std::span<uint8_t>, bool) {});
  cfg_write(3, 0, bar_register(2), 4, 0xA1000);
  cfg_write(3, 0, kCommand, 2, kCommandMemory);
  EXPECT_FALSE(a.fn.mapped_at(2));
}

TEST_F(PciTest, MultiFunctionBitFollowsTheFunctionsAdded) {
  TestDevice f0, f2;
  bus.add(6, 2, f2.fn);
  EXPECT_EQ(cfg_read(6, 2, kVendorId, 4), 0xFFFFFFFFu);  // no function 0 beside it
  bus.add(6, 0, f0.fn);
  EXPECT_EQ(cfg_read(6, 0, kHeaderType, 1), kHeaderMultiFunction);
  EXPECT_EQ(cfg_read(6, 2, kVendorId, 4), 0x56781234u);
  EXPECT_EQ(cfg_read(6, 1, kVendorId, 4), 0xFFFFFFFFu);
}

TEST_F(PciTest, StatusErrorBitsClearOnOneAndCommandMasksItsBits) {
  TestDevice dev;
  bus.add(3, 0, dev.fn);
  cfg_write(3, 0, kCommand, 2, 0xFFFF);
  EXPECT_EQ(cfg_read(3, 0, kCommand, 2), 0x0547u);
  dev.fn.init_register(kStatus, 2, 0x8010, 0, kStatusWriteOneToClear);  // a parity error, capabilities
  cfg_write(3, 0, kStatus, 2, 0x0010);
  EXPECT_EQ(cfg_read(3, 0, kStatus, 2), 0x8010u);
  cfg_write(3, 0, kStatus, 2, 0xFFFF);
  EXPECT_EQ(cfg_read(3, 0, kStatus, 2), 0x0010u);
}

// Device D's pin P goes to PIRQ[(D + P - 1) mod 4]; the router ORs the
// functions on each PIRQ and drives the IRQ its route register names.
TEST_F(PciTest, IntxIsSharedLevelTriggeredThroughThePirqRoutes) {
  TestDevice d3, d7;  // INTA# of device 3 and of device 7: both PIRQD
  bus.add(3, 0, d3.fn);
  bus.add(7, 0, d7.fn);
  d3.fn.set_intx(true);
  EXPECT_TRUE(bus.router().pirq_level(3));
  EXPECT_FALSE(irq[11]);  // PIRQD not routed yet
  EXPECT_EQ(cfg_read(3, 0, kStatus, 2) & kStatusInterrupt, kStatusInterrupt);
  cfg_write(1, 0, 0x63, 1, 11);
  EXPECT_TRUE(irq[11]);
  d7.fn.set_intx(true);
  d3.fn.set_intx(false);
  EXPECT_TRUE(irq[11]);  // device 7 still holds it
  EXPECT_EQ(cfg_read(3, 0, kStatus, 2) & kStatusInterrupt, 0u);
  d7.fn.set_intx(false);
  EXPECT_FALSE(irq[11]);
  EXPECT_EQ(irq_edges[11], 1);
  // Interrupt disable masks the pin; the status bit still shows it.
  d3.fn.set_intx(true);
  EXPECT_TRUE(irq[11]);
  cfg_write(3, 0, kCommand, 2, kCommandIntxDisable);
  EXPECT_FALSE(irq[11]);
  EXPECT_EQ(cfg_read(3, 0, kStatus, 2) & kStatusInterrupt, kStatusInterrupt);
  cfg_write(3, 0, kCommand, 2, 0);
  EXPECT_TRUE(irq[11]);
  // A new route moves the level; a disabled or reserved one drives nothing.
  cfg_write(1, 0, 0x63, 1, 5);
  EXPECT_FALSE(irq[11]);
  EXPECT_TRUE(irq[5]);
  cfg_write(1, 0, 0x63, 1, 0x85);
  EXPECT_FALSE(irq[5]);
  cfg_write(1, 0, 0x63, 1, 0x00);  // IRQ 0 is the timer's
  cfg_write(1, 0, 0x63, 1, 0x08);  // IRQ 8 the RTC's
  for (bool level : irq) EXPECT_FALSE(level);
  // PIRQA and PIRQB on one IRQ: it stays up while either does.
  cfg_write(1, 0, 0x60, 2, 0x0A0A);
  TestDevice d4;  // device 4 INTA#: PIRQA
  TestDevice d5;  // device 5 INTA#: PIRQB
  bus.add(4, 0, d4.fn);
  bus.add(5, 0, d5.fn);
  d4.fn.set_intx(true);
  d5.fn.set_intx(true);
  d4.fn.set_intx(false);
  EXPECT_TRUE(irq[10]);
  d5.fn.set_intx(false);
  EXPECT_FALSE(irq[10]);
}

TEST_F(PciTest, CountersAreReported) {
  cfg_read(0, 0, kVendorId, 4);
  cfg_read(9, 0, kVendorId, 4);
  std::ostringstream os;
  bus.print_stats(os);
  EXPECT_NE(os.str().find("pci 00:00.0 i440fx-host: 1 config reads"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("pci 00:01.0 piix3-isa"), std::string::npos);
  EXPECT_NE(os.str().find("1 reads and 0 writes that found no function"), std::string::npos);
}

}  // namespace
}  // namespace pxos

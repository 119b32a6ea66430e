// The BIOS's PCI work on a bus with devices that have BARs and pins: POST's
// sizing, assignment, command bits, interrupt lines, PIRQ routes, ELCR and
// $PIR table; INT 1Ah B1xxh's answers for hostile buffers; a machine
// without a PCI bus.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "bios/bios.h"
#include "bios/pci_irq_table.h"
#include "bios/pci_post.h"
#include "devices/pci_bridges.h"
#include "devices/pci_bus.h"
#include "devices/pic.h"
#include "vm/pci_regs.h"

namespace pxos {
namespace {

using namespace pci;

// A function whose BARs answer with a tag byte.
struct Device {
  PciFunction fn;
  Device(std::string name, uint8_t pin) : fn(std::move(name), {.vendor = 0x1234, .device = 0x0001}) {
    fn.set_interrupt_pin(pin);
  }
  void bar(int i, PciBar::Kind kind, uint32_t size, uint8_t tag) {
    fn.set_bar(i, {.kind = kind, .size = size, .access = [tag](uint64_t, std::span<uint8_t> d, bool w) {
                     if (!w) std::fill(d.begin(), d.end(), tag);
                   }});
  }
};

class BiosPci : public ::testing::Test {
 protected:
  GuestMemory mem{16u << 20};
  PortBus ports;
  MmioBus mmio;
  Pic pic;
  PciBus bus{mmio, [this](int irq) { return pic.line(irq); }};
  PciHostBridge host{bus};
  PciIsaBridge isa{bus};
  Device d3{"d3", 1}, d4{"d4", 2};
  PciFunction d5{"d5", {.vendor = 0x1234, .device = 0x0005}};
  std::unique_ptr<Bios> bios;
  CpuState cpu_;

  void SetUp() override {
    pic.attach(ports);
    bus.attach(ports);
    d3.bar(0, PciBar::Kind::Io, 32, 0x30);
    d3.bar(1, PciBar::Kind::Memory, 0x10000, 0x31);
    d3.bar(2, PciBar::Kind::Memory, 0x1000, 0x32);
    d4.bar(0, PciBar::Kind::Io, 256, 0x40);
    d4.bar(1, PciBar::Kind::Memory, 0x80000000, 0x41);  // 2 GiB: no room for it
    // A 64-bit memory BAR of 16 KiB (the bus maps only 32-bit ones: the BIOS's sizing is what is tested).
    d5.init_register(bar_register(0), 4, kBarMem64, 0xFFFFC000);
    d5.init_register(bar_register(1), 4, 0x12345678, 0xFFFFFFFF);
    bus.add(3, 0, d3.fn);
    bus.add(4, 0, d4.fn);
    bus.add(5, 0, d5);
    bios = std::make_unique<Bios>(mem, BiosConfig{});
    bios->install(ports);
    CpuState cpu;
    bios->post(cpu);
  }
  uint32_t cfg(int device, uint8_t reg, int size = 4) { return bus.read(device, 0, reg, size); }
  struct Result {
    bool cf;
    uint8_t ah;
    uint32_t ecx;
  };
  Result call(uint32_t eax, uint32_t ebx = 0, uint32_t ecx = 0, uint16_t es = 0, uint16_t di = 0) {
    cpu_ = CpuState{};
    cpu_.gpr[EAX] = eax;
    cpu_.gpr[EBX] = ebx;
    cpu_.gpr[ECX] = ecx;
    cpu_.set_r16(EDI, di);
    cpu_.load_real_segment(ES, es);
    BiosCall c{cpu_, flag::FIXED1, 0x1A};
    bios->dispatch(c);
    return {c.cf(), c.ah(), c.ecx()};
  }
};

TEST_F(BiosPci, PostAssignsBarsLargestFirstAlignedToTheirSize) {
  EXPECT_EQ(cfg(3, bar_register(1)), uint32_t(kPciMemoryBase));                          // 64 KiB first
  EXPECT_EQ(cfg(5, bar_register(0)), (uint32_t(kPciMemoryBase) + 0x10000) | kBarMem64);  // then 16 KiB
  EXPECT_EQ(cfg(5, bar_register(1)), 0u);                                                // below 4 GiB
  EXPECT_EQ(cfg(3, bar_register(2)), uint32_t(kPciMemoryBase) + 0x14000);                // then 4 KiB
  EXPECT_EQ(cfg(4, bar_register(1)), 0u);                                                // 2 GiB does not fit
  EXPECT_EQ(cfg(4, bar_register(0)), kPciIoBase | kBarIo);                               // 256 ports first
  EXPECT_EQ(cfg(3, bar_register(0)), (kPciIoBase + 0x100) | kBarIo);
  EXPECT_GE(kPciMemoryBase, GuestMemory::kFramebufferBase + GuestMemory::kMaxFramebuffer);
}

TEST_F(BiosPci, PostEnablesDecodingAndBusMastering) {
  EXPECT_EQ(cfg(3, kCommand, 2), kCommandIo | kCommandMemory | kCommandBusMaster);
  EXPECT_EQ(cfg(4, kCommand, 2), kCommandIo | kCommandBusMaster);  // its memory BAR got no room
  EXPECT_EQ(cfg(5, kCommand, 2), kCommandMemory | kCommandBusMaster);
  EXPECT_EQ(ports.read(kPciIoBase + 0x11F, 1), 0x30u);
  EXPECT_EQ(ports.read(kPciIoBase + 0x80, 1), 0x40u);
  uint8_t d[4];
  ASSERT_TRUE(mmio.access(kPciMemoryBase + 0x14000, d, false));
  EXPECT_EQ(d[0], 0x32);
  ASSERT_TRUE(mmio.access(kPciMemoryBase + 0xFFFC, d, false));
  EXPECT_EQ(d[0], 0x31);
}

TEST_F(BiosPci, PostRoutesInterruptsAsTheBoardWiresThem) {
  EXPECT_EQ(cfg(1, kPirqRouteBase), 0x0B0B0A0Au);
  EXPECT_EQ(cfg(3, kInterruptLine, 1), 11u);  // device 3 INTA#: PIRQD
  EXPECT_EQ(cfg(4, kInterruptLine, 1), 10u);  // device 4 INTB#: PIRQB
  EXPECT_EQ(cfg(5, kInterruptLine, 1), 0u);   // no pin
  EXPECT_EQ(pic.elcr(1) & 0x0C, 0x0C);
  EXPECT_EQ(pic.elcr(0), 0);
  // A device's INTx reaches the PIC as a level on its line.
  d3.fn.set_intx(true);
  EXPECT_TRUE(pic.irr(1) & 0x08);
  d3.fn.set_intx(false);
  EXPECT_FALSE(pic.irr(1) & 0x08);
}

TEST_F(BiosPci, PostPublishesThePirTable) {
  std::vector<uint8_t> t = installed_pir_table(mem);
  ASSERT_EQ(t.size(), kPirHeaderSize + 5 * kPirEntrySize);  // devices 0, 1, 3, 4, 5
  EXPECT_TRUE(pir_table_valid(t));
  EXPECT_EQ(GuestMemory::kRomBase + rom::kPirTable, 0xFE400u);
  EXPECT_EQ((GuestMemory::kRomBase + rom::kPirTable) % 16, 0u);
  size_t e = kPirHeaderSize + 2 * kPirEntrySize;  // device 3
  EXPECT_EQ(t[e + 1], 3 << 3);
  EXPECT_EQ(t[e + 2], 0x63);      // INTA#: PIRQD
  EXPECT_EQ(t[e + 2 + 3], 0x60);  // INTB#: PIRQA
  EXPECT_EQ(t[e + 14], 3);        // slot number
  t[20] ^= 1;                     // a flipped byte breaks the checksum
  EXPECT_FALSE(pir_table_valid(t));
}

TEST_F(BiosPci, RoutingOptionsCheckTheCallersBuffers) {
  // A data buffer in the ROM, then a header in the ROM (the size it needs
  // cannot be written back): 81h, nothing written.
  mem.write16(0x600, 200);
  mem.write16(0x602, 0x0000);
  mem.write16(0x604, 0xF000);  // the data buffer in the ROM
  Result c = call(0xB10E, 0, 0, 0, 0x600);
  EXPECT_TRUE(c.cf);
  EXPECT_EQ(c.ah, 0x81);
  c = call(0xB10E, 0, 0, 0xF000, 0x0000);  // the header itself in the ROM
  EXPECT_TRUE(c.cf);
  EXPECT_EQ(c.ah, 0x81);
  mem.write16(0x600, 79);  // one byte short of five entries
  mem.write16(0x602, 0x0700);
  mem.write16(0x604, 0x0000);
  c = call(0xB10E, 0, 0, 0, 0x600);
  EXPECT_EQ(c.ah, 0x89);
  EXPECT_EQ(mem.read16(0x600), 80u);
  EXPECT_EQ(mem.read8(0x700), 0u);  // nothing copied
  c = call(0xB10E, 0, 0, 0, 0x600);
  EXPECT_FALSE(c.cf);
  EXPECT_EQ(mem.read8(0x701 + 2 * 16), 3u << 3);
}

TEST_F(BiosPci, ConfigurationCallsCheckRegisterNumbers) {
  EXPECT_EQ(call(0xB10A, 3 << 3, 0, 0, 0x100).ah, 0x87);
  EXPECT_EQ(call(0xB109, 3 << 3, 0, 0, 0xFF).ah, 0x87);
  EXPECT_EQ(call(0xB10C, 3 << 3, 0, 0, 0x3E).ah, 0x00);
  Result c = call(0xB10A, 3 << 3, 0, 0, 0x10);
  EXPECT_EQ(c.ecx, (kPciIoBase + 0x100) | kBarIo);
  c = call(0xB10A, 0x0100 | 3 << 3, 0, 0, 0);  // bus 1: nothing there, all ones
  EXPECT_FALSE(c.cf);
  EXPECT_EQ(c.ecx, 0xFFFFFFFFu);
  EXPECT_EQ(call(0xB10F, 3 << 3, 0x0B0A).ah, 0x00);           // INTA# of device 3 to IRQ 11
  EXPECT_EQ(call(0xB10F, 0x0100 | 3 << 3, 0x0B0A).ah, 0x88);  // bus 1
  EXPECT_EQ(call(0xB10F, 3 << 3, 0x0E0A).ah, 0x88);           // IRQ 14: not offered
}

TEST(BiosPciAbsent, WithoutABusThereIsNoPciBios) {
  GuestMemory mem{1u << 20};
  PortBus ports;
  Bios bios(mem, BiosConfig{});
  bios.install(ports);
  CpuState cpu;
  bios.post(cpu);
  EXPECT_TRUE(installed_pir_table(mem).empty());
  CpuState s;
  s.gpr[EAX] = 0xB101;
  BiosCall c{s, flag::FIXED1, 0x1A};
  bios.dispatch(c);
  EXPECT_TRUE(c.cf());
  EXPECT_EQ(c.ah(), 0x81);
}

}  // namespace
}  // namespace pxos

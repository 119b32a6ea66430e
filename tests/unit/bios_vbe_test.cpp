// INT 10h AH=4Fh (bios/vbe.h) over the DISPI device and the VGA's DAC, on
// explicit register frames: the returned blocks are parsed field by field.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bios/bios.h"
#include "bios/rom.h"
#include "bios/vbe.h"
#include "devices/vbe.h"
#include "devices/vga.h"

namespace pxos {
namespace {

constexpr uint32_t kBuf = 0x2000;  // ES:DI = 0200:0000

class VbeBios : public ::testing::Test {
 protected:
  void SetUp() override {
    BiosConfig config;
    config.video.set_mode = [this](uint8_t mode) {  // the card's standard modes: only recorded here
      standard_modes_.push_back(mode);
      return true;
    };
    bios_ = std::make_unique<Bios>(mem_, config);
    bios_->install(ports_);
    vga_.attach(ports_);
    vbe_.attach(ports_);
  }
  BiosCall call(uint16_t ax, uint16_t bx = 0, uint16_t cx = 0, uint16_t dx = 0, uint16_t es = kBuf >> 4) {
    cpu_ = CpuState{};
    cpu_.gpr[EAX] = ax;
    cpu_.gpr[EBX] = bx;
    cpu_.gpr[ECX] = cx;
    cpu_.gpr[EDX] = dx;
    cpu_.load_real_segment(ES, es);
    BiosCall c{cpu_, flag::FIXED1, 0x10};
    bios_->dispatch(c);
    return c;
  }
  uint16_t w16(uint32_t a) { return mem_.read16(a); }
  // A real-mode far pointer's target.
  uint32_t far(uint32_t a) { return (mem_.read32(a) >> 16) * 16 + (mem_.read32(a) & 0xFFFF); }
  std::string str(uint32_t a) {
    std::string s;
    for (char ch; (ch = char(mem_.read8(a))) && s.size() < 64; ++a) s += ch;
    return s;
  }

  GuestMemory mem_{8 << 20, {.framebuffer_bytes = 16u << 20}};
  PortBus ports_;
  Vga vga_{GuestClock{[] { return uint64_t{0}; }}};
  Vbe vbe_{mem_, [this](uint8_t i) { return vga_.dac(i); }};
  std::unique_ptr<Bios> bios_;
  CpuState cpu_;
  std::vector<uint8_t> standard_modes_;  // the modes the BIOS had the card set
};

TEST_F(VbeBios, ControllerInformation) {
  mem_.write32(kBuf, 0x32454256);  // 'VBE2'
  BiosCall c = call(0x4F00);
  ASSERT_EQ(c.ax(), 0x004F);
  EXPECT_EQ(str(kBuf).substr(0, 4), "VESA");
  EXPECT_EQ(w16(kBuf + 4), 0x0300);
  EXPECT_EQ(w16(kBuf + 18), 256) << "16 MiB in 64 KiB units";
  EXPECT_EQ(str(far(kBuf + 6)), "pxOS VBE (Bochs DISPI)");
  EXPECT_EQ(str(far(kBuf + 22)), "pxOS");
  EXPECT_EQ(str(far(kBuf + 26)), "pxOS DISPI display");
  EXPECT_EQ(str(far(kBuf + 30)), "1.0");
  EXPECT_GE(far(kBuf + 6), 0xF0000u) << "in the ROM";
  std::vector<uint16_t> modes;
  for (uint32_t a = far(kBuf + 14); w16(a) != 0xFFFF && modes.size() < 100; a += 2) modes.push_back(w16(a));
  EXPECT_EQ(modes.size(), vbe_modes().size());
  for (uint16_t m : {0x101, 0x103, 0x105, 0x107, 0x110, 0x11B, 0x142, 0x154, 0x164})
    EXPECT_NE(std::find(modes.begin(), modes.end(), m), modes.end()) << std::hex << m;
}

TEST_F(VbeBios, ControllerInformationOfVbe1WritesOnly256Bytes) {
  mem_.write32(kBuf + 256, 0xA5A5A5A5);
  mem_.write32(kBuf + 22, 0x12345678);
  ASSERT_EQ(call(0x4F00).ax(), 0x004F);
  EXPECT_EQ(mem_.read32(kBuf + 256), 0xA5A5A5A5u);
  EXPECT_EQ(mem_.read32(kBuf + 22), 0u) << "the VBE 2.0 fields are reserved (zero) in a 1.x block";
  // A buffer that does not lie in RAM (the ROM) fails.
  EXPECT_EQ(call(0x4F00, 0, 0, 0, 0xF000).ax(), 0x014F);
}

TEST_F(VbeBios, ModeInformation) {
  ASSERT_EQ(call(0x4F01, 0, 0x142).ax(), 0x004F);  // 1024x768x32
  EXPECT_EQ(w16(kBuf) & 0x9B, 0x9B) << "supported, colour, graphics, linear framebuffer";
  EXPECT_EQ(mem_.read8(kBuf + 2), 0x07);
  EXPECT_EQ(w16(kBuf + 4), 64);
  EXPECT_EQ(w16(kBuf + 6), 64);
  EXPECT_EQ(w16(kBuf + 8), 0xA000);
  EXPECT_EQ(w16(kBuf + 16), 4096);
  EXPECT_EQ(w16(kBuf + 18), 1024);
  EXPECT_EQ(w16(kBuf + 20), 768);
  EXPECT_EQ(mem_.read8(kBuf + 25), 32);
  EXPECT_EQ(mem_.read8(kBuf + 27), 6) << "direct colour";
  EXPECT_EQ(mem_.read8(kBuf + 31), 8);   // red size
  EXPECT_EQ(mem_.read8(kBuf + 32), 16);  // red position
  EXPECT_EQ(mem_.read8(kBuf + 36), 0);   // blue position
  EXPECT_EQ(mem_.read32(kBuf + 40), 0xE0000000u);
  EXPECT_EQ(w16(kBuf + 50), 4096);
  EXPECT_GT(mem_.read32(kBuf + 62), 0u);

  ASSERT_EQ(call(0x4F01, 0, 0x111).ax(), 0x004F);  // 640x480x16
  EXPECT_EQ(w16(kBuf + 16), 1280);
  EXPECT_EQ(mem_.read8(kBuf + 31), 5);
  EXPECT_EQ(mem_.read8(kBuf + 32), 11);
  EXPECT_EQ(mem_.read8(kBuf + 33), 6);
  ASSERT_EQ(call(0x4F01, 0, 0x105).ax(), 0x004F);  // 1024x768x8
  EXPECT_EQ(mem_.read8(kBuf + 27), 4) << "packed pixel";
  EXPECT_EQ(call(0x4F01, 0, 0x1FE).ax(), 0x014F);
}

TEST_F(VbeBios, SetModeProgramsDispiAndReportsItBack) {
  mem_.framebuffer()[5] = 9;
  ASSERT_EQ(call(0x4F02, 0x4142).ax(), 0x004F);
  EXPECT_TRUE(vbe_.lfb_enabled());
  EXPECT_EQ(vbe_.geometry().width, 1024u);
  EXPECT_EQ(vbe_.geometry().bpp, 32u);
  EXPECT_EQ(mem_.framebuffer()[5], 0) << "cleared";
  BiosCall c = call(0x4F03);
  EXPECT_EQ(c.ax(), 0x004F);
  EXPECT_EQ(c.bx(), 0x4142);
  mem_.framebuffer()[5] = 9;
  ASSERT_EQ(call(0x4F02, 0x8105).ax(), 0x004F);  // banked, memory kept
  EXPECT_FALSE(vbe_.lfb_enabled());
  EXPECT_EQ(mem_.framebuffer()[5], 9);
  EXPECT_EQ(call(0x4F03).bx(), 0x0105);
  EXPECT_EQ(call(0x4F02, 0x0199).ax(), 0x014F) << "no such mode";
  EXPECT_EQ(call(0x4F02, 0x0013).ax(), 0x014F) << "VGA graphics modes go through AH=00h";
  ASSERT_EQ(call(0x4F02, 0x0003).ax(), 0x004F);
  EXPECT_FALSE(vbe_.enabled());
  EXPECT_EQ(call(0x4F03).bx(), 0x0003);
}

// An 8 bpp mode loads mode 13h's registers and default palette (as SeaVGABIOS
// does); a direct-colour mode leaves the DAC alone.
TEST_F(VbeBios, EightBitModesLoadTheDefaultPalette) {
  ASSERT_EQ(call(0x4F02, 0x4112).ax(), 0x004F);  // 640x480x24
  EXPECT_TRUE(standard_modes_.empty());
  ASSERT_EQ(call(0x4F02, 0x4101).ax(), 0x004F);  // 640x480x8
  EXPECT_EQ(standard_modes_, std::vector<uint8_t>{0x13});
  EXPECT_TRUE(vbe_.enabled());
  EXPECT_EQ(vbe_.geometry().bpp, 8u);
}

TEST_F(VbeBios, BankScanLineAndDisplayStart) {
  ASSERT_EQ(call(0x4F02, 0x0101).ax(), 0x004F);  // 640x480x8
  EXPECT_EQ(call(0x4F05, 0x0000, 0, 3).ax(), 0x004F);
  EXPECT_EQ(call(0x4F05, 0x0100).dx(), 3);
  EXPECT_EQ(call(0x4F05, 0x0000, 0, 0x100).ax(), 0x014F) << "past video memory";
  EXPECT_EQ(call(0x4F05, 0x0001, 0, 1).ax(), 0x014F) << "no window B";
  BiosCall c = call(0x4F06, 0x0000, 1024);
  EXPECT_EQ(c.ax(), 0x004F);
  EXPECT_EQ(c.bx(), 1024);
  EXPECT_EQ(c.cx(), 1024);
  EXPECT_EQ(c.dx(), 16384);
  EXPECT_EQ(call(0x4F06, 0x0001).cx(), 1024);
  EXPECT_EQ(call(0x4F06, 0x0000, 100).ax(), 0x014F) << "narrower than the mode";
  EXPECT_EQ(call(0x4F07, 0x0000, 8, 20).ax(), 0x004F);
  BiosCall start = call(0x4F07, 0x0001);
  EXPECT_EQ(start.cx(), 8);
  EXPECT_EQ(start.dx(), 20);
  EXPECT_EQ(vbe_.geometry().start, 20u * 1024 + 8);
  EXPECT_EQ(call(0x4F07, 0x0000, 0, 16000).ax(), 0x014F) << "past video memory";
}

TEST_F(VbeBios, DacAndPalette) {
  BiosCall c = call(0x4F08, 0x0801);
  EXPECT_EQ(c.ax(), 0x004F);
  EXPECT_EQ(c.bh(), 6);
  EXPECT_EQ(call(0x4F08, 0x0800).ax(), 0x014F) << "6 bits only";
  // Entries 10 and 11: blue, green, red, 0.
  const uint8_t table[] = {1, 2, 3, 0, 60, 50, 40, 0};
  ASSERT_TRUE(mem_.write(kBuf, table));
  ASSERT_EQ(call(0x4F09, 0x0000, 2, 10).ax(), 0x004F);
  EXPECT_EQ(vga_.dac(10), (std::array<uint8_t, 3>{3, 2, 1}));
  EXPECT_EQ(vga_.dac(11), (std::array<uint8_t, 3>{40, 50, 60}));
  ASSERT_TRUE(mem_.write(kBuf, std::vector<uint8_t>(8, 0xEE)));
  ASSERT_EQ(call(0x4F09, 0x0001, 2, 10).ax(), 0x004F);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(mem_.read8(kBuf + i), table[i]) << i;
  EXPECT_EQ(call(0x4F09, 0x0000, 2, 255).ax(), 0x014F) << "past entry 255";
}

TEST_F(VbeBios, UnsupportedSubfunctionsFail) {
  EXPECT_EQ(call(0x4F04).ax(), 0x014F);
  EXPECT_EQ(call(0x4F0A).ax(), 0x014F);
  EXPECT_EQ(call(0x4F15).ax(), 0x014F);
}

TEST(VbeBiosAbsent, LeavesAxAsItCame) {
  GuestMemory mem(1 << 20);
  PortBus ports;
  Bios bios(mem, BiosConfig{});
  bios.install(ports);
  CpuState cpu;
  cpu.gpr[EAX] = 0x4F00;
  BiosCall c{cpu, flag::FIXED1, 0x10};
  bios.dispatch(c);
  EXPECT_EQ(c.ax(), 0x4F00);
  EXPECT_EQ(bios.unimplemented(), 1u);
}

}  // namespace
}  // namespace pxos

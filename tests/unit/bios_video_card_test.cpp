// INT 10h on a machine's VGA (BiosConfig::video): text and pixels land in the
// VGA's planes, not in guest RAM, and hostile registers stay inside them.
#include <gtest/gtest.h>

#include <optional>

#include "bios/bios.h"
#include "devices/text_screen.h"
#include "devices/vga.h"
#include "devices/vga_modes.h"

namespace pxos {
namespace {

class VideoCardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vga_.attach(ports_);
    BiosConfig cfg;
    cfg.font8x16.resize(256 * 16);
    for (size_t i = 0; i < cfg.font8x16.size(); ++i) cfg.font8x16[i] = uint8_t(i * 7 + 1);  // any glyphs
    font_ = cfg.font8x16;
    cfg.video.read = [this](uint32_t off) { return vga_.mem_read(off); };
    cfg.video.write = [this](uint32_t off, uint8_t v) { vga_.mem_write(off, v); };
    cfg.video.plane = [this](int i) { return vga_.plane(i); };
    cfg.video.set_mode = [this](uint8_t mode) {
      std::optional<VgaModeRegs> regs = vga_mode_registers(mode & 0x7F);
      if (!regs) return false;
      vga_program_mode(vga_, *regs);
      vga_load_palette(vga_, vga_mode_palette(mode & 0x7F));
      return true;
    };
    bios_.emplace(mem_, cfg);
    bios_->install(ports_);
    CpuState cpu;
    bios_->post(cpu);
  }
  BiosCall call(uint32_t eax, uint32_t ebx = 0, uint32_t ecx = 0, uint32_t edx = 0) {
    cpu_ = CpuState{};
    cpu_.gpr[EAX] = eax;
    cpu_.gpr[EBX] = ebx;
    cpu_.gpr[ECX] = ecx;
    cpu_.gpr[EDX] = edx;
    BiosCall c{cpu_, flag::FIXED1, 0x10};
    bios_->dispatch(c);
    return c;
  }

  GuestMemory mem_{1 << 20, MemoryLayout{.vga_window_mmio = true}};
  PortBus ports_;
  Vga vga_{GuestClock{}};
  std::optional<Bios> bios_;
  std::vector<uint8_t> font_;
  CpuState cpu_;
};

TEST_F(VideoCardTest, PostLoadsTheFontIntoPlane2) {
  auto p2 = std::as_const(vga_).plane(2);
  for (int ch : {0, int('A'), 255})
    for (int r = 0; r < 16; ++r) EXPECT_EQ(p2[size_t(ch * 32 + r)], font_[size_t(ch * 16 + r)]) << ch << " " << r;
}

TEST_F(VideoCardTest, TeletypeWritesPlanes0And1NotRam) {
  call(0x0E41);
  call(0x0E42);
  auto p0 = std::as_const(vga_).plane(0), p1 = std::as_const(vga_).plane(1);
  EXPECT_EQ(p0[0], 'A');
  EXPECT_EQ(p0[2], 'B');
  EXPECT_EQ(p1[0], 0x07);
  EXPECT_EQ(mem_.ram_base()[0xB8000], 0);  // the RAM behind the window is not the screen
  TextScreen t = capture_text_screen(mem_, &vga_);
  EXPECT_EQ(t.text().substr(0, 3), "AB ");
  EXPECT_EQ(t.cursor_col, 2);
  EXPECT_EQ(call(0x0800).ax(), 0x0720);  // AH=08h at the cursor: the blank after "AB"
}

TEST_F(VideoCardTest, Mode13hPixelsAreChainedBytes) {
  call(0x0013);
  EXPECT_EQ(call(0x0F00).al(), 0x13);
  call(0x0C2A, 0, 5, 3);  // (5, 3) colour 2Ah
  EXPECT_EQ(std::as_const(vga_).plane(1)[3 * 320 + 4], 0x2A);
  EXPECT_EQ(call(0x0D00, 0, 5, 3).al(), 0x2A);
  EXPECT_EQ(vga_.mem_read(3 * 320 + 5), 0x2A);  // as the CPU sees it at A0000h
}

TEST_F(VideoCardTest, HostileCoordinatesPagesAndCountsStayInside) {
  call(0x0012);
  call(0x0C0F, 0xFF00, 0xFFFF, 0xFFFF);  // off the screen: ignored
  EXPECT_EQ(call(0x0D00, 0xFF00, 0xFFFF, 0xFFFF).al(), 0);
  call(0x0C0F, 0xFF00, 639, 479);   // page FFh: wraps within the planes
  call(0x1012, 0x00FF, 0xFFFF, 0);  // one DAC entry exists from FFh on
  call(0x1017, 0x0100, 0x0010, 0);  // none from 100h
  call(0x0600, 0x0700, 0, 0xFFFF);  // scroll a window past the screen
  call(0x0E41, 0x000F);
  call(0x0003);
  EXPECT_EQ(call(0x0F00).al(), 0x03);
}

}  // namespace
}  // namespace pxos

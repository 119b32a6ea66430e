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
  BiosCall call(uint32_t eax, uint32_t ebx = 0, uint32_t ecx = 0, uint32_t edx = 0, uint16_t es = 0, uint32_t ebp = 0,
                uint32_t edi = 0) {
    cpu_ = CpuState{};
    cpu_.load_real_segment(ES, es);
    cpu_.gpr[EBP] = ebp;
    cpu_.gpr[EDI] = edi;
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

TEST_F(VideoCardTest, Font8x8Gives50RowsOnTheScreen) {
  call(0x1112);  // 8x8 into block 0, rows fitted
  EXPECT_EQ(vga_.crtc(Vga::kCrMaxScan) & 0x1F, 7);
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kVideoRows), 49);
  EXPECT_EQ(mem_.read16(bda::kBase + bda::kCharHeight), 8);
  call(0x0200, 0, 0, 0x3100);  // row 49
  call(0x0E5A);
  TextScreen t = capture_text_screen(mem_, &vga_);
  ASSERT_EQ(t.rows, 50);
  EXPECT_EQ(t.text().find('Z'), size_t(49 * 81));  // rows of 80 and a newline
  Frame f;
  vga_.render(f);
  EXPECT_EQ(f.height, 400);
  BiosCall info = call(0x1130, 0x0300);
  EXPECT_EQ(info.cx(), 8);
  EXPECT_EQ(info.dl(), 49);
}

TEST_F(VideoCardTest, HostileFontLoadsStayInsidePlane2) {
  const std::vector<uint8_t> before(vga_.plane(2).begin(), vga_.plane(2).end());
  call(0x1100, 0x0000, 1, 0);      // no character height: nothing
  call(0x1100, 0x2100, 1, 0);      // 33 lines a character: refused
  call(0x1100, 0x1000, 1, 0x100);  // first character past 255: nothing
  call(0x1110, 0x1000, 0, 0);      // no characters: nothing (rows fitted to 16 lines)
  EXPECT_TRUE(std::equal(before.begin(), before.end(), vga_.plane(2).begin()));
  call(0x1100, 0xFFFF, 0xFFFF, 0xFF, 0xFFFF, 0xFFFF);  // height FFh refused
  call(0x1100, 0x20FF, 0xFFFF, 0xFF, 0xFFFF, 0xFFFF);  // from the top of memory: one character, block 7
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kVideoRows), 24);
  call(0x1121, 0x00FF, 0xFFFF, 0, 0xFFFF, 0xFFFF);  // graphics font of FFFFh lines: refused
  call(0x1130, 0xFF00);                             // no such font
  call(0x0012);
  call(0x1124, 0x0000, 0, 0);  // rows from DL = 0: from the screen
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kVideoRows), 29);
}

TEST_F(VideoCardTest, GraphicsCharactersReadBackThroughTheFont) {
  call(0x0012);
  call(0x0200, 0, 0, 0x0203);
  // The test's font repeats every 16 characters: the first of equal glyphs is
  // the answer, as on a real BIOS.
  call(0x0905, 0x000E, 1);  // character 05h in yellow at (2, 3)
  EXPECT_EQ(call(0x0800).ax(), 0x0005);
  call(0x0945, 0x000E, 1);
  EXPECT_EQ(call(0x0800).ax(), 0x0005);
  call(0x0200, 0, 0, 0x0204);
  EXPECT_EQ(call(0x0800).ax(), 0x0000);  // blank: no glyph of this font is, 0
}

TEST_F(VideoCardTest, SaveAndRestoreStateAtTheTopOfMemory) {
  EXPECT_EQ(call(0x1C00, 0, 7).bx(), 14);
  call(0x1C01, 0xFFF0, 7, 0, 0xFFFF);  // FFFF:FFF0, past 1 MiB (dropped) or wrapped (A20 off)
  call(0x1C02, 0xFFF0, 7, 0, 0xFFFF);  // whatever it reads back goes into the registers, the BDA and the DAC
  call(0x1B00, 0, 0, 0, 0xFFFF, 0, 0xFFF0);
  call(0x0003);
  EXPECT_EQ(call(0x0F00).al(), 0x03);
  call(0x1C01, 0x1000, 7);  // a good buffer: restores what it saved
  call(0x1010, 0x0001, 0x3F3F, 0x3F00);
  call(0x1112);
  call(0x1C02, 0x1000, 7);
  EXPECT_EQ(vga_.crtc(Vga::kCrMaxScan) & 0x1F, 15);
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kVideoRows), 24);
  EXPECT_EQ(vga_.dac(1)[2], 0x2A);
  EXPECT_EQ(vga_.read(Vga::kAttrIndex) & Vga::kArPas, Vga::kArPas);  // the screen is on
}

}  // namespace
}  // namespace pxos

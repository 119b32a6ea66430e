// Which graphics mode the guest's display is in: from the BIOS data area's
// mode number, or from VGA registers that a guest programmed itself.
#include "devices/graphics_mode.h"

#include <gtest/gtest.h>

#include "vm/bda.h"
#include "devices/text_screen.h"

namespace pxos {
namespace {

class GraphicsModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_.write8(bda::kBase + bda::kVideoMode, 3);
    mem_.write16(bda::kBase + bda::kVideoColumns, 80);
    mem_.write8(bda::kBase + bda::kVideoRows, 24);
  }
  void crtc(uint8_t i, uint8_t v) {
    vga_.write(Vga::kCrtcIndex, i);
    vga_.write(Vga::kCrtcData, v);
  }
  void seq(uint8_t i, uint8_t v) {
    vga_.write(Vga::kSeqIndex, i);
    vga_.write(Vga::kSeqData, v);
  }
  void gc(uint8_t i, uint8_t v) {
    vga_.write(Vga::kGcIndex, i);
    vga_.write(Vga::kGcData, v);
  }
  void attr(uint8_t i, uint8_t v) {
    vga_.read(Vga::kStatus1);  // the flip-flop to "index"
    vga_.write(Vga::kAttrIndex, i);
    vga_.write(Vga::kAttrIndex, v);
    vga_.write(Vga::kAttrIndex, 0x20);  // the screen on again
  }
  // What a VGA BIOS writes for mode 13h and 12h (the registers that tell the modes apart).
  void program_13h() {
    crtc(0x11, 0x0E);  // CR0-7 writable
    seq(0x01, 0x01);
    seq(0x04, 0x0E);
    gc(0x05, 0x40);
    gc(0x06, 0x05);
    attr(0x10, 0x41);
    crtc(0x01, 0x4F);
    crtc(0x07, 0x1F);
    crtc(0x09, 0x41);
    crtc(0x12, 0x8F);
    crtc(0x17, 0xA3);
  }
  void program_12h() {
    crtc(0x11, 0x0C);
    seq(0x04, 0x06);
    gc(0x05, 0x00);
    gc(0x06, 0x05);
    attr(0x10, 0x01);
    attr(0x12, 0x0F);
    crtc(0x01, 0x4F);
    crtc(0x07, 0x3E);
    crtc(0x09, 0x40);
    crtc(0x12, 0xDF);
    crtc(0x17, 0xE3);
  }

  GuestMemory mem_{1 << 20};
  Vga vga_{GuestClock{}};
};

TEST_F(GraphicsModeTest, TextModesAreNotGraphics) {
  EXPECT_EQ(graphics_mode(mem_, &vga_), std::nullopt);
  EXPECT_EQ(graphics_mode(mem_, nullptr), std::nullopt);
  for (uint8_t m : {0, 1, 2, 7}) {
    mem_.write8(bda::kBase + bda::kVideoMode, m);
    EXPECT_EQ(graphics_mode(mem_, &vga_), std::nullopt) << int(m);
  }
}

TEST_F(GraphicsModeTest, TheBiosModeNumberNamesAGraphicsMode) {
  mem_.write8(bda::kBase + bda::kVideoMode, 0x13);
  ASSERT_TRUE(graphics_mode(mem_, &vga_));
  EXPECT_EQ(graphics_mode(mem_, &vga_)->describe(), "graphics mode 13h (320x200, 256 colours)");
  mem_.write8(bda::kBase + bda::kVideoMode, 0x12);
  EXPECT_EQ(graphics_mode(mem_, nullptr)->describe(), "graphics mode 12h (640x480, 16 colours)");
  mem_.write8(bda::kBase + bda::kVideoMode, 0x6A);  // an SVGA mode number
  EXPECT_EQ(graphics_mode(mem_, &vga_)->describe(), "video mode 6Ah");
}

TEST_F(GraphicsModeTest, RegistersProgrammedByTheGuestNameTheMode) {
  program_13h();
  ASSERT_TRUE(graphics_mode(mem_, &vga_));
  EXPECT_EQ(graphics_mode(mem_, &vga_)->describe(), "graphics mode 13h (320x200, 256 colours)");
  seq(0x04, 0x06);  // chain-4 off: "mode X"
  crtc(0x12, 0xDF);
  crtc(0x07, 0x3E);  // 480 lines, each twice: 240
  EXPECT_EQ(graphics_mode(mem_, &vga_)->describe(), "VGA graphics (320x240, 256 colours)");
}

TEST_F(GraphicsModeTest, Mode12hFromRegisters) {
  program_12h();
  EXPECT_EQ(graphics_mode(mem_, &vga_)->describe(), "graphics mode 12h (640x480, 16 colours)");
}

TEST_F(GraphicsModeTest, CaptureTellsTheFrontEnd) {
  TextScreen t = capture_text_screen(mem_, &vga_);
  EXPECT_EQ(t.mode, 3);
  EXPECT_FALSE(t.graphics);
  program_13h();
  t = capture_text_screen(mem_, &vga_);
  ASSERT_TRUE(t.graphics);
  EXPECT_EQ(t.graphics->number, 0x13);
}

}  // namespace
}  // namespace pxos

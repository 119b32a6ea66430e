// The standard mode tables: each programs through the ports, reads back,
// gives the picture size of its mode, and agrees with graphics_mode_of().
#include "devices/vga_modes.h"

#include <gtest/gtest.h>

#include "devices/graphics_mode.h"
#include "vm/bus.h"

namespace pxos {
namespace {

struct ModeCase {
  int number, width, height;
  bool graphics;
};
constexpr ModeCase kCases[] = {
    {0x00, 360, 400, false}, {0x01, 360, 400, false}, {0x02, 720, 400, false}, {0x03, 720, 400, false},
    {0x04, 320, 200, true},  {0x05, 320, 200, true},  {0x06, 640, 200, true},  {0x07, 720, 400, false},
    {0x0D, 320, 200, true},  {0x0E, 640, 200, true},  {0x0F, 640, 350, true},  {0x10, 640, 350, true},
    {0x11, 640, 480, true},  {0x12, 640, 480, true},  {0x13, 320, 200, true},  {kVgaModeX, 320, 240, true},
};

uint8_t indexed(PortBus& bus, uint16_t index_port, uint8_t index) {
  bus.write(index_port, 1, index);
  return uint8_t(bus.read(uint16_t(index_port + 1), 1));
}

TEST(VgaModes, EveryModeProgramsReadsBackAndHasItsSize) {
  for (const ModeCase& c : kCases) {
    SCOPED_TRACE(c.number);
    PortBus bus;
    Vga vga{GuestClock{}};
    vga.attach(bus);
    const std::optional<VgaModeRegs> regs = vga_mode_registers(c.number);
    ASSERT_TRUE(regs);
    vga_program_mode(vga, *regs);
    EXPECT_EQ(bus.read(Vga::kMiscRead, 1), regs->misc);
    for (uint8_t i = 0; i < Vga::kSeqCount; ++i) EXPECT_EQ(indexed(bus, Vga::kSeqIndex, i), regs->seq[i]) << int(i);
    for (uint8_t i = 0; i < Vga::kCrtcCount; ++i) EXPECT_EQ(indexed(bus, Vga::kCrtcIndex, i), regs->crtc[i]) << int(i);
    for (uint8_t i = 0; i < Vga::kGcCount; ++i) EXPECT_EQ(indexed(bus, Vga::kGcIndex, i), regs->gc[i]) << int(i);
    for (uint8_t i = 0; i < Vga::kAttrCount; ++i) EXPECT_EQ(vga.attribute(i), regs->attr[i]) << int(i);
    Frame frame;
    ASSERT_TRUE(vga.render(frame));
    EXPECT_EQ(frame.width, c.width);
    EXPECT_EQ(frame.height, c.height);
    EXPECT_EQ(graphics_mode_of(vga).has_value(), c.graphics);
    if (c.graphics && c.number != kVgaModeX) {
      // graphics_mode_of() cannot tell 05h from 04h (same registers), nor
      // 0Fh/11h (two colours from planes 0+2 / all four planes) from others.
      if (c.number != 0x05 && c.number != 0x0F && c.number != 0x11) {
        EXPECT_EQ(graphics_mode_of(vga)->number, c.number);
      }
      EXPECT_EQ(graphics_mode_of(vga)->width, c.width);
      EXPECT_EQ(graphics_mode_of(vga)->height, c.height);
    }
  }
}

TEST(VgaModes, UnknownModesAndTheNoClearBit) {
  EXPECT_FALSE(vga_mode_registers(0x08));
  EXPECT_FALSE(vga_mode_registers(0x14));
  EXPECT_FALSE(vga_mode_registers(-1));
  ASSERT_TRUE(vga_mode_registers(0x93));
  EXPECT_EQ(vga_mode_registers(0x93)->number, 0x13);
}

TEST(VgaModes, ResetStateIsMode3) {
  Vga vga{GuestClock{}};
  const VgaModeRegs m = *vga_mode_registers(3);
  for (uint8_t i = 0; i < Vga::kCrtcCount; ++i) EXPECT_EQ(vga.crtc(i), m.crtc[i]) << int(i);
  for (uint8_t i = 0; i < Vga::kAttrCount; ++i) EXPECT_EQ(vga.attribute(i), m.attr[i]) << int(i);
}

TEST(VgaModes, DefaultPalettes) {
  using A = std::array<uint8_t, 3>;
  EXPECT_EQ(vga_palette_entry(VgaPalette::kEga, 0x14), (A{0x2A, 0x15, 0x00}));  // brown through AR06
  EXPECT_EQ(vga_palette_entry(VgaPalette::kEga, 0x3F), (A{0x3F, 0x3F, 0x3F}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::kCga, 0x06), (A{0x2A, 0x15, 0x00}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::kCga, 0x13), (A{0x15, 0x3F, 0x3F}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::kMono, 0x18), (A{0x3F, 0x3F, 0x3F}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::kMono, 0x08), (A{0x2A, 0x2A, 0x2A}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 0x06), (A{0x2A, 0x15, 0x00}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 0x0C), (A{0x3F, 0x15, 0x15}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 16), (A{0, 0, 0}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 31), (A{0x3F, 0x3F, 0x3F}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 32), (A{0x00, 0x00, 0x3F}));   // the hue circle starts at blue
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 44), (A{0x3F, 0x3F, 0x00}));   // yellow
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 104), (A{0x00, 0x00, 0x1C}));  // darker circles follow
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 247), (A{0x0B, 0x0C, 0x10}));
  EXPECT_EQ(vga_palette_entry(VgaPalette::k256, 248), (A{0, 0, 0}));
  Vga vga{GuestClock{}};
  vga.write(Vga::kPelMask, 0x0F);
  vga_load_palette(vga, VgaPalette::k256);
  EXPECT_EQ(vga.dac(44), (A{0x3F, 0x3F, 0x00}));
  EXPECT_EQ(vga.pel_mask(), 0xFF);
}

}  // namespace
}  // namespace pxos

#include "devices/vga.h"

#include <gtest/gtest.h>

#include <sstream>

#include "vm/bus.h"

namespace pxos {
namespace {

struct VgaTest : ::testing::Test {
  uint64_t now = 0;
  PortBus bus;
  Vga vga{GuestClock{[this] { return now; }}};
  VgaTest() { vga.attach(bus); }
  void crtc(uint16_t base, uint8_t index, uint8_t v) {
    bus.write(base, 1, index);
    bus.write(uint16_t(base + 1), 1, v);
  }
  uint8_t crtc(uint16_t base, uint8_t index) {
    bus.write(base, 1, index);
    return uint8_t(bus.read(uint16_t(base + 1), 1));
  }
};

TEST_F(VgaTest, Mode3Defaults) {
  EXPECT_EQ(crtc(0x3D4, 0x0A), 0x0D);
  EXPECT_EQ(crtc(0x3D4, 0x0B), 0x0E);
  EXPECT_EQ(crtc(0x3D4, 0x09), 0x4F);
  EXPECT_TRUE(vga.cursor_enabled());
  EXPECT_EQ(vga.cursor_location(), 0);
  EXPECT_EQ(bus.read(0x3CC, 1), 0x67u);
  EXPECT_EQ(vga.attribute(0x06), 0x14);
  EXPECT_EQ(bus.read(0x3C2, 1), 0x10u);  // input status 0: switch sense
}

TEST_F(VgaTest, CursorAndStartAddressRegisters) {
  crtc(0x3D4, 0x0E, 0x07);
  crtc(0x3D4, 0x0F, 0xD0);  // row 25, col 0 of 80 columns = 2000
  EXPECT_EQ(vga.cursor_location(), 2000);
  EXPECT_EQ(crtc(0x3D4, 0x0E), 0x07);
  EXPECT_EQ(crtc(0x3D4, 0x0F), 0xD0);
  crtc(0x3D4, 0x0C, 0x01);
  crtc(0x3D4, 0x0D, 0x40);
  EXPECT_EQ(vga.start_address(), 0x0140);
  crtc(0x3D4, 0x0A, 0x20);  // cursor start bit 5: cursor off
  EXPECT_FALSE(vga.cursor_enabled());
  crtc(0x3D4, 0x0A, 0x06);
  crtc(0x3D4, 0x0B, 0x07);
  EXPECT_TRUE(vga.cursor_enabled());
  EXPECT_EQ(vga.cursor_start(), 6);
  EXPECT_EQ(vga.cursor_end(), 7);
  EXPECT_EQ(bus.read(0x3D4, 1), 0x0Bu);  // the index reads back
}

TEST_F(VgaTest, WordOutWritesIndexThenData) {
  bus.write(0x3D4, 2, 0x120E);  // OUT DX,AX: AL = index 0Eh, AH = 12h
  bus.write(0x3D4, 2, 0x340F);
  EXPECT_EQ(vga.cursor_location(), 0x1234);
}

TEST_F(VgaTest, MonoAliasReachesTheSameCrtc) {
  crtc(0x3B4, 0x0F, 0x55);
  EXPECT_EQ(crtc(0x3D4, 0x0F), 0x55);
  EXPECT_EQ(vga.cursor_location(), 0x0055);
}

TEST_F(VgaTest, CrtcProtectBit) {
  crtc(0x3D4, 0x01, 0x27);  // CR11 bit 7 is set in mode 3: ignored
  EXPECT_EQ(crtc(0x3D4, 0x01), 0x4F);
  crtc(0x3D4, 0x07, 0x00);  // only bit 4 goes through
  EXPECT_EQ(crtc(0x3D4, 0x07), 0x0F);
  crtc(0x3D4, 0x11, 0x0E);  // unprotect
  crtc(0x3D4, 0x01, 0x27);
  EXPECT_EQ(crtc(0x3D4, 0x01), 0x27);
  EXPECT_EQ(vga.stats().ignored, 1u);
}

TEST_F(VgaTest, RetraceTogglesWithTheFrame) {
  now = 1'000'000;  // early in the frame, first half of a line
  EXPECT_EQ(bus.read(0x3DA, 1) & 0x09, 0x00u);
  now = 480 * (Vga::kFrameNs / Vga::kLines) + 10;  // vertical blanking
  EXPECT_EQ(bus.read(0x3DA, 1) & 0x09, 0x09u);
  EXPECT_EQ(bus.read(0x3BA, 1) & 0x09, 0x09u);
  now = Vga::kFrameNs + 1'000'000;  // the next frame
  EXPECT_EQ(bus.read(0x3DA, 1) & 0x08, 0x00u);
  // Horizontal blanking shows in bit 0 only.
  now = Vga::kFrameNs + 100 * (Vga::kFrameNs / Vga::kLines) + (Vga::kFrameNs / Vga::kLines) * 9 / 10;
  EXPECT_EQ(bus.read(0x3DA, 1) & 0x09, 0x01u);
  // A polling loop sees retrace begin and end within every frame.
  int starts = 0;
  bool was = false;
  for (now = 0; now < 10 * Vga::kFrameNs; now += 50'000) {
    bool r = bus.read(0x3DA, 1) & 0x08;
    if (r && !was) ++starts;
    was = r;
  }
  EXPECT_EQ(starts, 10);
}

TEST_F(VgaTest, StatusReadResetsAttributeFlipFlop) {
  bus.read(0x3DA, 1);
  bus.write(0x3C0, 1, 0x01);  // index 1
  bus.write(0x3C0, 1, 0x3F);  // data
  EXPECT_EQ(vga.attribute(0x01), 0x3F);
  bus.write(0x3C0, 1, 0x02);  // index 2 ...
  bus.read(0x3DA, 1);         // ... reset: the next write is an index again
  bus.write(0x3C0, 1, 0x23);  // index 3 with PAS
  bus.write(0x3C0, 1, 0x11);
  EXPECT_EQ(vga.attribute(0x02), 0x02);
  EXPECT_EQ(vga.attribute(0x03), 0x11);
  EXPECT_EQ(bus.read(0x3C0, 1), 0x23u);
  EXPECT_EQ(bus.read(0x3C1, 1), 0x11u);
}

TEST_F(VgaTest, SequencerGraphicsMisc) {
  bus.write(0x3C4, 2, 0x0F02);  // map mask
  EXPECT_EQ(vga.sequencer(2), 0x0F);
  bus.write(0x3C4, 1, 0x04);
  EXPECT_EQ(bus.read(0x3C5, 1), 0x02u);
  bus.write(0x3CE, 2, 0x0506);
  EXPECT_EQ(vga.graphics(6), 0x05);
  EXPECT_EQ(bus.read(0x3CF, 1), 0x05u);
  bus.write(0x3C2, 1, 0x63);
  EXPECT_EQ(bus.read(0x3CC, 1), 0x63u);
  EXPECT_EQ(vga.misc_output(), 0x63);
}

TEST_F(VgaTest, DacWriteAndReadAutoIncrement) {
  EXPECT_EQ(vga.dac(0x14), (std::array<uint8_t, 3>{0x2A, 0x15, 0x00}));  // EGA brown
  EXPECT_EQ(vga.dac(0x3F), (std::array<uint8_t, 3>{0x3F, 0x3F, 0x3F}));
  bus.write(0x3C8, 1, 0x10);
  for (uint8_t v : {0x01, 0x02, 0x03, 0x04, 0xFF, 0x06}) bus.write(0x3C9, 1, v);
  EXPECT_EQ(vga.dac(0x10), (std::array<uint8_t, 3>{0x01, 0x02, 0x03}));
  EXPECT_EQ(vga.dac(0x11), (std::array<uint8_t, 3>{0x04, 0x3F, 0x06}));  // 6 bits
  EXPECT_EQ(bus.read(0x3C8, 1), 0x12u);
  EXPECT_EQ(bus.read(0x3C7, 1), 0x00u);  // write mode
  bus.write(0x3C7, 1, 0x11);
  EXPECT_EQ(bus.read(0x3C7, 1), 0x03u);  // read mode
  EXPECT_EQ(bus.read(0x3C9, 1), 0x04u);
  EXPECT_EQ(bus.read(0x3C9, 1), 0x3Fu);
  EXPECT_EQ(bus.read(0x3C9, 1), 0x06u);
  EXPECT_EQ(bus.read(0x3C9, 1), 0x00u);  // entry 12h
  bus.write(0x3C6, 1, 0x0F);
  EXPECT_EQ(vga.pel_mask(), 0x0F);
  EXPECT_EQ(vga.stats().dac_writes, 6u);
}

TEST_F(VgaTest, BiosSetters) {
  vga.set_cursor_location(80 * 3 + 5);
  EXPECT_EQ(crtc(0x3D4, 0x0F), 245);
  vga.set_cursor_shape(0x20, 0x00);
  EXPECT_FALSE(vga.cursor_enabled());
  std::ostringstream os;
  vga.print_stats(os);
  EXPECT_NE(os.str().find("cursor at 245 (hidden)"), std::string::npos);
}

}  // namespace
}  // namespace pxos

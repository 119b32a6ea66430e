// The VGA's video memory through the CPU window: address decoding, map
// mask, latches, write modes 0-3, read modes 0-1, chain 4 and odd/even.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>

#include "devices/vga.h"
#include "devices/vga_modes.h"
#include "vm/bus.h"

namespace pxos {
namespace {

constexpr uint32_t kB8000 = 0x18000, kB0000 = 0x10000;

struct VgaMemoryTest : ::testing::Test {
  Vga vga{GuestClock{[] { return uint64_t{0}; }}};
  void mode(int number) { vga_program_mode(vga, *vga_mode_registers(number)); }
  void seq(uint8_t index, uint8_t v) {
    vga.write(Vga::kSeqIndex, index);
    vga.write(Vga::kSeqData, v);
  }
  void gc(uint8_t index, uint8_t v) {
    vga.write(Vga::kGcIndex, index);
    vga.write(Vga::kGcData, v);
  }
  uint8_t at(int plane, uint32_t offset) { return vga.plane(plane)[offset]; }
  void fill(uint32_t offset, uint8_t p0, uint8_t p1, uint8_t p2, uint8_t p3) {
    vga.plane(0)[offset] = p0, vga.plane(1)[offset] = p1, vga.plane(2)[offset] = p2, vga.plane(3)[offset] = p3;
  }
};

TEST_F(VgaMemoryTest, MapMaskSelectsThePlanesAWriteReaches) {
  mode(0x12);
  seq(Vga::kSrMapMask, 0x05);
  vga.mem_write(0x10, 0xA5);
  EXPECT_EQ(at(0, 0x10), 0xA5);
  EXPECT_EQ(at(1, 0x10), 0x00);
  EXPECT_EQ(at(2, 0x10), 0xA5);
  EXPECT_EQ(at(3, 0x10), 0x00);
  EXPECT_EQ(vga.stats().mem_writes, 1u);
}

TEST_F(VgaMemoryTest, ReadLoadsAllLatchesAndReadMapSelectPicksOne) {
  mode(0x12);
  fill(0x100, 0x11, 0x22, 0x33, 0x44);
  for (uint8_t p = 0; p < 4; ++p) {
    gc(Vga::kGcReadMap, p);
    EXPECT_EQ(vga.mem_read(0x100), 0x11 * (p + 1));
  }
  EXPECT_EQ(vga.latches(), (std::array<uint8_t, 4>{0x11, 0x22, 0x33, 0x44}));
}

TEST_F(VgaMemoryTest, WriteMode0SetResetAndBitMask) {
  mode(0x12);
  fill(0x20, 0xFF, 0x00, 0xFF, 0x00);
  (void)vga.mem_read(0x20);          // latches: FF 00 FF 00
  gc(Vga::kGcSetReset, 0x06);        // planes 1, 2 set; 0, 3 reset
  gc(Vga::kGcEnableSetReset, 0x0E);  // plane 0 takes the CPU byte
  gc(Vga::kGcBitMask, 0xF0);         // low nibble keeps the latches
  vga.mem_write(0x20, 0x3C);
  EXPECT_EQ(at(0, 0x20), 0x3F);  // 0x3C high nibble, latch FF low
  EXPECT_EQ(at(1, 0x20), 0xF0);
  EXPECT_EQ(at(2, 0x20), 0xFF);
  EXPECT_EQ(at(3, 0x20), 0x00);
}

TEST_F(VgaMemoryTest, WriteMode0RotateAndLogicalFunctions) {
  mode(0x12);
  fill(0x30, 0xF0, 0xF0, 0xF0, 0xF0);
  const uint8_t expected[4] = {0x0F, 0x00, 0xFF, 0xFF};  // none, AND, OR, XOR of 0F with latch F0
  for (uint8_t f = 0; f < 4; ++f) {
    fill(0x30, 0xF0, 0xF0, 0xF0, 0xF0);
    (void)vga.mem_read(0x30);
    gc(Vga::kGcRotate, uint8_t(f << 3 | 4));  // rotate right by 4: F0 becomes 0F
    vga.mem_write(0x30, 0xF0);
    EXPECT_EQ(at(0, 0x30), expected[f]) << "function " << int(f);
    EXPECT_EQ(at(3, 0x30), expected[f]) << "function " << int(f);
  }
}

TEST_F(VgaMemoryTest, WriteMode1CopiesTheLatches) {
  mode(0x12);
  fill(0x40, 0x12, 0x34, 0x56, 0x78);
  gc(Vga::kGcMode, 0x01);
  (void)vga.mem_read(0x40);
  vga.mem_write(0x41, 0xEE);  // the CPU byte is ignored
  EXPECT_EQ(at(0, 0x41), 0x12);
  EXPECT_EQ(at(1, 0x41), 0x34);
  EXPECT_EQ(at(2, 0x41), 0x56);
  EXPECT_EQ(at(3, 0x41), 0x78);
}

TEST_F(VgaMemoryTest, WriteMode2SpreadsAColourUnderTheBitMask) {
  mode(0x12);
  fill(0x50, 0xFF, 0xFF, 0x00, 0x00);
  (void)vga.mem_read(0x50);
  gc(Vga::kGcMode, 0x02);
  gc(Vga::kGcBitMask, 0x81);  // pixels 0 and 7
  vga.mem_write(0x50, 0x0A);  // colour 1010b
  EXPECT_EQ(at(0, 0x50), 0x7E);
  EXPECT_EQ(at(1, 0x50), 0xFF);
  EXPECT_EQ(at(2, 0x50), 0x00);
  EXPECT_EQ(at(3, 0x50), 0x81);
}

TEST_F(VgaMemoryTest, WriteMode3MasksSetResetWithTheRotatedByte) {
  mode(0x12);
  fill(0x60, 0x00, 0x00, 0xFF, 0x00);
  (void)vga.mem_read(0x60);
  gc(Vga::kGcMode, 0x03);
  gc(Vga::kGcSetReset, 0x03);
  gc(Vga::kGcRotate, 0x01);   // rotate right by 1
  gc(Vga::kGcBitMask, 0xF0);  // ANDed with the rotated byte
  vga.mem_write(0x60, 0xE1);  // rotated: F0
  EXPECT_EQ(at(0, 0x60), 0xF0);
  EXPECT_EQ(at(1, 0x60), 0xF0);
  EXPECT_EQ(at(2, 0x60), 0x0F);  // reset under the mask, latch elsewhere
  EXPECT_EQ(at(3, 0x60), 0x00);
}

TEST_F(VgaMemoryTest, ReadMode1ComparesColoursWithDontCare) {
  mode(0x12);
  // Pixels (bits 7..0) of planes 0-3: colour 5 at bits 7 and 0, colour 13 at bit 6.
  fill(0x70, 0xC1, 0x00, 0xC1, 0x40);
  gc(Vga::kGcMode, 0x08);
  gc(Vga::kGcColourCompare, 0x05);
  gc(Vga::kGcDontCare, 0x0F);
  EXPECT_EQ(vga.mem_read(0x70), 0x81);
  gc(Vga::kGcDontCare, 0x07);  // plane 3 does not matter: colour 13 matches too
  EXPECT_EQ(vga.mem_read(0x70), 0xC1);
  gc(Vga::kGcDontCare, 0x00);
  EXPECT_EQ(vga.mem_read(0x70), 0xFF);
}

TEST_F(VgaMemoryTest, Chain4TakesThePlaneFromTheLowAddressBits) {
  mode(0x13);
  for (uint32_t a = 0; a < 8; ++a) vga.mem_write(320 * 5 + a, uint8_t(0x10 + a));
  for (uint32_t a = 0; a < 8; ++a) {
    EXPECT_EQ(at(int(a & 3), (320 * 5 + a) & ~3u), 0x10 + a);
    EXPECT_EQ(vga.mem_read(320 * 5 + a), 0x10 + a);
  }
  EXPECT_EQ(at(1, 320 * 5), 0x11);
  EXPECT_EQ(at(0, 320 * 5 + 1), 0x00);  // the bytes between stay untouched
}

TEST_F(VgaMemoryTest, OddEvenPutsCharactersAndAttributesInPlanes0And1) {
  mode(0x03);
  vga.mem_write(kB8000 + 160, 'A');
  vga.mem_write(kB8000 + 161, 0x1E);
  EXPECT_EQ(at(0, 160), 'A');
  EXPECT_EQ(at(1, 160), 0x1E);
  EXPECT_EQ(at(2, 160), 0x00);  // the font plane is not reached
  EXPECT_EQ(at(0, 161), 0x00);
  EXPECT_EQ(vga.mem_read(kB8000 + 160), 'A');
  EXPECT_EQ(vga.mem_read(kB8000 + 161), 0x1E);
  const uint64_t reads = vga.stats().mem_reads;
  fill(0, 0x11, 0x22, 0x33, 0x44);  // latches come from offset 0 ...
  (void)vga.mem_read(kB8000);
  EXPECT_EQ(vga.peek(kB8000 + 161), 0x1E);  // ... and a peek leaves them
  EXPECT_EQ(vga.peek(kB8000 + 160), 'A');
  EXPECT_EQ(vga.peek(0), 0xFF);  // outside B8000h-BFFFFh
  EXPECT_EQ(vga.latches(), (std::array<uint8_t, 4>{0x11, 0x22, 0x33, 0x44}));
  EXPECT_EQ(vga.stats().mem_reads, reads + 1);
  // Without chain odd/even (GC06 bit 1) the address is not folded.
  gc(Vga::kGcMisc, 0x0C);
  vga.mem_write(kB8000 + 163, 0x4F);
  EXPECT_EQ(at(1, 163), 0x4F);
}

TEST_F(VgaMemoryTest, MemoryMapSelectWindows) {
  struct Case {
    uint8_t gc06;
    uint32_t first, size;
  };
  const Case cases[] = {{0x01, 0, 0x20000}, {0x05, 0, 0x10000}, {0x09, kB0000, 0x8000}, {0x0D, kB8000, 0x8000}};
  for (const Case& c : cases) {
    mode(0x12);
    gc(Vga::kGcMisc, c.gc06);
    vga.plane(0)[0] = 0x5A;
    vga.plane(0)[0x7FFF] = 0x6B;
    EXPECT_EQ(vga.mem_read(c.first), 0x5A) << int(c.gc06);
    EXPECT_EQ(vga.mem_read(c.first + 0x7FFF), 0x6B) << int(c.gc06);
    if (c.first > 0) {
      EXPECT_EQ(vga.mem_read(c.first - 1), 0xFF) << int(c.gc06);
    }
    if (c.first + c.size < Vga::kWindowSize) {
      EXPECT_EQ(vga.mem_read(c.first + c.size), 0xFF) << int(c.gc06);
      vga.mem_write(c.first + c.size, 0x77);  // dropped
    }
    for (int p = 0; p < 4; ++p)
      for (uint32_t o : {0u, 0xFFFFu}) EXPECT_NE(at(p, o), 0x77) << int(c.gc06);
  }
  EXPECT_EQ(vga.mem_read(Vga::kWindowSize), 0xFF);  // past every window
  EXPECT_GT(vga.stats().outside, 0u);
}

TEST_F(VgaMemoryTest, MiscOutputBit1DisablesTheWindow) {
  mode(0x13);
  vga.mem_write(3, 0x5A);
  vga.write(Vga::kMiscWrite, 0x61);
  EXPECT_EQ(vga.mem_read(3), 0xFF);
  vga.mem_write(3, 0x77);
  vga.write(Vga::kMiscWrite, 0x63);
  EXPECT_EQ(vga.mem_read(3), 0x5A);
}

TEST_F(VgaMemoryTest, The128KWindowWrapsIntoThePlanes) {
  mode(0x12);
  gc(Vga::kGcMisc, 0x01);
  vga.mem_write(0x10005, 0x99);
  EXPECT_EQ(at(0, 0x0005), 0x99);
}

TEST_F(VgaMemoryTest, AttachMemorySplitsWideAccessesIntoBytes) {
  MmioBus mmio;
  vga.attach_memory(mmio);
  mode(0x13);
  uint8_t data[4] = {1, 2, 3, 4};
  ASSERT_TRUE(mmio.access(0xA0000 + 8, data, true));
  EXPECT_EQ(at(0, 8), 1);
  EXPECT_EQ(at(1, 8), 2);
  EXPECT_EQ(at(3, 8), 4);
  uint8_t back[2] = {};
  ASSERT_TRUE(mmio.access(0xA0000 + 9, back, false));
  EXPECT_EQ(back[0], 2);
  EXPECT_EQ(back[1], 3);
  uint8_t last[2] = {};
  vga.plane(3)[0xFFFC] = 0x42;
  gc(Vga::kGcMisc, 0x01);                          // the 128K window
  ASSERT_TRUE(mmio.access(0xBFFFE, last, false));  // 128K window wraps: 1FFFEh is plane 2, 1FFFFh plane 3 at FFFCh
  EXPECT_EQ(last[1], 0x42);
}

TEST_F(VgaMemoryTest, PlaneAccessIsBounded) {
  EXPECT_EQ(vga.plane(0).size(), Vga::kPlaneSize);
  EXPECT_EQ(vga.plane(3).size(), Vga::kPlaneSize);
  EXPECT_TRUE(vga.plane(4).empty());
  EXPECT_TRUE(vga.plane(-1).empty());
  const Vga& c = vga;
  EXPECT_TRUE(c.plane(7).empty());
}

// The BIOS's block moves leave what the CPU's byte moves would: planes and
// latches, in plain odd/even text (the fast path) and in every other
// arrangement (byte by byte), overlapping either way, across window ends.
TEST_F(VgaMemoryTest, BlockCopyAndFillMatchByteMoves) {
  std::mt19937 rng(3);
  Vga bytes{GuestClock{[] { return uint64_t{0}; }}};
  for (int round = 0; round < 200; ++round) {
    const int number = std::array{0x03, 0x03, 0x07, 0x01, 0x12, 0x13, 0x04}[rng() % 7];
    for (Vga* v : {&vga, &bytes}) vga_program_mode(*v, *vga_mode_registers(number));
    for (int p = 0; p < 4; ++p)
      for (uint32_t i = 0; i < Vga::kPlaneSize; ++i) vga.plane(p)[i] = bytes.plane(p)[i] = uint8_t(rng());
    if (rng() % 4 == 0) {  // sometimes a write mode or map mask that leaves the fast path
      const uint8_t mask = uint8_t(rng() % 16), wmode = uint8_t(rng() % 4);
      for (Vga* v : {&vga, &bytes}) {
        v->write(Vga::kSeqIndex, Vga::kSrMapMask), v->write(Vga::kSeqData, mask);
        v->write(Vga::kGcIndex, Vga::kGcMode),
            v->write(Vga::kGcData, uint8_t((v->graphics(Vga::kGcMode) & ~3) | wmode));
      }
    }
    const uint32_t base = 0x18000 - 0x100 + uint32_t(rng() % 0x200) * 2;
    const uint32_t len = uint32_t(rng() % 4000) * 2, shift = uint32_t(rng() % 400) * 2;
    const bool up = rng() % 2;
    const uint32_t dst = up ? base : base + shift, src = up ? base + shift : base;
    vga.window_copy(dst, src, len);
    for (uint32_t i = 0; i < len; ++i) {
      const uint32_t k = dst < src ? i : len - 1 - i;
      bytes.mem_write(dst + k, bytes.mem_read(src + k));
    }
    const uint16_t cell = uint16_t(rng());
    const uint32_t at = 0x18000 + uint32_t(rng() % 0x4000) * 2, count = uint32_t(rng() % 2000);
    vga.window_fill16(at, count, cell);
    for (uint32_t i = 0; i < count; ++i) {
      bytes.mem_write(at + 2 * i, uint8_t(cell));
      bytes.mem_write(at + 2 * i + 1, uint8_t(cell >> 8));
    }
    for (int p = 0; p < 4; ++p)
      ASSERT_TRUE(std::equal(vga.plane(p).begin(), vga.plane(p).end(), bytes.plane(p).begin()))
          << "round " << round << " mode " << number << " plane " << p;
    ASSERT_EQ(vga.latches(), bytes.latches()) << "round " << round;
  }
}

}  // namespace
}  // namespace pxos

// The VGA's renderer: each standard mode programmed from its register table,
// pixels written through the CPU window as a guest would, then exact colours
// and sizes; split screen, start address, panning, blink and the cursor, and
// that an unchanged screen costs nothing.
#include <gtest/gtest.h>

#include <random>

#include "devices/vga.h"
#include "devices/vga_modes.h"

namespace pxos {
namespace {

constexpr uint32_t kB8000 = 0x18000;
constexpr uint64_t kFrameNs = Vga::kFrameNs;

// 6-bit DAC components as the renderer widens them.
constexpr uint32_t rgb(uint32_t r, uint32_t g, uint32_t b) {
  auto w = [](uint32_t v) { return (v << 2) | (v >> 4); };
  return w(r) << 16 | w(g) << 8 | w(b);
}
constexpr uint32_t kBlack = 0, kWhite = 0xFFFFFF, kGrey = rgb(0x2A, 0x2A, 0x2A), kBlue = rgb(0, 0, 0x2A);
constexpr uint32_t kYellow = rgb(0x3F, 0x3F, 0x15);

struct VgaRenderTest : ::testing::Test {
  uint64_t now = 0;
  Vga vga{GuestClock{[this] { return now; }}};
  Frame frame;

  void mode(int number) {
    vga_program_mode(vga, *vga_mode_registers(number));
    vga_load_palette(vga, vga_mode_palette(number));
  }
  void crtc(uint8_t index, uint8_t v) {
    vga.write(Vga::kCrtcIndex, index);
    vga.write(Vga::kCrtcData, v);
  }
  void seq(uint8_t index, uint8_t v) {
    vga.write(Vga::kSeqIndex, index);
    vga.write(Vga::kSeqData, v);
  }
  void gc(uint8_t index, uint8_t v) {
    vga.write(Vga::kGcIndex, index);
    vga.write(Vga::kGcData, v);
  }
  void attr(uint8_t index, uint8_t v) {
    (void)vga.read(Vga::kStatus1);
    vga.write(Vga::kAttrIndex, uint8_t(index | Vga::kArPas));
    vga.write(Vga::kAttrIndex, v);
  }
  // A font in plane 2: 'A' is the left half of the cell, C4h (a line-drawing
  // character) the full width, everything else blank.
  void load_font() {
    std::span<uint8_t> font = vga.plane(2);
    for (int r = 0; r < 32; ++r) {
      font[0x41 * 32 + size_t(r)] = 0xF0;
      font[0xC4 * 32 + size_t(r)] = 0xFF;
    }
  }
  void text(int row, int col, uint8_t ch, uint8_t at) {
    vga.mem_write(kB8000 + uint32_t(row * 80 + col) * 2, ch);
    vga.mem_write(kB8000 + uint32_t(row * 80 + col) * 2 + 1, at);
  }
  void size_is(int w, int h) {
    EXPECT_EQ(frame.width, w);
    EXPECT_EQ(frame.height, h);
    EXPECT_EQ(frame.pixels.size(), size_t(w) * size_t(h));
  }
};

TEST_F(VgaRenderTest, Mode13hChainedPixels) {
  mode(0x13);
  vga.mem_write(20 * 320 + 10, 4);
  vga.mem_write(199 * 320 + 319, 15);
  vga.mem_write(0, 40);
  ASSERT_TRUE(vga.render(frame));
  size_is(320, 200);
  EXPECT_EQ(frame.at(10, 20), rgb(0x2A, 0, 0));
  EXPECT_EQ(frame.at(11, 20), kBlack);
  EXPECT_EQ(frame.at(319, 199), kWhite);
  EXPECT_EQ(frame.at(0, 0), rgb(0x3F, 0, 0));  // entry 40: the circle's red
  EXPECT_EQ(frame.dirty, (Rect{0, 0, 320, 200}));
  EXPECT_NE(frame.mode.find("320x200, 256 colours"), std::string::npos) << frame.mode;
}

TEST_F(VgaRenderTest, Mode12hPlanarThroughWriteMode2) {
  mode(0x12);
  const int x = 13, y = 100;
  gc(Vga::kGcMode, 0x02);
  gc(Vga::kGcBitMask, uint8_t(0x80 >> (x & 7)));
  (void)vga.mem_read(uint32_t(y * 80 + x / 8));
  vga.mem_write(uint32_t(y * 80 + x / 8), 12);
  ASSERT_TRUE(vga.render(frame));
  size_is(640, 480);
  EXPECT_EQ(frame.at(x, y), rgb(0x3F, 0x15, 0x15));  // AR0C = 3Ch: bright red
  EXPECT_EQ(frame.at(x - 1, y), kBlack);
  EXPECT_EQ(frame.at(x + 1, y), kBlack);
  EXPECT_EQ(frame.at(x, y + 1), kBlack);
}

TEST_F(VgaRenderTest, Mode0DhThroughTheMapMask) {
  mode(0x0D);
  seq(Vga::kSrMapMask, 0x0E);        // colour 14
  vga.mem_write(50 * 40 + 2, 0x01);  // pixel (23, 50)
  ASSERT_TRUE(vga.render(frame));
  size_is(320, 200);
  EXPECT_EQ(frame.at(23, 50), kYellow);
  EXPECT_EQ(frame.at(22, 50), kBlack);
}

TEST_F(VgaRenderTest, Mode0FhAnd10hAre350Lines) {
  mode(0x10);
  vga.mem_write(349 * 80 + 79, 0x01);  // pixel (639, 349), colour 15
  ASSERT_TRUE(vga.render(frame));
  size_is(640, 350);
  EXPECT_EQ(frame.at(639, 349), kWhite);
  mode(0x0F);  // planes 0 and 2 only, grey palette: the same white pixel
  (void)vga.render(frame);
  size_is(640, 350);
  EXPECT_EQ(frame.at(639, 349), kWhite);
  EXPECT_EQ(frame.at(638, 349), kBlack);
}

TEST_F(VgaRenderTest, Mode04hCgaFourColoursInTwoBanks) {
  mode(0x04);
  // Pixel (5, 3): odd row, bank 2000h; byte 80 + 1; bits 5:4.
  vga.mem_write(kB8000 + 0x2000 + 80 + 1, 2 << 4);
  // Pixel (6, 2): even row, byte 81 (odd: plane 1), bits 3:2.
  vga.mem_write(kB8000 + 81, 3 << 2);
  ASSERT_TRUE(vga.render(frame));
  size_is(320, 200);
  EXPECT_EQ(frame.at(5, 3), rgb(0x3F, 0x15, 0x3F));  // AR02 = 15h: bright magenta
  EXPECT_EQ(frame.at(4, 3), kBlack);
  EXPECT_EQ(frame.at(6, 2), kWhite);
  EXPECT_EQ(frame.at(5, 2), kBlack);
  EXPECT_NE(frame.mode.find("4 colours"), std::string::npos) << frame.mode;
}

TEST_F(VgaRenderTest, Mode06hCgaTwoColours) {
  mode(0x06);
  vga.mem_write(kB8000 + 0x2000 + 1, 0x40);  // pixel (9, 1)
  ASSERT_TRUE(vga.render(frame));
  size_is(640, 200);
  EXPECT_EQ(frame.at(9, 1), kWhite);
  EXPECT_EQ(frame.at(8, 1), kBlack);
  EXPECT_EQ(frame.at(9, 0), kBlack);
}

TEST_F(VgaRenderTest, ModeXUnchained320x240) {
  mode(kVgaModeX);
  const int x = 7, y = 239;
  seq(Vga::kSrMapMask, uint8_t(1 << (x & 3)));
  vga.mem_write(uint32_t(y * 80 + x / 4), 9);
  seq(Vga::kSrMapMask, 0x0F);
  vga.mem_write(10, 15);  // pixels 40-43 of row 0
  ASSERT_TRUE(vga.render(frame));
  size_is(320, 240);
  EXPECT_EQ(frame.at(x, y), rgb(0x15, 0x15, 0x3F));
  EXPECT_EQ(frame.at(x - 1, y), kBlack);
  for (int i = 40; i < 44; ++i) EXPECT_EQ(frame.at(i, 0), kWhite) << i;
  EXPECT_EQ(frame.at(44, 0), kBlack);
}

TEST_F(VgaRenderTest, ModeX360x480) {
  mode(kVgaModeX);
  crtc(0x11, 0x2C);  // unprotect CR0-7
  crtc(0x01, 0x59);  // 90 character clocks
  crtc(0x13, 0x2D);  // 90 bytes a row
  crtc(0x09, 0x40);  // one scan line a row: 480 rows
  seq(Vga::kSrMapMask, 0x04);
  vga.mem_write(479 * 90 + 89, 15);  // pixel (358, 479)
  ASSERT_TRUE(vga.render(frame));
  size_is(360, 480);
  EXPECT_EQ(frame.at(358, 479), kWhite);
  EXPECT_EQ(frame.at(359, 479), kBlack);
}

TEST_F(VgaRenderTest, Mode03hText) {
  mode(0x03);
  load_font();
  text(1, 2, 'A', 0x1E);
  text(0, 0, 0xC4, 0x07);
  text(0, 1, 'A', 0x07);
  ASSERT_TRUE(vga.render(frame));
  size_is(720, 400);
  EXPECT_EQ(frame.at(2 * 9, 16 + 3), kYellow);
  EXPECT_EQ(frame.at(2 * 9 + 3, 16 + 15), kYellow);
  EXPECT_EQ(frame.at(2 * 9 + 4, 16 + 3), kBlue);
  EXPECT_EQ(frame.at(2 * 9 + 8, 16 + 3), kBlue);  // the 9th dot is background
  EXPECT_EQ(frame.at(8, 5), kGrey);               // ... except for line-drawing characters
  EXPECT_EQ(frame.at(9 + 8, 5), kBlack);
  EXPECT_NE(frame.mode.find("text 80x25"), std::string::npos) << frame.mode;
  seq(Vga::kSrClocking, 0x01);  // 8-dot cells
  ASSERT_TRUE(vga.render(frame));
  size_is(640, 400);
  EXPECT_EQ(frame.at(2 * 8, 16), kYellow);
}

TEST_F(VgaRenderTest, Mode01hAnd07hTextSizes) {
  mode(0x01);
  ASSERT_TRUE(vga.render(frame));
  size_is(360, 400);
  mode(0x07);
  ASSERT_TRUE(vga.render(frame));
  size_is(720, 400);
}

TEST_F(VgaRenderTest, MonoUnderline) {
  mode(0x07);
  load_font();
  vga.mem_write(0x10000 + 4, 0x00);  // B0000h: cell 2, a blank
  vga.mem_write(0x10000 + 5, 0x01);  // underlined
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(18, 15), kGrey);  // CR14 = 0Fh: the last scan line
  EXPECT_EQ(frame.at(26, 15), kGrey);
  EXPECT_EQ(frame.at(18, 14), kBlack);
}

TEST_F(VgaRenderTest, FontMapSelectPicksTheBankByAttributeBit3) {
  mode(0x03);
  std::span<uint8_t> font = vga.plane(2);
  for (int r = 0; r < 16; ++r) font[0x4000 + 0x41 * 32 + size_t(r)] = 0x0F;  // bank 1: right half
  load_font();                                                               // bank 0: left half
  seq(Vga::kSrCharMap, 0x04);  // map A (attribute bit 3 set) = bank 1, map B = bank 0
  text(0, 0, 'A', 0x0F);
  text(0, 1, 'A', 0x07);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kBlack);
  EXPECT_EQ(frame.at(7, 0), kWhite);
  EXPECT_EQ(frame.at(9, 0), kGrey);
  EXPECT_EQ(frame.at(16, 0), kBlack);
}

TEST_F(VgaRenderTest, CursorBlinksAndOnlyItsCellIsRedrawn) {
  mode(0x03);
  text(2, 5, ' ', 0x07);
  vga.set_cursor_location(2 * 80 + 5);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(5 * 9 + 3, 2 * 16 + 13), kGrey);  // CR0A/CR0B = 0Dh/0Eh
  EXPECT_EQ(frame.at(5 * 9 + 3, 2 * 16 + 14), kGrey);
  EXPECT_EQ(frame.at(5 * 9 + 3, 2 * 16 + 12), kBlack);
  now = 3 * kFrameNs;
  EXPECT_FALSE(vga.render(frame));  // no flip yet
  now = 8 * kFrameNs;
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(5 * 9 + 3, 2 * 16 + 13), kBlack);
  EXPECT_EQ(frame.dirty, (Rect{5 * 9, 2 * 16 + 13, 9, 2}));
  vga.write(Vga::kCrtcIndex, Vga::kCrCursorStart);
  vga.write(Vga::kCrtcData, 0x20);  // cursor off
  now = 16 * kFrameNs;
  EXPECT_FALSE(vga.render(frame));  // the phase flips back, but nothing shows it
}

TEST_F(VgaRenderTest, BlinkingCharactersAndBackgroundIntensity) {
  mode(0x03);
  load_font();
  text(0, 0, 'A', 0x8F);
  vga.set_cursor_location(2000);  // off screen
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kWhite);
  now = 16 * kFrameNs;
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kBlack);
  attr(0x10, 0x04);  // blink off: bit 7 is background intensity
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kWhite);
  EXPECT_EQ(frame.at(5, 0), rgb(0x15, 0x15, 0x15));  // AR08 = 38h: dark grey
}

TEST_F(VgaRenderTest, SplitScreenAndStartAddress) {
  mode(0x13);
  for (uint32_t y = 0; y < 200; ++y) vga.mem_write(y * 320, uint8_t(y));
  crtc(0x0C, 800 >> 8);  // start at row 10 (doubleword addresses: 800 * 4 = 3200)
  crtc(0x0D, 800 & 0xFF);
  crtc(0x18, 199);  // split after scan line 199, the second scan of row 99
  crtc(0x07, uint8_t(vga.crtc(0x07) & ~0x10));
  crtc(0x09, 0x01);
  ASSERT_TRUE(vga.render(frame));
  const std::array<uint8_t, 3> dac10 = vga.dac(10), dac0 = vga.dac(0), dac1 = vga.dac(1);
  EXPECT_EQ(frame.at(0, 0), rgb(dac10[0], dac10[1], dac10[2]));
  EXPECT_EQ(frame.at(0, 100), rgb(dac0[0], dac0[1], dac0[2]));
  EXPECT_EQ(frame.at(0, 101), rgb(dac1[0], dac1[1], dac1[2]));
}

TEST_F(VgaRenderTest, PresetRowScanAndBytePanning) {
  mode(0x03);
  load_font();
  std::span<uint8_t> font = vga.plane(2);
  font[0x41 * 32 + 5] = 0x0F;  // scan line 5 of 'A' differs
  text(0, 1, 'A', 0x07);
  vga.set_cursor_location(2000);
  crtc(0x08, 0x05);  // the first row starts at its scan line 5
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(9, 0), kBlack);
  EXPECT_EQ(frame.at(9 + 7, 0), kGrey);
  EXPECT_EQ(frame.at(9, 11), kBlack);  // then the next row's scan line 0
  crtc(0x08, 0x20);                    // byte panning by one character
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kGrey);
  EXPECT_EQ(frame.at(9, 0), kBlack);
}

TEST_F(VgaRenderTest, PixelPanningPelMaskAndColourSelect) {
  mode(0x13);
  vga.mem_write(1, 0x13);
  attr(0x13, 2);  // 256 colours: two dots = one pixel
  ASSERT_TRUE(vga.render(frame));
  const std::array<uint8_t, 3> e13 = vga.dac(0x13), e03 = vga.dac(0x03);
  EXPECT_EQ(frame.at(0, 0), rgb(e13[0], e13[1], e13[2]));
  vga.write(Vga::kPelMask, 0x0F);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), rgb(e03[0], e03[1], e03[2]));

  mode(0x12);
  vga.mem_write(0, 0x80);  // pixel 0, colour 15 (AR0F = 3Fh)
  attr(0x14, 0x04);        // colour select bits 3:2 give DAC bits 7:6
  vga.write(Vga::kDacWriteIndex, 0x7F);
  for (uint8_t c : {0x01, 0x02, 0x03}) vga.write(Vga::kDacData, c);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), rgb(1, 2, 3));
  attr(0x10, 0x81);  // P5:P4 from the colour select too: DAC 4Fh
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), rgb(vga.dac(0x4F)[0], vga.dac(0x4F)[1], vga.dac(0x4F)[2]));
}

TEST_F(VgaRenderTest, BlankedScreenIsBlack) {
  mode(0x13);
  vga.mem_write(0, 15);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kWhite);
  seq(Vga::kSrClocking, 0x21);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kBlack);
  seq(Vga::kSrClocking, 0x01);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kWhite);
  (void)vga.read(Vga::kStatus1);
  vga.write(Vga::kAttrIndex, 0x00);  // PAS clear: the palette belongs to the CPU
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kBlack);
  vga.write(Vga::kAttrIndex, 0x00);  // (data)
  vga.write(Vga::kAttrIndex, Vga::kArPas);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.at(0, 0), kWhite);
}

TEST_F(VgaRenderTest, UnchangedScreenRendersNothing) {
  mode(0x13);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_FALSE(vga.render(frame));
  EXPECT_TRUE(frame.dirty.empty());
  seq(Vga::kSrMapMask, 0x03);  // no effect on the picture
  gc(Vga::kGcBitMask, 0x0F);
  vga.mem_write(100, 0);  // the same value
  (void)vga.mem_read(100);
  vga.write(Vga::kDacWriteIndex, 0);
  for (int i = 0; i < 3; ++i) vga.write(Vga::kDacData, 0);  // entry 0 is black already
  now = 100 * kFrameNs;                                     // no blink in graphics modes
  EXPECT_FALSE(vga.render(frame));
  const uint64_t drawn = vga.stats().frames;
  vga.mem_write(100, 1);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.dirty, (Rect{100, 0, 1, 1}));
  EXPECT_EQ(vga.stats().frames, drawn + 1);
}

TEST_F(VgaRenderTest, DirtyRectCoversOneCharacter) {
  mode(0x03);
  load_font();
  vga.set_cursor_location(2000);
  ASSERT_TRUE(vga.render(frame));
  text(3, 7, 'A', 0x07);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.dirty, (Rect{7 * 9, 3 * 16, 4, 16}));  // the glyph's lit half, the rest stays black
  text(3, 7, 'A', 0x17);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(frame.dirty, (Rect{7 * 9 + 4, 3 * 16, 5, 16}));  // the background, 9th dot included
  Frame fresh;
  EXPECT_TRUE(vga.render(fresh));  // a new frame: a full picture, whatever changed
  EXPECT_EQ(fresh.dirty, (Rect{0, 0, 720, 400}));
}

TEST_F(VgaRenderTest, OneCharacterAndTheCursorRedrawOnlyTheirRows) {
  mode(0x03);
  load_font();
  text(0, 0, ' ', 0x07);  // the cursor shows in the cell's foreground colour
  text(5, 0, ' ', 0x07);
  vga.set_cursor_location(0);
  ASSERT_TRUE(vga.render(frame));
  uint64_t rows = vga.stats().rows_drawn;
  text(3, 7, 'A', 0x07);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(vga.stats().rows_drawn - rows, 16u);  // one character row of 16 scan lines
  rows = vga.stats().rows_drawn;
  crtc(Vga::kCrCursorHi, (80 * 5) >> 8);  // the cursor moves from row 0 to row 5: both rows
  crtc(Vga::kCrCursorLo, (80 * 5) & 0xFF);
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(vga.stats().rows_drawn - rows, 32u);
  rows = vga.stats().rows_drawn;
  EXPECT_FALSE(vga.render(frame));
  EXPECT_EQ(vga.stats().rows_drawn, rows);
  crtc(Vga::kCrOffset, 41);  // a register: the whole picture
  ASSERT_TRUE(vga.render(frame));
  EXPECT_EQ(vga.stats().rows_drawn - rows, 400u);
}

// Drawing only the rows that show a change gives the picture a whole render
// gives: random writes, cursor moves and blink phases in text, planar, CGA,
// 256-colour and unchained modes, compared with a second VGA drawn whole
// into a new frame each time.
TEST_F(VgaRenderTest, PartialRendersMatchWholeRenders) {
  Vga whole{GuestClock{[this] { return now; }}};
  std::mt19937 rng(7);
  for (int number : {0x03, 0x01, 0x07, 0x04, 0x06, 0x0D, 0x12, 0x13}) {
    for (Vga* v : {&vga, &whole}) {
      vga_program_mode(*v, *vga_mode_registers(number));
      vga_load_palette(*v, vga_mode_palette(number));
    }
    for (int p = 0; p < 4; ++p) {  // the same random picture (and font) in both
      std::span<uint8_t> a = vga.plane(p), b = whole.plane(p);
      for (size_t i = 0; i < a.size(); ++i) a[i] = b[i] = uint8_t(rng());
    }
    for (int step = 0; step < 60; ++step) {
      const int writes = int(rng() % 8);
      for (int i = 0; i < writes; ++i) {
        const uint32_t at = rng() % Vga::kWindowSize;
        const uint8_t value = uint8_t(rng());
        vga.mem_write(at, value);
        whole.mem_write(at, value);
      }
      if (rng() % 4 == 0) {
        const uint16_t cell = uint16_t(rng() % 2100);
        vga.set_cursor_location(cell);
        whole.set_cursor_location(cell);
      }
      if (rng() % 5 == 0) now += kFrameNs * (rng() % 20);
      (void)vga.render(frame);
      Frame fresh;
      (void)whole.render(fresh);
      ASSERT_EQ(frame.pixels, fresh.pixels) << "mode " << number << " step " << step;
    }
  }
}

TEST_F(VgaRenderTest, HostileRegistersNeverEscapeTheBounds) {
  std::mt19937 rng(1234);
  const uint16_t ports[] = {0x3C0, 0x3C2, 0x3C4, 0x3C5, 0x3C6, 0x3C7, 0x3C8, 0x3C9, 0x3CE, 0x3CF, 0x3D4, 0x3D5, 0x3DA};
  for (int round = 0; round < 60; ++round) {
    for (int i = 0; i < 300; ++i) {
      uint16_t port = ports[rng() % std::size(ports)];
      if (port == 0x3DA)
        (void)vga.read(port);
      else
        vga.write(port, uint8_t(rng()));
      vga.mem_write(rng() % 0x20000, uint8_t(rng()));
      (void)vga.mem_read(rng() % 0x24000);
    }
    now += rng() % (40 * kFrameNs);
    (void)vga.render(frame);
    ASSERT_GE(frame.width, 1);
    ASSERT_GE(frame.height, 1);
    ASSERT_LE(frame.width, Vga::kMaxWidth);
    ASSERT_LE(frame.height, Vga::kMaxHeight);
    ASSERT_EQ(frame.pixels.size(), size_t(frame.width) * size_t(frame.height));
    ASSERT_LE(frame.dirty.x + frame.dirty.w, frame.width);
    ASSERT_LE(frame.dirty.y + frame.dirty.h, frame.height);
    ASSERT_FALSE(vga.render(frame));  // nothing changed since
  }
}

}  // namespace
}  // namespace pxos

// frontend/text_frame.h: the text screen drawn into a Frame, redrawing only
// the cells that changed and saying which rectangle that was.
#include "frontend/text_frame.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace pxos {
namespace {

// A PSF1 font without a Unicode table (glyph index = CP437 code) whose
// glyph for code c has every row equal to c: known bits in every cell.
Font test_font() {
  std::vector<uint8_t> psf = {0x36, 0x04, 0x00, 16};
  for (int c = 0; c < 256; ++c)
    for (int y = 0; y < 16; ++y) psf.push_back(uint8_t(c));
  char path[] = "/tmp/pxos_text_frame_test_XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, psf.data(), psf.size()), ssize_t(psf.size()));
  close(fd);
  Font f = Font::load(path);
  unlink(path);
  return f;
}

TextScreen blank_screen() {
  TextScreen s;
  s.cells.assign(size_t(s.rows) * s.cols, 0x0720);  // spaces, grey on black
  s.cursor_visible = false;
  return s;
}

struct TextFrameTest : testing::Test {
  Font font = test_font();
  TextScreen screen = blank_screen();
  TextFrame source{[this] { return screen; }, font};
  Frame frame;
};

TEST_F(TextFrameTest, FirstRenderDrawsTheWholeScreen) {
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.width, 640);
  EXPECT_EQ(frame.height, 400);
  EXPECT_EQ(frame.dirty, (Rect{0, 0, 640, 400}));
  EXPECT_EQ(frame.mode, "text mode 03h (80x25)");
  // A space (0x20: bit 5 set, i.e. pixel 2 of each row) in grey on black.
  EXPECT_EQ(frame.at(0, 0), 0x000000u);
  EXPECT_EQ(frame.at(2, 0), 0xAAAAAAu);
}

TEST_F(TextFrameTest, UnchangedScreenDrawsNothing) {
  ASSERT_TRUE(source.render(frame));
  frame.pixels[0] = 0x123456;  // a render that drew would overwrite it
  EXPECT_FALSE(source.render(frame));
  EXPECT_TRUE(frame.dirty.empty());
  EXPECT_EQ(frame.pixels[0], 0x123456u);
}

TEST_F(TextFrameTest, OneCharacterIsItsCellOnly) {
  ASSERT_TRUE(source.render(frame));
  screen.cells[size_t(5) * 80 + 10] = 0x1EFF;  // yellow on blue, all bits set
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.dirty, (Rect{80, 80, 8, 16}));
  EXPECT_EQ(frame.at(80, 80), 0xFFFF55u);
  EXPECT_EQ(frame.at(87, 95), 0xFFFF55u);
  EXPECT_EQ(frame.at(79, 80), 0x000000u);  // the cell to the left: untouched
}

TEST_F(TextFrameTest, TwoChangesGiveTheRectangleAroundBoth) {
  ASSERT_TRUE(source.render(frame));
  screen.cells[size_t(2) * 80 + 70] = 0x0741;
  screen.cells[size_t(20) * 80 + 3] = 0x0742;
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.dirty, (Rect{3 * 8, 2 * 16, 68 * 8, 19 * 16}));
}

TEST_F(TextFrameTest, CursorMoveRedrawsBothCells) {
  screen.cursor_visible = true;
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.at(0, 14), 0xAAAAAAu);  // the cursor: the cell's two bottom rows
  EXPECT_EQ(frame.at(0, 13), 0x000000u);
  screen.cursor_row = 1;
  screen.cursor_col = 1;
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.dirty, (Rect{0, 0, 16, 32}));
  EXPECT_EQ(frame.at(0, 14), 0x000000u);
  EXPECT_EQ(frame.at(8, 30), 0xAAAAAAu);
}

TEST_F(TextFrameTest, NewSizeRedrawsEverything) {
  ASSERT_TRUE(source.render(frame));
  screen = blank_screen();
  screen.rows = 50;
  screen.cells.assign(size_t(50) * 80, 0x0720);
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.height, 800);
  EXPECT_EQ(frame.dirty, (Rect{0, 0, 640, 800}));
}

TEST_F(TextFrameTest, NineDotCellsRepeatLineCharactersOnly) {
  TextFrame nine([this] { return screen; }, font, true);
  screen.cells[0] = 0x07C1;  // a line character: bit 0 set, so column 8 repeats column 7
  screen.cells[1] = 0x0741;  // 'A' (bit 0 set too): column 8 stays background
  ASSERT_TRUE(nine.render(frame));
  EXPECT_EQ(frame.width, 720);
  EXPECT_EQ(frame.at(8, 0), 0xAAAAAAu);
  EXPECT_EQ(frame.at(9 + 8, 0), 0x000000u);
  EXPECT_EQ(frame.at(9 + 7, 0), 0xAAAAAAu);
}

TEST_F(TextFrameTest, GraphicsModeIsABlackPictureOfItsSize) {
  screen.graphics = GraphicsMode{0x13, 320, 200, 256};
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.width, 320);
  EXPECT_EQ(frame.height, 200);
  EXPECT_EQ(frame.dirty, (Rect{0, 0, 320, 200}));
  EXPECT_NE(frame.mode.find("13h"), std::string::npos);
  EXPECT_FALSE(source.render(frame));
  screen.graphics.reset();  // back to text: all of it again
  ASSERT_TRUE(source.render(frame));
  EXPECT_EQ(frame.dirty, (Rect{0, 0, 640, 400}));
}

TEST_F(TextFrameTest, InconsistentScreenIsNotDrawn) {
  screen.cells.resize(10);
  EXPECT_FALSE(source.render(frame));
  EXPECT_TRUE(frame.dirty.empty());
}

}  // namespace
}  // namespace pxos

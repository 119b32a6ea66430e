// --display term's drawing, through a model of the host terminal: a mode
// change clears and draws everything (no stale cells), a graphics mode is
// named on one line, the status line shows the escape keys and messages.
#include "frontend/terminal.h"

#include <gtest/gtest.h>

#include "vt_grid.h"

namespace pxos {
namespace {

using test::VtGrid;
using namespace std::chrono_literals;

TextScreen filled(int mode, int rows, int cols, char ch) {
  TextScreen s;
  s.mode = mode;
  s.rows = rows;
  s.cols = cols;
  s.cells.assign(size_t(rows) * cols, uint16_t(0x0700 | uint8_t(ch)));
  return s;
}

std::string repeat(char ch, int n) { return std::string(size_t(n), ch); }

struct Host {
  VtGrid grid;
  std::string last;  // the bytes of the last draw
  TerminalSize size;
  Terminal term;
  Host(int rows, int cols)
      : grid(rows, cols),
        size{rows, cols},
        term(TerminalSink{[this](const std::string& s) {
                            last = s;
                            grid.feed(s);
                          },
                          [this] { return size; }}) {}
};

TEST(Terminal, From80To40ColumnsClearsAndLeavesNoStaleCells) {
  Host h(30, 100);
  h.term.draw(filled(3, 25, 80, 'X'));
  EXPECT_EQ(h.grid.row(0), repeat('X', 80) + repeat(' ', 20));
  h.term.draw(filled(1, 25, 40, 'Y'));
  EXPECT_NE(h.last.find("\x1b[2J"), std::string::npos);
  for (int r = 0; r < 25; ++r) EXPECT_EQ(h.grid.row(r), repeat('Y', 40) + repeat(' ', 60)) << "row " << r;
  EXPECT_EQ(h.grid.text().find('X'), std::string::npos);
  EXPECT_EQ(h.grid.row(25).rfind("pxOS: Ctrl-A x quits, Ctrl-A h for help", 0), 0u) << h.grid.row(25);
}

TEST(Terminal, From50To25RowsClearsTheRowsBelow) {
  Host h(60, 100);
  h.term.draw(filled(3, 50, 80, 'Z'));
  EXPECT_EQ(h.grid.row(49), repeat('Z', 80) + repeat(' ', 20));
  EXPECT_EQ(h.grid.row(50).rfind("pxOS: Ctrl-A x", 0), 0u);
  h.term.draw(filled(3, 25, 80, 'W'));
  EXPECT_EQ(h.grid.text().find('Z'), std::string::npos);
  EXPECT_EQ(h.grid.row(25).rfind("pxOS: Ctrl-A x", 0), 0u);
  for (int r = 26; r < 60; ++r) EXPECT_EQ(h.grid.row(r), repeat(' ', 100)) << "row " << r;
}

TEST(Terminal, AModeChangeOfTheSameSizeRedrawsToo) {
  Host h(30, 100);
  h.term.draw(filled(3, 25, 80, 'A'));
  h.term.draw(filled(7, 25, 80, 'A'));  // mono text: a different mode, the same cells
  EXPECT_EQ(h.grid.clears(), 2);
  h.term.draw(filled(7, 25, 80, 'A'));
  EXPECT_EQ(h.grid.clears(), 2);
}

TEST(Terminal, OnlyChangedRowsAreDrawn) {
  Host h(30, 100);
  TextScreen s = filled(3, 25, 80, '.');
  h.term.draw(s);
  h.term.draw(s);
  EXPECT_EQ(h.last.find('.'), std::string::npos);  // nothing to draw
  s.cells[size_t(7) * 80 + 3] = 0x0741;
  h.term.draw(s);
  EXPECT_EQ(h.grid.clears(), 1);
  EXPECT_NE(h.last.find("\x1b[8;1H"), std::string::npos);
  EXPECT_EQ(h.last.find("\x1b[7;1H"), std::string::npos);
  EXPECT_EQ(h.grid.row(7).substr(0, 6), "...A..");
}

TEST(Terminal, GraphicsModeIsNamedOnOneLineNotABlankScreen) {
  Host h(30, 100);
  h.term.draw(filled(3, 25, 80, 'X'));
  TextScreen g = filled(3, 25, 80, 'X');  // the text memory still holds text
  g.graphics = GraphicsMode{0x13, 320, 200, 256};
  h.term.draw(g);
  EXPECT_EQ(
      h.grid.row(0).rfind("pxOS: graphics mode 13h (320x200, 256 colours): the terminal shows text modes only", 0), 0u)
      << h.grid.row(0);
  EXPECT_EQ(h.grid.text().find('X'), std::string::npos);
  EXPECT_EQ(h.grid.row(2).rfind("pxOS: Ctrl-A x quits", 0), 0u);
  h.term.draw(g);
  EXPECT_EQ(h.grid.clears(), 2);        // drawn once
  h.term.draw(filled(3, 25, 80, 'T'));  // back to text: all of it drawn again
  EXPECT_EQ(h.grid.clears(), 3);
  EXPECT_EQ(h.grid.row(0), repeat('T', 80) + repeat(' ', 20));
  EXPECT_EQ(h.grid.text().find("graphics"), std::string::npos);
}

TEST(Terminal, GraphicsLineFitsANarrowTerminal) {
  Host h(24, 40);
  TextScreen g = filled(3, 25, 80, ' ');
  g.graphics = GraphicsMode{-1, 360, 480, 256};
  h.term.draw(g);
  EXPECT_EQ(h.grid.row(0), "pxOS: VGA graphics (360x480, 256 colour ");
}

TEST(Terminal, MessagesOnTheStatusLineExpire) {
  Host h(30, 100);
  auto t0 = Terminal::Clock::now();
  TextScreen s = filled(3, 25, 80, 'S');
  h.term.draw(s, t0);
  h.term.show_message("pxOS: help text", t0 + 10s);
  h.term.draw(s, t0 + 1s);
  EXPECT_EQ(h.grid.row(25), "pxOS: help text" + repeat(' ', 85));
  h.term.draw(s, t0 + 11s);
  EXPECT_EQ(h.grid.row(25).rfind("pxOS: Ctrl-A x quits, Ctrl-A h for help", 0), 0u);
  EXPECT_EQ(h.grid.clears(), 1);
}

// A terminal no taller than the guest screen: the message covers its last
// row while it lasts, then the guest's row is drawn there again.
TEST(Terminal, MessagesCoverTheLastRowWhenThereIsNoRowBelow) {
  Host h(25, 80);
  auto t0 = Terminal::Clock::now();
  TextScreen s = filled(3, 25, 80, 'S');
  h.term.show_message("pxOS: banner", t0 + 5s);
  h.term.draw(s, t0);
  EXPECT_EQ(h.grid.row(24), "pxOS: banner" + repeat(' ', 68));
  EXPECT_EQ(h.grid.row(23), repeat('S', 80));
  h.term.draw(s, t0 + 6s);
  EXPECT_EQ(h.grid.row(24), repeat('S', 80));
  EXPECT_EQ(h.grid.clears(), 1);
}

TEST(Terminal, AHostResizeRedrawsEverything) {
  Host h(30, 100);
  TextScreen s = filled(3, 25, 80, 'R');
  h.term.draw(s);
  h.size = {40, 120};
  h.term.draw(s);
  EXPECT_EQ(h.grid.clears(), 2);
}

}  // namespace
}  // namespace pxos

#include "frontend/text_frame.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace pxos {

const uint32_t kTextPalette[16] = {0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
                                   0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF};

namespace {

constexpr int kCursorFirstRow = 14;  // the cursor: the cell's two bottom pixel rows

bool cursor_at(const TextScreen& s, int r, int c) { return s.cursor_visible && r == s.cursor_row && c == s.cursor_col; }

// Whether cell (r, c) of `now` looks different from the same cell of `before`.
bool cell_changed(const TextScreen& now, const TextScreen& before, int r, int c) {
  return now.at(r, c) != before.at(r, c) || cursor_at(now, r, c) != cursor_at(before, r, c);
}

}  // namespace

TextFrame::TextFrame(Capture capture, const Font& font, bool nine_dots)
    : capture_(std::move(capture)), font_(font), cell_w_(nine_dots ? 9 : Font::kWidth) {}

bool TextFrame::render(Frame& frame) { return draw(capture_(), frame); }

void TextFrame::draw_cell(const TextScreen& s, int r, int c, Frame& frame) const {
  uint16_t cell = s.at(r, c);
  uint8_t ch = uint8_t(cell), attr = uint8_t(cell >> 8);
  uint32_t fg = kTextPalette[attr & 0x0F], bg = kTextPalette[(attr >> 4) & 0x07];  // bit 7: blink
  const auto& g = font_.glyph(ch);
  bool cursor = cursor_at(s, r, c);
  bool line_char = ch >= 0xC0 && ch <= 0xDF;  // the 9th column repeats the 8th
  for (int y = 0; y < Font::kHeight; ++y) {
    uint8_t bits = g[size_t(y)] | (cursor && y >= kCursorFirstRow ? 0xFF : 0);
    uint32_t* p = &frame.pixels[size_t(r * Font::kHeight + y) * size_t(frame.width) + size_t(c * cell_w_)];
    for (int x = 0; x < Font::kWidth; ++x) p[x] = (bits & (0x80 >> x)) ? fg : bg;
    if (cell_w_ == 9) p[8] = (line_char && (bits & 1)) || (cursor && y >= kCursorFirstRow) ? fg : bg;
  }
}

bool TextFrame::draw(const TextScreen& s, Frame& frame) {
  frame.dirty = {};
  if (s.rows <= 0 || s.cols <= 0 || s.cells.size() != size_t(s.rows) * size_t(s.cols)) return false;
  if (s.graphics) {
    // Not drawn here (the VGA's own renderer draws graphics): a black picture
    // of the mode's size that names it.
    if (last_ && last_->graphics == s.graphics) return false;
    frame.width = s.graphics->width > 0 ? s.graphics->width : 640;
    frame.height = s.graphics->height > 0 ? s.graphics->height : 480;
    frame.pixels.assign(size_t(frame.width) * size_t(frame.height), 0);
    frame.mode = s.graphics->describe();
    frame.dirty = {0, 0, frame.width, frame.height};
    last_ = s;
    return true;
  }
  int width = s.cols * cell_w_, height = s.rows * Font::kHeight;
  bool whole = !last_ || last_->graphics || last_->rows != s.rows || last_->cols != s.cols || frame.width != width ||
               frame.height != height || frame.pixels.size() != size_t(width) * size_t(height);
  if (whole) {
    frame.width = width;
    frame.height = height;
    frame.pixels.assign(size_t(width) * size_t(height), 0);
  } else if (*last_ == s) {
    return false;
  }
  char mode[40];
  std::snprintf(mode, sizeof mode, "text mode %02Xh (%dx%d)", unsigned(s.mode), s.cols, s.rows);
  frame.mode = mode;
  int top = s.rows, bottom = -1, left = s.cols, right = -1;
  for (int r = 0; r < s.rows; ++r)
    for (int c = 0; c < s.cols; ++c) {
      if (!whole && !cell_changed(s, *last_, r, c)) continue;
      draw_cell(s, r, c, frame);
      top = std::min(top, r), bottom = std::max(bottom, r);
      left = std::min(left, c), right = std::max(right, c);
    }
  last_ = s;
  if (bottom < 0) return false;  // only what a picture does not show changed (the mode number)
  frame.dirty = {left * cell_w_, top * Font::kHeight, (right - left + 1) * cell_w_, (bottom - top + 1) * Font::kHeight};
  return true;
}

}  // namespace pxos

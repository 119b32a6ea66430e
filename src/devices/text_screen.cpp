#include "devices/text_screen.h"

#include <algorithm>
#include <utility>

#include "vm/bda.h"

namespace pxos {

std::string TextScreen::text() const {
  std::string s;
  s.reserve(size_t(rows) * (cols + 1));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      uint8_t ch = uint8_t(at(r, c));
      s += (ch >= 0x20 && ch < 0x7F) ? char(ch) : (ch == 0 ? ' ' : '.');
    }
    s += '\n';
  }
  return s;
}

TextScreen capture_text_screen(GuestMemory& mem, const Vga* vga) {
  TextScreen t;
  uint8_t mode = mem.read8(bda::kBase + bda::kVideoMode);
  t.mode = mode & 0x7F;
  t.graphics = graphics_mode(mem, vga);
  t.cols = std::clamp<int>(mem.read16(bda::kBase + bda::kVideoColumns), 40, 80);
  t.rows = std::clamp<int>(mem.read8(bda::kBase + bda::kVideoRows) + 1, 25, 50);
  uint32_t start = vga ? uint32_t(vga->start_address()) * 2 : mem.read16(bda::kBase + bda::kVideoPageStart);
  uint32_t base = (mode == 7 ? 0xB0000 : 0xB8000) + (start & 0x7FFF);
  t.cells.resize(size_t(t.rows) * t.cols);
  if (vga) {
    // Odd/even text: characters in plane 0, attributes in plane 1, at the
    // word addresses the CRTC scans (start address + cell, twice).
    std::span<const uint8_t> chars = std::as_const(*vga).plane(0), attrs = std::as_const(*vga).plane(1);
    for (size_t i = 0; i < t.cells.size(); ++i) {
      const size_t at = (start + 2 * i) & (Vga::kPlaneSize - 1);
      t.cells[i] = uint16_t(chars[at] | attrs[at] << 8);
    }
  } else if (const uint8_t* p = mem.readable_span(base, 2 * t.cells.size()))  // one copy when it is all RAM
    for (size_t i = 0; i < t.cells.size(); ++i) t.cells[i] = uint16_t(p[2 * i] | p[2 * i + 1] << 8);
  else
    for (size_t i = 0; i < t.cells.size(); ++i) t.cells[i] = mem.read16(base + 2 * i);
  uint8_t page = mem.read8(bda::kBase + bda::kActivePage) & 7;
  uint16_t pos = mem.read16(bda::kBase + bda::kCursorPos + 2 * page);
  t.cursor_row = std::min<int>(pos >> 8, t.rows - 1);
  t.cursor_col = std::min<int>(pos & 0xFF, t.cols - 1);
  uint16_t shape = mem.read16(bda::kBase + bda::kCursorShape);
  t.cursor_visible = !(shape & 0x2000) && (shape >> 8 & 0x1F) <= (shape & 0x1F);
  if (vga) {
    int cell = int(vga->cursor_location()) - int(vga->start_address());
    t.cursor_visible = vga->cursor_enabled() && cell >= 0 && cell < t.rows * t.cols;
    if (t.cursor_visible) {
      t.cursor_row = cell / t.cols;
      t.cursor_col = cell % t.cols;
    }
  }
  return t;
}

}  // namespace pxos

// A snapshot of the guest's text screen: what the VGA would show now.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/vga.h"
#include "devices/graphics_mode.h"
#include "vm/memory.h"

namespace pxos {

struct TextScreen {
  int mode = 3;                          // the BIOS mode number (0040:0049)
  std::optional<GraphicsMode> graphics;  // set: the display is in graphics, not this text
  int rows = 25, cols = 80;
  std::vector<uint16_t> cells;  // character (low byte) and attribute (high byte), row-major
  int cursor_row = 0, cursor_col = 0;
  bool cursor_visible = true;

  uint16_t at(int r, int c) const { return cells[size_t(r) * cols + c]; }
  // The characters as text, one line per row ('\n' after each), with
  // unprintable bytes shown as '.', for --until-text and --display screen.
  std::string text() const;
  bool operator==(const TextScreen&) const = default;
};

// Reads the screen: its mode and size from the BIOS data area; with a VGA,
// the cells from its planes 0 and 1 (odd/even text) and the start address
// and cursor from its CRTC registers; without one, the cells from text
// memory in guest RAM and the rest from the BIOS data area; and whether
// the display is in a graphics mode instead (frontend/graphics_mode.h).
TextScreen capture_text_screen(GuestMemory& mem, const Vga* vga = nullptr);

}  // namespace pxos

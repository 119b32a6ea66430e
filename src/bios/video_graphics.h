// INT 10h in the standard graphics modes: where each mode keeps its pixels in
// the card's four planes, and the pixel, character and scroll work of AH=0Ch/
// 0Dh, 0Eh/09h/0Ah/13h and 06h/07h there. Pixels go straight to the planes
// (BiosConfig::video's plane()), as the layout of the mode set puts them, so
// they do not depend on what a guest left in the graphics controller.
// Characters come from the font at INT 43h, BDA 0040:0085 rows high.
#pragma once

#include <cstdint>
#include <optional>

#include "bios/context.h"

namespace pxos {

struct GraphicsLayout {
  enum class Kind {
    kCga,      // 04h-06h: 2 or 1 bits a pixel at B8000h, even rows then odd rows 2000h on, odd/even planes 0/1
    kPlanar,   // 0Dh-12h: one bit a pixel in each of the planes at A0000h
    kChained,  // 13h: one byte a pixel, chain 4 (pixel x in plane x & 3)
  };
  uint8_t mode = 0;
  Kind kind = Kind::kPlanar;
  int width = 0, height = 0;
  int bits = 1;                 // kCga: bits a pixel
  uint32_t pitch = 0;           // bytes a row (kCga: of one of the two banks)
  uint32_t page_size = 0;       // bytes a page (the BDA's page size)
  uint32_t bytes_per_cell = 1;  // bytes of one 8-pixel character cell's row
};

// The layout of standard graphics mode `mode` (bit 7 ignored); nullopt for a
// text mode or a number no standard mode has.
std::optional<GraphicsLayout> graphics_layout(uint8_t mode);

// Pixel (x, y) of `page` (planar modes; the others have one page). Colour
// bit 7 XORs the pixel with the colour, except in 256 colours. Pixels off
// the screen are ignored (read as 0). False: the machine has no card.
bool graphics_write_pixel(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int x, int y, uint8_t colour);
uint8_t graphics_read_pixel(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int x, int y);
// Character `ch` in text cell (row, col): its set pixels in `colour` (bit 7:
// XOR, background untouched), the others 0 (`opaque`) or untouched.
void graphics_draw_char(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int row, int col, uint8_t ch,
                        uint8_t colour);
// The character in text cell (row, col) of `page`: the first of the INT 43h
// font whose glyph has the cell's non-zero pixels (0: none has).
uint8_t graphics_read_char(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int row, int col);
// Scrolls the text-cell window (top, left)-(bottom, right) up or down by
// `lines` rows (0 or more than the window: clears it), new rows in `fill`.
void graphics_scroll(BiosContext& bios, const GraphicsLayout& g, bool up, int lines, uint8_t fill, int top, int left,
                     int bottom, int right);
// All four planes zero.
void graphics_clear(BiosContext& bios);
// Text rows and character height (BDA 0040:0085, 1-32) in this mode.
int graphics_char_height(BiosContext& bios);

}  // namespace pxos

#include "bios/video_graphics.h"

#include <algorithm>
#include <array>
#include <span>

namespace pxos {

namespace {

using Kind = GraphicsLayout::Kind;

// The card's four planes (empty spans: no card).
struct Planes {
  std::array<std::span<uint8_t>, 4> p;
  bool ok() const {
    return p[0].size() >= 0x10000 && p[1].size() >= 0x10000 && p[2].size() >= 0x10000 && p[3].size() >= 0x10000;
  }
};

Planes planes(BiosContext& bios) {
  Planes pl;
  if (!bios.config.video.plane) return pl;
  for (int i = 0; i < 4; ++i) pl.p[size_t(i)] = bios.config.video.plane(i);
  return pl;
}

// The layout's address `a` of plane `p`. CGA modes are one address space at
// B8000h spread over planes 0 and 1 by odd/even (`p` unused).
uint8_t& byte_at(Planes& pl, const GraphicsLayout& g, int p, uint32_t a) {
  if (g.kind == Kind::kCga) return pl.p[a & 1][(a & ~1u) & 0xFFFF];
  return pl.p[size_t(p & 3)][a & 0xFFFF];
}

// Where pixel row y begins.
uint32_t row_offset(const GraphicsLayout& g, uint8_t page, int y) {
  switch (g.kind) {
    case Kind::kCga: return uint32_t(y & 1) * 0x2000 + uint32_t(y >> 1) * g.pitch;
    case Kind::kChained: return uint32_t(y) * g.pitch;
    case Kind::kPlanar:
    default: return uint32_t(page & 7) * g.page_size + uint32_t(y) * g.pitch;
  }
}

// The planes a layout's bytes live in, for block moves.
int plane_count(const GraphicsLayout& g) { return g.kind == Kind::kCga ? 1 : 4; }

// The byte that fills a plane's byte with colour `c` everywhere.
uint8_t fill_byte(const GraphicsLayout& g, int p, uint8_t c) {
  switch (g.kind) {
    case Kind::kCga: return g.bits == 2 ? uint8_t((c & 3) * 0x55) : uint8_t(c & 1 ? 0xFF : 0);
    case Kind::kChained: return c;
    case Kind::kPlanar:
    default: return uint8_t(c >> p & 1 ? 0xFF : 0);
  }
}

// The glyph row r of character ch from the font at INT 43h.
uint8_t glyph_row(BiosContext& bios, int height, uint8_t ch, int r) {
  const uint16_t off = bios.mem.read16(0x43 * 4), seg = bios.mem.read16(0x43 * 4 + 2);
  return bios.mem.read8(bios.mem.real_linear(seg, uint32_t(off) + uint32_t(ch) * uint32_t(height) + uint32_t(r)));
}

}  // namespace

std::optional<GraphicsLayout> graphics_layout(uint8_t mode) {
  GraphicsLayout g;
  g.mode = mode & 0x7F;
  switch (g.mode) {
    case 0x04:
    case 0x05: g = {g.mode, Kind::kCga, 320, 200, 2, 80, 0x4000, 2}; break;
    case 0x06: g = {g.mode, Kind::kCga, 640, 200, 1, 80, 0x4000, 1}; break;
    case 0x0D: g = {g.mode, Kind::kPlanar, 320, 200, 1, 40, 0x2000, 1}; break;
    case 0x0E: g = {g.mode, Kind::kPlanar, 640, 200, 1, 80, 0x4000, 1}; break;
    case 0x0F:
    case 0x10: g = {g.mode, Kind::kPlanar, 640, 350, 1, 80, 0x8000, 1}; break;
    case 0x11:
    case 0x12: g = {g.mode, Kind::kPlanar, 640, 480, 1, 80, 0xA000, 1}; break;
    case 0x13: g = {g.mode, Kind::kChained, 320, 200, 8, 320, 0xFA00, 8}; break;
    default: return std::nullopt;
  }
  return g;
}

int graphics_char_height(BiosContext& bios) { return std::clamp<int>(bios.bda16(bda::kCharHeight), 1, 32); }

bool graphics_write_pixel(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int x, int y, uint8_t colour) {
  Planes pl = planes(bios);
  if (!pl.ok()) return false;
  if (x < 0 || y < 0 || x >= g.width || y >= g.height) return true;
  const bool xor_ = colour & 0x80;
  const uint32_t row = row_offset(g, page, y);
  switch (g.kind) {
    case Kind::kChained: byte_at(pl, g, x & 3, row + uint32_t(x & ~3)) = colour; break;
    case Kind::kCga: {
      const int per_byte = 8 / g.bits, shift = (per_byte - 1 - x % per_byte) * g.bits;
      const uint8_t mask = uint8_t(((1 << g.bits) - 1) << shift), bits = uint8_t((colour << shift) & mask);
      uint8_t& b = byte_at(pl, g, 0, row + uint32_t(x / per_byte));
      b = xor_ ? uint8_t(b ^ bits) : uint8_t((b & ~mask) | bits);
      break;
    }
    case Kind::kPlanar: {
      const uint8_t bit = uint8_t(0x80 >> (x & 7));
      for (int p = 0; p < 4; ++p) {
        uint8_t& b = byte_at(pl, g, p, row + uint32_t(x >> 3));
        if (xor_)
          b = uint8_t(colour >> p & 1 ? b ^ bit : b);
        else
          b = uint8_t(colour >> p & 1 ? b | bit : b & ~bit);
      }
      break;
    }
  }
  return true;
}

uint8_t graphics_read_pixel(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int x, int y) {
  Planes pl = planes(bios);
  if (!pl.ok() || x < 0 || y < 0 || x >= g.width || y >= g.height) return 0;
  const uint32_t row = row_offset(g, page, y);
  switch (g.kind) {
    case Kind::kChained: return byte_at(pl, g, x & 3, row + uint32_t(x & ~3));
    case Kind::kCga: {
      const int per_byte = 8 / g.bits, shift = (per_byte - 1 - x % per_byte) * g.bits;
      return uint8_t((byte_at(pl, g, 0, row + uint32_t(x / per_byte)) >> shift) & ((1 << g.bits) - 1));
    }
    case Kind::kPlanar:
    default: {
      uint8_t c = 0;
      for (int p = 0; p < 4; ++p)
        if (byte_at(pl, g, p, row + uint32_t(x >> 3)) & (0x80 >> (x & 7))) c = uint8_t(c | 1 << p);
      return c;
    }
  }
}

void graphics_draw_char(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int row, int col, uint8_t ch,
                        uint8_t colour) {
  const int h = graphics_char_height(bios);
  const bool xor_ = (colour & 0x80) && g.kind != Kind::kChained;
  for (int r = 0; r < h; ++r) {
    const uint8_t bits = glyph_row(bios, h, ch, r);
    for (int i = 0; i < 8; ++i) {
      const bool on = bits & (0x80 >> i);
      if (xor_ && !on) continue;
      if (!graphics_write_pixel(bios, g, page, col * 8 + i, row * h + r, on ? colour : 0)) return;
    }
  }
}

uint8_t graphics_read_char(BiosContext& bios, const GraphicsLayout& g, uint8_t page, int row, int col) {
  const int h = graphics_char_height(bios);
  std::array<uint8_t, 32> cell{};
  for (int r = 0; r < h; ++r)
    for (int i = 0; i < 8; ++i)
      if (graphics_read_pixel(bios, g, page, col * 8 + i, row * h + r)) cell[size_t(r)] |= uint8_t(0x80 >> i);
  const uint16_t off = bios.mem.read16(0x43 * 4), seg = bios.mem.read16(0x43 * 4 + 2);
  const uint32_t font = bios.mem.real_linear(seg, off);
  std::array<uint8_t, 32 * 256> glyphs{};  // the font, read once (checked reads)
  const uint32_t size = 256u * uint32_t(h);
  if (const uint8_t* p = bios.mem.readable_span(font, size))
    std::copy_n(p, size, glyphs.begin());
  else
    for (uint32_t i = 0; i < size; ++i) glyphs[i] = bios.mem.read8(font + i);
  for (int ch = 0; ch < 256; ++ch)
    if (std::equal(cell.begin(), cell.begin() + h, glyphs.begin() + ch * h)) return uint8_t(ch);
  return 0;
}

void graphics_scroll(BiosContext& bios, const GraphicsLayout& g, bool up, int lines, uint8_t fill, int top, int left,
                     int bottom, int right) {
  Planes pl = planes(bios);
  const int h = graphics_char_height(bios), rows = g.height / h, cols = g.width / 8;
  bottom = std::min(bottom, rows - 1);
  right = std::min(right, cols - 1);
  if (!pl.ok() || top > bottom || left > right) return;
  const int height = bottom - top + 1;
  if (lines <= 0 || lines > height) lines = height;
  const uint32_t first = uint32_t(left) * g.bytes_per_cell, count = uint32_t(right - left + 1) * g.bytes_per_cell;
  const uint8_t page = bios.bda8(bda::kActivePage);
  for (int i = 0; i < height * h; ++i) {  // pixel rows of the window, in the order a move needs
    const int y = up ? top * h + i : (bottom + 1) * h - 1 - i;
    const int from = up ? y + lines * h : y - lines * h;
    const bool blank = up ? from > (bottom + 1) * h - 1 : from < top * h;
    const uint32_t to_row = row_offset(g, page, y) + first, from_row = blank ? 0 : row_offset(g, page, from) + first;
    for (int p = 0; p < plane_count(g); ++p)
      for (uint32_t b = 0; b < count; ++b)
        byte_at(pl, g, p, to_row + b) = blank ? fill_byte(g, p, fill) : byte_at(pl, g, p, from_row + b);
  }
}

void graphics_clear(BiosContext& bios) {
  Planes pl = planes(bios);
  for (std::span<uint8_t> p : pl.p) std::fill(p.begin(), p.end(), uint8_t{0});
}

}  // namespace pxos

// INT 10h AH=11h. One function per subfunction group; the text fonts go
// straight into plane 2 (BiosConfig::video's plane()), character c of block
// b at (b & 3) * 16K + (b & 4) * 2K + c * 32, as the sequencer's character map
// select reads them (devices/vga.h, SR03). The forms that fit the rows to the
// font (AL=1xh) set CR09's maximum scan line, then the rows from the vertical
// display end, the BDA's rows, character height, page size and cursor shape
// (as SeaBIOS does).
#include "bios/video_font.h"

#include <algorithm>
#include <optional>
#include <span>

#include "bios/rom.h"
#include "bios/video_graphics.h"

namespace pxos {

namespace {

constexpr uint16_t kSeqIndex = 0x3C4;
constexpr uint8_t kSrCharMap = 0x03, kCrMaxScan = 0x09, kCrOverflow = 0x07, kCrVDisplayEnd = 0x12;
constexpr uint32_t kVecFont1F = 0x1F * 4, kVecFont43 = 0x43 * 4;

void set_vector(BiosContext& bios, uint32_t at, uint16_t seg, uint16_t off) {
  bios.mem.write16(at, off);
  bios.mem.write16(at + 2, seg);
}

uint16_t crtc_port(BiosContext& bios) { return bios.bda16(bda::kCrtcBase) == 0x3B4 ? 0x3B4 : 0x3D4; }
uint8_t crtc_read(BiosContext& bios, uint8_t index) {
  bios.ports->write(crtc_port(bios), 1, index);
  return uint8_t(bios.ports->read(uint16_t(crtc_port(bios) + 1), 1));
}
void crtc_write(BiosContext& bios, uint8_t index, uint8_t value) {
  bios.ports->write(crtc_port(bios), 1, index);
  bios.ports->write(uint16_t(crtc_port(bios) + 1), 1, value);
}

// Character block `block` (0-7) of plane 2: 256 characters of 32 bytes at
// (block & 3) * 16K + (block & 4) * 2K (empty: no card).
std::span<uint8_t> block_bytes(BiosContext& bios, uint8_t block) {
  const VideoCard& v = bios.config.video;
  if (!v.plane) return {};
  std::span<uint8_t> p = v.plane(2);
  const uint32_t base = uint32_t(block & 3) * 0x4000 + uint32_t(block & 4) * 0x800;
  return p.size() >= base + 256 * 32 ? p.subspan(base, 256 * 32) : std::span<uint8_t>{};
}

// Glyphs `first`..`first + count - 1` of `height` bytes each, read by `glyph_byte`
// (glyph i of the source, row r), into `block` of plane 2. Counts past
// character 255 are cut; `height` is 1-32.
template <typename Read>
void load_glyphs(BiosContext& bios, uint8_t block, uint32_t first, uint32_t count, int height, Read glyph_byte) {
  std::span<uint8_t> b = block_bytes(bios, block);
  if (b.empty() || first > 255) return;
  count = std::min<uint32_t>(count, 256 - first);
  for (uint32_t i = 0; i < count; ++i)
    for (int r = 0; r < height; ++r) b[(first + i) * 32 + uint32_t(r)] = glyph_byte(i, r);
}

// AL=1xh: the text rows fitted to characters `height` (1-32) scan lines high.
void fit_rows(BiosContext& bios, int height) {
  if (bios.ports) {
    crtc_write(bios, kCrMaxScan, uint8_t((crtc_read(bios, kCrMaxScan) & 0xE0) | (height - 1)));
  }
  int lines = 400;
  if (bios.ports) {
    const uint8_t overflow = crtc_read(bios, kCrOverflow);
    lines = (crtc_read(bios, kCrVDisplayEnd) | (overflow & 0x02) << 7 | (overflow & 0x40) << 3) + 1;
  }
  const int rows = std::clamp(lines / height, 1, 256);
  const uint16_t cols = bios.bda16(bda::kVideoColumns);
  bios.set_bda8(bda::kVideoRows, uint8_t(rows - 1));
  bios.set_bda16(bda::kCharHeight, uint16_t(height));
  // Pages of whole 2 KiB, as SeaBIOS rounds them.
  bios.set_bda16(bda::kVideoPageSize, uint16_t(std::min(0x8000, (cols * rows * 2 + 0x7FF) & ~0x7FF)));
  bios.set_bda16(bda::kCursorShape, height <= 8 ? 0x0607 : uint16_t((height - 3) << 8 | (height - 2)));
}

// AL=00h / 10h: CX characters from DX of BH bytes each at ES:BP into block BL.
void load_user_font(BiosContext& bios, BiosCall& c, bool fit) {
  const int height = c.bh();
  if (height < 1 || height > 32) return bios.log_unimplemented(c);  // no such character height
  const uint32_t src = bios.mem.real_linear(c.es(), c.bp());
  load_glyphs(bios, c.bl(), c.dx(), c.cx(), height,
              [&](uint32_t i, int r) { return bios.mem.read8(src + i * uint32_t(height) + uint32_t(r)); });
  if (fit) fit_rows(bios, height);
}

// AL=01h/02h/04h and 11h/12h/14h: the ROM's 8x14 / 8x8 / 8x16 font into block BL.
void load_rom_font(BiosContext& bios, BiosCall& c, int height, bool fit) {
  video_load_text_font(bios, height, c.bl());
  if (fit) fit_rows(bios, height);
}

// AL=03h: the character map select (SR03) from BL.
void set_block_specifier(BiosContext& bios, BiosCall& c) {
  if (!bios.ports) return;
  bios.ports->write(kSeqIndex, 1, kSrCharMap);
  bios.ports->write(kSeqIndex + 1, 1, c.bl() & 0x3F);
}

// AL=21h-24h: INT 43h at the font (`seg`:`off`) of `height` rows, the text
// rows from BL (0: DL, 1: 14, 2: 25, 3: 43; else, or DL = 0: the screen's
// height in characters).
void set_graphics_font(BiosContext& bios, BiosCall& c, uint16_t seg, uint16_t off, int height) {
  if (height < 1 || height > 32) return bios.log_unimplemented(c);
  set_vector(bios, kVecFont43, seg, off);
  int rows = 0;
  switch (c.bl()) {
    case 0: rows = c.dl(); break;
    case 1: rows = 14; break;
    case 2: rows = 25; break;
    case 3: rows = 43; break;
    default: break;
  }
  if (rows == 0) {  // the mode's pixel rows (a text mode's: its rows of characters)
    const std::optional<GraphicsLayout> g = graphics_layout(bios.bda8(bda::kVideoMode));
    const int lines = g ? g->height : (bios.bda8(bda::kVideoRows) + 1) * std::max<int>(1, bios.bda16(bda::kCharHeight));
    rows = std::clamp(lines / height, 1, 256);
  }
  bios.set_bda8(bda::kVideoRows, uint8_t(rows - 1));
  bios.set_bda16(bda::kCharHeight, uint16_t(height));
}

// AL=30h: CX = character height, DL = rows - 1, ES:BP = the font BH names
// (0: INT 1Fh, 1: INT 43h, 2: 8x14, 3: 8x8, 4: 8x8 upper half, 5: 9x14
// alternates, 6: 8x16, 7: 9x16 alternates; another BH leaves ES:BP).
void font_information(BiosContext& bios, BiosCall& c) {
  c.set_cx(bios.bda16(bda::kCharHeight));
  c.set_dl(bios.bda8(bda::kVideoRows));
  uint16_t seg = rom::kSegment, off = 0;
  switch (c.bh()) {
    case 0: off = bios.mem.read16(kVecFont1F), seg = bios.mem.read16(kVecFont1F + 2); break;
    case 1: off = bios.mem.read16(kVecFont43), seg = bios.mem.read16(kVecFont43 + 2); break;
    case 2: off = rom::kFont8x14; break;
    case 3: off = rom::kFont8x8; break;
    case 4: off = rom::kFont8x8 + 128 * 8; break;
    case 6: off = rom::kFont8x16; break;
    case 5:
    case 7: off = rom::kAltFontTable; break;
    default: return bios.log_unimplemented(c);
  }
  c.set_es(seg);
  c.set_bp(off);
}

}  // namespace

uint16_t video_rom_font(int height) {
  return height == 8 ? rom::kFont8x8 : height == 14 ? rom::kFont8x14 : rom::kFont8x16;
}

void video_set_font_vectors(BiosContext& bios, int height) {
  set_vector(bios, kVecFont1F, rom::kSegment, rom::kFont8x8 + 128 * 8);
  set_vector(bios, kVecFont43, rom::kSegment, video_rom_font(height));
  bios.set_bda16(bda::kCharHeight, uint16_t(height));
}

void video_load_text_font(BiosContext& bios, int height, uint8_t block) {
  const size_t h = height == 8 || height == 14 ? size_t(height) : 16;
  const uint8_t* font = bios.mem.readable_span(uint32_t{rom::kSegment} << 4 | video_rom_font(int(h)), 256 * h);
  std::span<uint8_t> b = block_bytes(bios, block);
  if (!font || b.empty()) return;
  for (size_t ch = 0; ch < 256; ++ch) {  // each glyph's rows, the rest of its 32 bytes zero
    std::copy_n(font + ch * h, h, b.begin() + ptrdiff_t(ch * 32));
    std::fill_n(b.begin() + ptrdiff_t(ch * 32 + h), 32 - h, uint8_t{0});
  }
}

void handle_1011(BiosContext& bios, BiosCall& c) {
  const uint8_t al = c.al();
  switch (al) {
    case 0x00:
    case 0x10: return load_user_font(bios, c, al & 0x10);
    case 0x01:
    case 0x11: return load_rom_font(bios, c, 14, al & 0x10);
    case 0x02:
    case 0x12: return load_rom_font(bios, c, 8, al & 0x10);
    case 0x04:
    case 0x14: return load_rom_font(bios, c, 16, al & 0x10);
    case 0x03: return set_block_specifier(bios, c);
    case 0x20: return set_vector(bios, kVecFont1F, c.es(), c.bp());
    case 0x21: return set_graphics_font(bios, c, c.es(), c.bp(), c.cx());
    case 0x22: return set_graphics_font(bios, c, rom::kSegment, rom::kFont8x14, 14);
    case 0x23: return set_graphics_font(bios, c, rom::kSegment, rom::kFont8x8, 8);
    case 0x24: return set_graphics_font(bios, c, rom::kSegment, rom::kFont8x16, 16);
    case 0x30: return font_information(bios, c);
    default: return bios.log_unimplemented(c);
  }
}

}  // namespace pxos

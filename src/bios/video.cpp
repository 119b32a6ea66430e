// INT 10h: video services for the text modes (0/1 40x25, 2/3 80x25 colour,
// 7 80x25 monochrome) and the standard graphics modes (04h-06h, 0Dh-13h:
// bios/video_graphics.h draws their pixels and characters; palettes in
// bios/video_palette.h). The screen is the display card's memory, reached as
// the CPU reaches it (BiosConfig::video; guest RAM when there is no card);
// text printed by teletype is also echoed to the host. One function per
// subfunction (handle_100E is teletype output), one switch on AH.
#include "bios/video.h"

#include <algorithm>
#include <cstring>

#include "bios/vbe.h"
#include "bios/video_font.h"
#include "bios/video_graphics.h"
#include "bios/video_palette.h"
#include "bios/video_state.h"

namespace pxos {

namespace {

// The text mode the BDA describes.
struct TextMode {
  uint8_t mode;
  uint32_t base;  // linear address of page 0
  uint8_t cols, rows;
  uint16_t page_size;
  // Pages wrap in the 32 KiB the text window has.
  uint32_t page_base(uint8_t page) const { return base + uint32_t(page & 7) * page_size % 0x8000; }
  uint32_t cell(uint8_t page, uint8_t row, uint8_t col) const { return page_base(page) + 2u * (row * cols + col); }
};

TextMode text_mode(BiosContext& bios) {
  TextMode t;
  t.mode = bios.bda8(bda::kVideoMode);
  t.base = t.mode == 7 ? 0xB0000 : 0xB8000;
  t.cols = uint8_t(std::clamp<uint16_t>(bios.bda16(bda::kVideoColumns), 1, 80));
  t.rows = uint8_t(std::clamp<uint8_t>(bios.bda8(bda::kVideoRows) + 1, 1, 50));
  // The BDA's page size (AH=11h makes it larger for more rows), at least
  // one screen.
  t.page_size = uint16_t(std::clamp<uint32_t>(bios.bda16(bda::kVideoPageSize), 2u * t.cols * t.rows, 0x8000));
  return t;
}

// The BDA word that holds a page's cursor (row << 8 | column).
uint16_t cursor_of(uint8_t page) { return uint16_t(bda::kCursorPos + 2 * (page & 7)); }

// Memory at a linear address as the CPU sees it: A0000h-BFFFFh is the
// card's (through its CPU window) when the machine has one, the rest guest RAM.
constexpr uint32_t kWindowBase = 0xA0000, kWindowSize = 0x20000;
uint8_t vread8(BiosContext& bios, uint32_t addr) {
  const VideoCard& v = bios.config.video;
  return v.write && addr - kWindowBase < kWindowSize ? v.read(addr - kWindowBase) : bios.mem.read8(addr);
}
void vwrite8(BiosContext& bios, uint32_t addr, uint8_t value) {
  const VideoCard& v = bios.config.video;
  if (v.write && addr - kWindowBase < kWindowSize) return v.write(addr - kWindowBase, value);
  bios.mem.write8(addr, value);
}
uint16_t vread16(BiosContext& bios, uint32_t addr) {
  return uint16_t(vread8(bios, addr) | vread8(bios, addr + 1) << 8);
}
void vwrite16(BiosContext& bios, uint32_t addr, uint16_t value) {
  vwrite8(bios, addr, uint8_t(value));
  vwrite8(bios, addr + 1, uint8_t(value >> 8));
}
// A host pointer to text memory when it is plain guest RAM (no card), for
// block moves; else nullptr.
uint8_t* text_ram(BiosContext& bios, uint32_t addr, uint32_t len) {
  return bios.config.video.write ? nullptr : bios.mem.ram_span(addr, len);
}

// Whether [addr, addr + len) lies in the card's window: block moves go
// through the card's own copy and fill.
bool in_card(BiosContext& bios, uint32_t addr, uint32_t len) {
  const VideoCard& v = bios.config.video;
  return v.write && v.copy && v.fill16 && addr >= kWindowBase && addr - kWindowBase <= kWindowSize &&
         len <= kWindowSize - (addr - kWindowBase);
}

// Moves `len` bytes of video memory from `from` to `to` (overlap allowed).
void move_bytes(BiosContext& bios, uint32_t to, uint32_t from, uint32_t len) {
  if (in_card(bios, to, len) && in_card(bios, from, len))
    return bios.config.video.copy(to - kWindowBase, from - kWindowBase, len);
  uint8_t* d = text_ram(bios, to, len);
  const uint8_t* s = text_ram(bios, from, len);
  if (d && s) return (void)std::memmove(d, s, len);
  for (uint32_t i = 0; i < len; ++i) {  // off RAM: byte by byte, in the direction that never rereads
    const uint32_t k = to < from ? i : len - 1 - i;
    vwrite8(bios, to + k, vread8(bios, from + k));
  }
}

// Writes `count` character cells of `cell` (attribute << 8 | character) from `addr`.
void fill_cells(BiosContext& bios, uint32_t addr, uint32_t count, uint16_t cell) {
  if (count == 0) return;
  if (in_card(bios, addr, 2u * count)) return bios.config.video.fill16(addr - kWindowBase, count, cell);
  if (uint8_t* p = text_ram(bios, addr, 2u * count)) {
    // One cell, then copies of what is done so far: a few memcpys rather
    // than a loop over up to 64 Ki cells.
    p[0] = uint8_t(cell), p[1] = uint8_t(cell >> 8);
    const size_t total = 2u * count;
    for (size_t done = 2; done < total; done *= 2) std::memcpy(p + done, p, std::min(done, total - done));
    return;
  }
  for (uint32_t i = 0; i < count; ++i) vwrite16(bios, addr + 2 * i, cell);  // the card, or off RAM: cell by cell
}

// The characters of teletype output that move the cursor instead of printing.
bool is_control(uint8_t ch) { return ch == 7 || ch == 8 || ch == 10 || ch == 13; }

// A window as wide as the screen is one block of rows: it moves in a few
// copies and its new rows are one fill, the same bytes as row by row (all the
// moves come before the blank rows there too). False, having done nothing,
// for a narrower window or one that does not lie in RAM.
bool scroll_full_rows(BiosContext& bios, const TextMode& t, uint8_t page, bool up, uint8_t lines, uint8_t attr,
                      uint8_t top, uint8_t height, uint32_t width) {
  if (width != 2u * t.cols) return false;
  const uint32_t window = t.cell(page, top, 0), bytes = height * width, moved = (height - lines) * width;
  const uint32_t shift = lines * width;
  const uint16_t blank = uint16_t(attr << 8 | ' ');
  if (in_card(bios, window, bytes)) {
    move_bytes(bios, up ? window : window + shift, up ? window + shift : window, moved);
    fill_cells(bios, up ? window + moved : window, shift / 2, blank);
    return true;
  }
  uint8_t* p = text_ram(bios, window, bytes);
  if (!p) return false;
  // In chunks no longer than the shift, which never overlap, so memcpy
  // serves: memmove is a byte loop under AddressSanitizer, and teletype
  // output scrolls the whole screen once a line.
  if (up) {
    for (uint32_t off = 0; off < moved; off += shift)
      std::memcpy(p + off, p + off + shift, std::min(shift, moved - off));
    fill_cells(bios, window + moved, shift / 2, blank);
  } else {
    for (uint32_t end = moved; end > 0;) {
      const uint32_t n = std::min(shift, end);
      end -= n;
      std::memcpy(p + shift + end, p + end, n);
    }
    fill_cells(bios, window, shift / 2, blank);
  }
  return true;
}

// Scrolls the window (top, left)-(bottom, right) of the active page up or
// down by `lines` (0: all), filling new rows with blanks of `attr`.
void scroll(BiosContext& bios, bool up, uint8_t lines, uint8_t attr, uint8_t top, uint8_t left, uint8_t bottom,
            uint8_t right) {
  TextMode t = text_mode(bios);
  if (const std::optional<GraphicsLayout> g = graphics_layout(t.mode))
    return graphics_scroll(bios, *g, up, lines, attr, top, left, bottom, right);
  uint8_t page = bios.bda8(bda::kActivePage);
  bottom = std::min<uint8_t>(bottom, t.rows - 1);
  right = std::min<uint8_t>(right, t.cols - 1);
  if (top > bottom || left > right) return;
  uint8_t height = bottom - top + 1;
  if (lines == 0 || lines > height) lines = height;
  const uint32_t width = 2u * (right - left + 1);  // bytes of one row of the window
  if (scroll_full_rows(bios, t, page, up, lines, attr, top, height, width)) return;
  for (int i = 0; i < height; ++i) {
    int row = up ? top + i : bottom - i;
    int src = up ? row + lines : row - lines;
    bool blank = up ? src > bottom : src < top;
    uint32_t to = t.cell(page, uint8_t(row), left);
    uint32_t from = blank ? 0 : t.cell(page, uint8_t(src), left);  // unused when blank
    // A row of the window is contiguous: move it at once while it is plain RAM.
    if (blank) {
      fill_cells(bios, to, width / 2, uint16_t(attr << 8 | ' '));
      continue;
    }
    move_bytes(bios, to, from, width);  // two different rows of the page
  }
}

// One character of teletype output on `page`: printed at its cursor, or a
// control character (bell, backspace, line feed, carriage return) obeyed; the
// active page scrolls up at its bottom. `echo`: also to the host. In a
// graphics mode the character is drawn in `colour`.
void teletype_on_page(BiosContext& bios, const TextMode& t, uint8_t page, uint8_t ch, bool echo,
                      uint8_t colour = 0x07) {
  page &= 7;
  const std::optional<GraphicsLayout> g = graphics_layout(t.mode);
  uint16_t pos = bios.bda16(cursor_of(page));
  uint8_t col = uint8_t(pos), row = uint8_t(pos >> 8);
  switch (ch) {
    case 7: break;
    case 8:
      if (col > 0) --col;
      break;
    case 10: ++row; break;
    case 13: col = 0; break;
    default:
      if (row < t.rows && col < t.cols && g)
        graphics_draw_char(bios, *g, page, row, col, ch, colour);
      else if (row < t.rows && col < t.cols)
        vwrite8(bios, t.cell(page, row, col), ch);
      if (++col >= t.cols) {
        col = 0;
        ++row;
      }
  }
  if (row >= t.rows) {
    row = t.rows - 1;
    uint8_t attr = g ? 0 : vread8(bios, t.cell(page, row, std::min<uint8_t>(col, t.cols - 1)) + 1);
    if (page == bios.bda8(bda::kActivePage))
      scroll(bios, true, 1, attr || g ? attr : 0x07, 0, 0, t.rows - 1, t.cols - 1);
  }
  bios.set_bda16(cursor_of(page), uint16_t(row << 8 | col));
  if (echo && bios.config.on_teletype) bios.config.on_teletype(char(ch));
}

// Characters i.. of an AH=13h string that print and end before the last
// column of the cursor's row, written as write_string would one by one;
// returns how many (0: the next one goes the careful way). The string must
// lie in readable memory apart from the cells and the cursor it changes, so
// that the order of reads and writes does not matter.
uint32_t write_string_run(BiosContext& bios, const TextMode& t, uint8_t page, uint32_t src, uint32_t i, uint32_t left,
                          bool attrs, uint8_t attr, bool echo) {
  const uint32_t cursor = bda::kBase + cursor_of(page);
  const uint16_t pos = bios.bda16(cursor_of(page));
  const uint8_t row = uint8_t(pos >> 8), col = uint8_t(pos);
  if (row >= t.rows || col + 1u >= t.cols || graphics_layout(t.mode)) return 0;
  const uint32_t k = std::min<uint32_t>(left, t.cols - 1u - col), step = attrs ? 2 : 1;
  const uint32_t from = src + step * i, to = t.cell(page, row, col);
  auto overlaps = [&](uint32_t a, uint32_t len) { return from < a + len && a < from + step * k; };
  if (overlaps(to, 2 * k) || overlaps(cursor, 2)) return 0;
  const uint8_t* s = bios.mem.readable_span(from, step * k);
  if (!s) return 0;
  uint8_t* d = text_ram(bios, to, 2 * k);  // else cell by cell through the card
  uint32_t n = 0;
  for (; n < k && !is_control(s[step * n]); ++n) {
    const uint8_t a = attrs ? s[2 * n + 1] : attr;
    if (d) {
      d[2 * n] = s[step * n];
      d[2 * n + 1] = a;
    } else {
      vwrite8(bios, to + 2 * n, s[step * n]);
      vwrite8(bios, to + 2 * n + 1, a);
    }
    if (echo && bios.config.on_teletype) bios.config.on_teletype(char(s[step * n]));
  }
  if (n) bios.set_bda16(cursor_of(page), uint16_t(row << 8 | (col + n)));
  return n;
}

// Unimplemented: logged, registers left as they were.
void handle_10XX(BiosContext& bios, BiosCall& c) { bios.log_unimplemented(c); }

// The character height of graphics mode `mode`: 8 in the 200-line modes, 14
// in the 350-line ones, 16 in 640x480.
int graphics_font_height(uint8_t mode) {
  switch (mode) {
    case 0x0F:
    case 0x10: return 14;
    case 0x11:
    case 0x12: return 16;
    default: return 8;
  }
}

// A standard graphics mode: the card's registers and palette, its memory
// cleared (unless `clear` is false), the BDA, and INT 43h at the mode's font.
void set_graphics_mode(BiosContext& bios, const GraphicsLayout& g, bool clear) {
  const VideoCard& v = bios.config.video;
  if (v.set_mode) v.set_mode(g.mode);
  if (clear) graphics_clear(bios);
  bios.set_bda8(bda::kVideoMode, g.mode);
  bios.set_bda16(bda::kVideoColumns, uint16_t(g.width / 8));
  bios.set_bda16(bda::kVideoPageSize, uint16_t(g.page_size));
  bios.set_bda16(bda::kVideoPageStart, 0);
  for (uint8_t p = 0; p < 8; ++p) bios.set_bda16(cursor_of(p), 0);
  bios.set_bda8(bda::kActivePage, 0);
  bios.set_bda16(bda::kCrtcBase, 0x3D4);
  const int height = graphics_font_height(g.mode);
  video_set_font_vectors(bios, height);
  bios.set_bda8(bda::kVideoRows, uint8_t(g.height / height - 1));
}

// AH=00h: set mode AL (bit 7: keep video memory).
void handle_1000(BiosContext& bios, BiosCall& c) {
  uint8_t mode = c.al() & 0x7F;
  const bool clear = !(c.al() & 0x80);
  if (mode <= 3 || mode == 7) {
    video_set_mode(bios, mode, clear);
  } else if (const std::optional<GraphicsLayout> g = graphics_layout(mode)) {
    set_graphics_mode(bios, *g, clear);
  } else {
    // No such mode: the number is kept (AH=0Fh reports it, the front end
    // names it), and the call is logged.
    bios.set_bda8(bda::kVideoMode, mode);
    return handle_10XX(bios, c);
  }
  c.set_al(mode == 6 || mode == 7 ? 0x3F : 0x30);
}

// AH=01h: cursor shape CX.
void handle_1001(BiosContext& bios, BiosCall& c) { bios.set_bda16(bda::kCursorShape, c.cx()); }

// AH=02h: cursor of page BH to DX.
void handle_1002(BiosContext& bios, BiosCall& c) { bios.set_bda16(cursor_of(c.bh()), c.dx()); }

// AH=03h: cursor of page BH in DX, its shape in CX.
void handle_1003(BiosContext& bios, BiosCall& c) {
  c.set_dx(bios.bda16(cursor_of(c.bh())));
  c.set_cx(bios.bda16(bda::kCursorShape));
  c.set_ax(0);
}

// The pages of a graphics mode: those of its page size that fit in a 64 KiB
// plane (0Dh 8, 0Eh 4, 0Fh/10h 2); the CGA modes and 13h have one.
int graphics_pages(const GraphicsLayout& g) {
  return g.kind == GraphicsLayout::Kind::kPlanar ? int(0x10000 / g.page_size) : 1;
}

// AH=05h: select active page AL (in a graphics mode, one it has: the CRTC
// shows it from its first byte).
void handle_1005(BiosContext& bios, BiosCall& c) {
  if (c.al() >= 8) return;
  if (const std::optional<GraphicsLayout> g = graphics_layout(bios.bda8(bda::kVideoMode))) {
    if (c.al() >= graphics_pages(*g)) return;
    const uint16_t start = uint16_t(c.al() * g->page_size);
    bios.set_bda8(bda::kActivePage, c.al());
    bios.set_bda16(bda::kVideoPageStart, start);
    if (!bios.ports) return;
    const uint16_t crtc = 0x3D4;
    bios.ports->write(crtc, 1, 0x0C);
    bios.ports->write(crtc + 1, 1, uint8_t(start >> 8));
    bios.ports->write(crtc, 1, 0x0D);
    bios.ports->write(crtc + 1, 1, uint8_t(start));
    return;
  }
  const TextMode t = text_mode(bios);
  if (uint32_t(c.al()) * t.page_size >= 0x8000) return;  // past the text window
  bios.set_bda8(bda::kActivePage, c.al());
  bios.set_bda16(bda::kVideoPageStart, uint16_t(c.al() * t.page_size));
}

// AH=06h / 07h: scroll the window CH,CL - DH,DL up / down AL lines, new
// rows of attribute BH.
void handle_1006(BiosContext& bios, BiosCall& c) { scroll(bios, true, c.al(), c.bh(), c.ch(), c.cl(), c.dh(), c.dl()); }
void handle_1007(BiosContext& bios, BiosCall& c) {
  scroll(bios, false, c.al(), c.bh(), c.ch(), c.cl(), c.dh(), c.dl());
}

// AH=08h: the character and attribute at the cursor of page BH, in AX. In a
// graphics mode AL is the character of the INT 43h font whose shape the
// cell's set pixels have (0: none), AH 0.
void handle_1008(BiosContext& bios, BiosCall& c) {
  TextMode t = text_mode(bios);
  uint16_t pos = bios.bda16(cursor_of(c.bh()));
  uint8_t row = std::min<uint8_t>(uint8_t(pos >> 8), t.rows - 1), col = std::min<uint8_t>(uint8_t(pos), t.cols - 1);
  if (const std::optional<GraphicsLayout> g = graphics_layout(t.mode))
    return c.set_ax(graphics_read_char(bios, *g, c.bh(), row, col));
  c.set_ax(vread16(bios, t.cell(c.bh(), row, col)));
}

// AH=09h / 0Ah: character AL (with attribute BL: AH=09h) CX times from the
// cursor of page BH, which does not move.
void write_chars(BiosContext& bios, BiosCall& c, bool with_attr) {
  TextMode t = text_mode(bios);
  uint16_t pos = bios.bda16(cursor_of(c.bh()));
  uint32_t start = uint32_t(uint8_t(pos >> 8)) * t.cols + uint8_t(pos);
  uint32_t end = std::min<uint32_t>(start + c.cx(), uint32_t{t.rows} * t.cols);
  if (start >= end) return;
  if (const std::optional<GraphicsLayout> g = graphics_layout(t.mode)) {  // both in colour BL
    for (uint32_t i = start; i < end; ++i)
      graphics_draw_char(bios, *g, c.bh(), int(i / t.cols), int(i % t.cols), c.al(), c.bl());
    return;
  }
  uint32_t first = t.page_base(c.bh()) + 2 * start;
  if (with_attr) return fill_cells(bios, first, end - start, uint16_t(c.bl() << 8 | c.al()));
  if (uint8_t* p = text_ram(bios, first, 2 * (end - start))) {
    for (uint32_t i = 0; i < end - start; ++i) p[2 * i] = c.al();
    return;
  }
  for (uint32_t i = start; i < end; ++i) vwrite8(bios, t.page_base(c.bh()) + 2 * i, c.al());  // the card, or off RAM
}
void handle_1009(BiosContext& bios, BiosCall& c) { write_chars(bios, c, true); }
void handle_100A(BiosContext& bios, BiosCall& c) { write_chars(bios, c, false); }

// AH=0Ch: pixel (CX, DX) of page BH in colour AL (bit 7: XOR), in a graphics mode.
void handle_100C(BiosContext& bios, BiosCall& c) {
  if (const std::optional<GraphicsLayout> g = graphics_layout(bios.bda8(bda::kVideoMode)))
    graphics_write_pixel(bios, *g, c.bh(), c.cx(), c.dx(), c.al());
}

// AH=0Dh: the colour of pixel (CX, DX) of page BH in AL.
void handle_100D(BiosContext& bios, BiosCall& c) {
  const std::optional<GraphicsLayout> g = graphics_layout(bios.bda8(bda::kVideoMode));
  c.set_al(g ? graphics_read_pixel(bios, *g, c.bh(), c.cx(), c.dx()) : 0);
}

// AH=0Eh: teletype output of AL on the active page (in colour BL in a
// graphics mode).
void handle_100E(BiosContext& bios, BiosCall& c) {
  teletype_on_page(bios, text_mode(bios), bios.bda8(bda::kActivePage), c.al(), true, c.bl());
}

// AH=0Fh: the mode in AL, the columns in AH, the active page in BH.
void handle_100F(BiosContext& bios, BiosCall& c) {
  TextMode t = text_mode(bios);
  c.set_al(t.mode);
  c.set_ah(t.cols);
  c.set_bh(bios.bda8(bda::kActivePage));
}

// AH=12h: alternate select. BL=10h, EGA/VGA information: colour, 256 KiB,
// switches 9; the others are accepted.
void handle_1012(BiosContext&, BiosCall& c) {
  if (c.bl() != 0x10) return c.set_al(0x12);
  c.set_bx(0x0003);
  c.set_cx(0x0009);
}

// AH=13h: write the string at ES:BP, CX characters (AL bit 1: each followed
// by its attribute, else all in BL), at DH:DL on page BH (AL bit 0: the
// cursor stays after it). Each character goes as through teletype, its
// attribute first (for one that prints). Runs of printing characters that
// stay in one row are written at once where that cannot change what is read
// next.
void handle_1013(BiosContext& bios, BiosCall& c) {
  const TextMode t = text_mode(bios);
  const uint8_t page = c.bh() & 7;
  const bool attrs = c.al() & 2, move = c.al() & 1;
  const bool active = page == bios.bda8(bda::kActivePage);  // no write below touches the BDA byte
  const uint16_t saved = bios.bda16(cursor_of(page));
  bios.set_bda16(cursor_of(page), c.dx());
  const uint32_t src = bios.mem.real_linear(c.es(), c.bp());
  for (uint32_t i = 0; i < c.cx();) {
    if (uint32_t n = write_string_run(bios, t, page, src, i, c.cx() - i, attrs, c.bl(), active)) {
      i += n;
      continue;
    }
    uint8_t ch = vread8(bios, src + (attrs ? 2 * i : i));
    uint8_t attr = attrs ? vread8(bios, src + 2 * i + 1) : c.bl();
    if (!is_control(ch) && !graphics_layout(t.mode)) {
      uint16_t pos = bios.bda16(cursor_of(page));
      uint8_t row = std::min<uint8_t>(uint8_t(pos >> 8), t.rows - 1), col = std::min<uint8_t>(uint8_t(pos), t.cols - 1);
      vwrite8(bios, t.cell(page, row, col) + 1, attr);
    }
    teletype_on_page(bios, t, page, ch, active, attr);
    ++i;
  }
  if (!move) bios.set_bda16(cursor_of(page), saved);
}

void dispatch_10(BiosContext& bios, BiosCall& c) {
  switch (c.ah()) {
    case 0x00: return handle_1000(bios, c);
    case 0x01: return handle_1001(bios, c);
    case 0x02: return handle_1002(bios, c);
    case 0x03: return handle_1003(bios, c);
    case 0x05: return handle_1005(bios, c);
    case 0x06: return handle_1006(bios, c);
    case 0x07: return handle_1007(bios, c);
    case 0x08: return handle_1008(bios, c);
    case 0x09: return handle_1009(bios, c);
    case 0x0A: return handle_100A(bios, c);
    case 0x0B: return handle_100B(bios, c);
    case 0x0C: return handle_100C(bios, c);
    case 0x0D: return handle_100D(bios, c);
    case 0x0E: return handle_100E(bios, c);
    case 0x0F: return handle_100F(bios, c);
    case 0x10: return handle_1010(bios, c);
    case 0x11: return handle_1011(bios, c);
    case 0x12: return handle_1012(bios, c);
    case 0x13: return handle_1013(bios, c);
    case 0x1A: return handle_101A(bios, c);
    case 0x1B: return handle_101B(bios, c);
    case 0x1C: return handle_101C(bios, c);
    case 0x4F: return handle_104F(bios, c);
    default: return handle_10XX(bios, c);
  }
}

}  // namespace

void handle_10(BiosContext& bios, BiosCall& c) {
  dispatch_10(bios, c);
  video_sync_crtc(bios);
}

void video_set_mode(BiosContext& bios, uint8_t mode, bool clear) {
  const VideoCard& v = bios.config.video;
  if (v.set_mode && v.set_mode(mode)) video_load_text_font(bios, 16, 0);
  uint8_t cols = mode <= 1 ? 40 : 80;
  bios.set_bda8(bda::kVideoMode, mode);
  bios.set_bda16(bda::kVideoColumns, cols);
  bios.set_bda16(bda::kVideoPageSize, cols == 40 ? 0x800 : 0x1000);
  bios.set_bda16(bda::kVideoPageStart, 0);
  for (uint8_t p = 0; p < 8; ++p) bios.set_bda16(cursor_of(p), 0);
  bios.set_bda16(bda::kCursorShape, mode == 7 ? 0x0B0C : 0x0607);
  bios.set_bda8(bda::kActivePage, 0);
  bios.set_bda16(bda::kCrtcBase, mode == 7 ? 0x3B4 : 0x3D4);
  bios.set_bda8(bda::kVideoRows, 24);
  video_set_font_vectors(bios, 16);
  if (clear) fill_cells(bios, text_mode(bios).base, 0x4000, 0x0720);
}

// CRTC registers 0Ch/0Dh start address, 0Ah/0Bh cursor shape, 0Eh/0Fh
// cursor location.
void video_sync_crtc(BiosContext& bios) {
  if (!bios.ports) return;
  TextMode t = text_mode(bios);
  if (graphics_layout(t.mode)) return;  // no cursor; the start address is the guest's
  uint8_t page = bios.bda8(bda::kActivePage);
  // The page as the BDA holds it, not masked to 0-7 as BH is in the calls
  // (a page past 7 takes its cursor from the bytes after the table).
  uint16_t pos = bios.bda16(uint16_t(bda::kCursorPos + 2 * page)), shape = bios.bda16(bda::kCursorShape);
  uint16_t start = uint16_t(bios.bda16(bda::kVideoPageStart) / 2);
  uint16_t cursor = uint16_t(start + (pos >> 8) * t.cols + (pos & 0xFF));
  uint16_t crtc = bios.bda16(bda::kCrtcBase) == 0x3B4 ? 0x3B4 : 0x3D4;
  const uint8_t regs[][2] = {{0x0A, uint8_t(shape >> 8)}, {0x0B, uint8_t(shape)},       {0x0C, uint8_t(start >> 8)},
                             {0x0D, uint8_t(start)},      {0x0E, uint8_t(cursor >> 8)}, {0x0F, uint8_t(cursor)}};
  // Twelve port writes after every call: straight to the card where it
  // takes them (a quarter of a teletype call's time through the bus).
  const auto& direct = bios.config.video.port_write;
  for (const auto& r : regs) {
    if (direct) {
      direct(crtc, r[0]);
      direct(uint16_t(crtc + 1), r[1]);
    } else {
      bios.ports->write(crtc, 1, r[0]);
      bios.ports->write(crtc + 1, 1, r[1]);
    }
  }
}

void video_print(BiosContext& bios, std::string_view s) {
  for (char ch : s) teletype_on_page(bios, text_mode(bios), bios.bda8(bda::kActivePage), uint8_t(ch), true);
}

}  // namespace pxos

// INT 10h: video services for the text modes (0/1 40x25, 2/3 80x25 colour,
// 7 80x25 monochrome). The screen is VGA text memory in guest RAM; text
// printed by teletype is also echoed to the host.
#include <algorithm>
#include <cstring>

#include "bios/bios.h"
#include "bios/rom.h"

namespace pxos {

struct Bios::TextMode {
  uint8_t mode;
  uint32_t base;  // linear address of page 0
  uint8_t cols, rows;
  uint16_t page_size;
  uint32_t page_base(uint8_t page) const { return base + uint32_t(page & 7) * page_size; }
  uint32_t cell(uint8_t page, uint8_t row, uint8_t col) const { return page_base(page) + 2u * (row * cols + col); }
};

namespace {

// Writes `count` character cells of `cell` (attribute << 8 | character) from `addr`.
void fill_cells(GuestMemory& mem, uint32_t addr, uint32_t count, uint16_t cell) {
  if (count == 0) return;
  if (uint8_t* p = mem.ram_span(addr, 2u * count)) {
    // One cell, then copies of what is done so far: a few memcpys rather
    // than a loop over up to 64 Ki cells.
    p[0] = uint8_t(cell), p[1] = uint8_t(cell >> 8);
    const size_t total = 2u * count;
    for (size_t done = 2; done < total; done *= 2) std::memcpy(p + done, p, std::min(done, total - done));
    return;
  }
  for (uint32_t i = 0; i < count; ++i) mem.write16(addr + 2 * i, cell);  // runs off RAM: checked, cell by cell
}

// The characters of teletype output that move the cursor instead of printing.
bool is_control(uint8_t ch) { return ch == 7 || ch == 8 || ch == 10 || ch == 13; }

}  // namespace

Bios::TextMode Bios::text_mode() {
  TextMode t;
  t.mode = ctx_.bda8(bda::kVideoMode);
  t.base = t.mode == 7 ? 0xB0000 : 0xB8000;
  t.cols = uint8_t(std::clamp<uint16_t>(ctx_.bda16(bda::kVideoColumns), 1, 80));
  t.rows = uint8_t(std::clamp<uint8_t>(ctx_.bda8(bda::kVideoRows) + 1, 1, 50));
  t.page_size = t.cols == 40 ? 0x800 : 0x1000;
  return t;
}

void Bios::set_video_mode(uint8_t mode) {
  uint8_t cols = mode <= 1 ? 40 : 80;
  ctx_.set_bda8(bda::kVideoMode, mode);
  ctx_.set_bda16(bda::kVideoColumns, cols);
  ctx_.set_bda16(bda::kVideoPageSize, cols == 40 ? 0x800 : 0x1000);
  ctx_.set_bda16(bda::kVideoPageStart, 0);
  for (int p = 0; p < 8; ++p) ctx_.set_bda16(bda::kCursorPos + 2 * p, 0);
  ctx_.set_bda16(bda::kCursorShape, mode == 7 ? 0x0B0C : 0x0607);
  ctx_.set_bda8(bda::kActivePage, 0);
  ctx_.set_bda16(bda::kCrtcBase, mode == 7 ? 0x3B4 : 0x3D4);
  ctx_.set_bda8(bda::kVideoRows, 24);
  ctx_.set_bda16(bda::kCharHeight, 16);
  TextMode t = text_mode();
  fill_cells(ctx_.mem, t.base, 0x2000, 0x0720);
}

void Bios::scroll(bool up, uint8_t lines, uint8_t attr, uint8_t top, uint8_t left, uint8_t bottom, uint8_t right) {
  TextMode t = text_mode();
  uint8_t page = ctx_.bda8(bda::kActivePage);
  bottom = std::min<uint8_t>(bottom, t.rows - 1);
  right = std::min<uint8_t>(right, t.cols - 1);
  if (top > bottom || left > right) return;
  uint8_t height = bottom - top + 1;
  if (lines == 0 || lines > height) lines = height;
  const uint32_t width = 2u * (right - left + 1);  // bytes of one row of the window
  if (scroll_full_rows(t, page, up, lines, attr, top, height, width)) return;
  for (int i = 0; i < height; ++i) {
    int row = up ? top + i : bottom - i;
    int src = up ? row + lines : row - lines;
    bool blank = up ? src > bottom : src < top;
    uint32_t to = t.cell(page, uint8_t(row), left);
    uint32_t from = blank ? 0 : t.cell(page, uint8_t(src), left);  // unused when blank
    // A row of the window is contiguous: move it at once while it is plain RAM.
    if (blank) {
      fill_cells(ctx_.mem, to, width / 2, uint16_t(attr << 8 | ' '));
      continue;
    }
    uint8_t* d = ctx_.mem.ram_span(to, width);
    const uint8_t* s = ctx_.mem.readable_span(from, width);
    if (d && s) {
      std::memcpy(d, s, width);  // two different rows of the page
      continue;
    }
    for (uint32_t b = 0; b < width; b += 2) ctx_.mem.write16(to + b, ctx_.mem.read16(from + b));  // runs off RAM: checked
  }
}

// A window as wide as the screen is one block of rows: it moves in a few
// copies and its new rows are one fill, the same bytes as row by row (all the
// moves come before the blank rows there too). False, having done nothing,
// for a narrower window or one that does not lie in RAM.
bool Bios::scroll_full_rows(const TextMode& t, uint8_t page, bool up, uint8_t lines, uint8_t attr, uint8_t top,
                            uint8_t height, uint32_t width) {
  if (width != 2u * t.cols) return false;
  const uint32_t window = t.cell(page, top, 0), bytes = height * width, moved = (height - lines) * width;
  uint8_t* p = ctx_.mem.ram_span(window, bytes);
  if (!p) return false;
  const uint32_t shift = lines * width;
  const uint16_t blank = uint16_t(attr << 8 | ' ');
  // In chunks no longer than the shift, which never overlap, so memcpy
  // serves: memmove is a byte loop under AddressSanitizer, and teletype
  // output scrolls the whole screen once a line.
  if (up) {
    for (uint32_t off = 0; off < moved; off += shift)
      std::memcpy(p + off, p + off + shift, std::min(shift, moved - off));
    fill_cells(ctx_.mem, window + moved, shift / 2, blank);
  } else {
    for (uint32_t end = moved; end > 0;) {
      const uint32_t n = std::min(shift, end);
      end -= n;
      std::memcpy(p + shift + end, p + end, n);
    }
    fill_cells(ctx_.mem, window, shift / 2, blank);
  }
  return true;
}

void Bios::teletype_on_page(uint8_t page, uint8_t ch, bool echo) { teletype_on_page(text_mode(), page, ch, echo); }

void Bios::teletype_on_page(const TextMode& t, uint8_t page, uint8_t ch, bool echo) {
  page &= 7;
  uint16_t pos = ctx_.bda16(bda::kCursorPos + 2 * page);
  uint8_t col = uint8_t(pos), row = uint8_t(pos >> 8);
  switch (ch) {
    case 7: break;
    case 8:
      if (col > 0) --col;
      break;
    case 10: ++row; break;
    case 13: col = 0; break;
    default:
      if (row < t.rows && col < t.cols) ctx_.mem.write8(t.cell(page, row, col), ch);
      if (++col >= t.cols) {
        col = 0;
        ++row;
      }
  }
  if (row >= t.rows) {
    row = t.rows - 1;
    uint8_t attr = ctx_.mem.read8(t.cell(page, row, std::min<uint8_t>(col, t.cols - 1)) + 1);
    if (page == ctx_.bda8(bda::kActivePage)) scroll(true, 1, attr ? attr : 0x07, 0, 0, t.rows - 1, t.cols - 1);
  }
  ctx_.set_bda16(bda::kCursorPos + 2 * page, uint16_t(row << 8 | col));
  if (echo && ctx_.config.on_teletype) ctx_.config.on_teletype(char(ch));
}

void Bios::teletype(uint8_t ch) { teletype_on_page(ctx_.bda8(bda::kActivePage), ch, true); }

void Bios::print(const std::string& s) {
  for (char ch : s) teletype(uint8_t(ch));
}

// Points the VGA's CRTC at the active page and its cursor (registers 0Ch/0Dh
// start address, 0Ah/0Bh cursor shape, 0Eh/0Fh cursor location), through
// its ports as a guest would.
void Bios::sync_crtc() {
  if (!ctx_.ports) return;
  TextMode t = text_mode();
  uint8_t page = ctx_.bda8(bda::kActivePage);
  uint16_t pos = ctx_.bda16(bda::kCursorPos + 2 * page), shape = ctx_.bda16(bda::kCursorShape);
  uint16_t start = uint16_t(ctx_.bda16(bda::kVideoPageStart) / 2);
  uint16_t cursor = uint16_t(start + (pos >> 8) * t.cols + (pos & 0xFF));
  uint16_t crtc = ctx_.bda16(bda::kCrtcBase) == 0x3B4 ? 0x3B4 : 0x3D4;
  const uint8_t regs[][2] = {{0x0A, uint8_t(shape >> 8)}, {0x0B, uint8_t(shape)},       {0x0C, uint8_t(start >> 8)},
                             {0x0D, uint8_t(start)},      {0x0E, uint8_t(cursor >> 8)}, {0x0F, uint8_t(cursor)}};
  for (const auto& r : regs) {
    ctx_.ports->write(crtc, 1, r[0]);
    ctx_.ports->write(crtc + 1, 1, r[1]);
  }
}

void Bios::int10(BiosCall& c) {
  int10_service(c);
  sync_crtc();
}

void Bios::int10_service(BiosCall& c) {
  TextMode t = text_mode();
  switch (c.ah()) {
    case 0x00: {  // set mode
      uint8_t mode = c.al() & 0x7F;
      if (mode <= 3 || mode == 7) {
        set_video_mode(mode);
        c.set_al(mode == 6 || mode == 7 ? 0x3F : 0x30);
      } else {
        // Graphics modes are not drawn yet: the mode number is kept (AH=0Fh
        // reports it, and the front end says which mode the guest is in
        // instead of showing a blank screen), and the call is logged.
        ctx_.set_bda8(bda::kVideoMode, mode);
        ctx_.log_unimplemented(c);
      }
      return;
    }
    case 0x01:  // cursor shape
      ctx_.set_bda16(bda::kCursorShape, c.cx());
      return;
    case 0x02:  // set cursor position
      ctx_.set_bda16(bda::kCursorPos + 2 * (c.bh() & 7), c.dx());
      return;
    case 0x03:  // get cursor position and shape
      c.set_dx(ctx_.bda16(bda::kCursorPos + 2 * (c.bh() & 7)));
      c.set_cx(ctx_.bda16(bda::kCursorShape));
      c.set_ax(0);
      return;
    case 0x05:  // select active page
      if (c.al() < 8) {
        ctx_.set_bda8(bda::kActivePage, c.al());
        ctx_.set_bda16(bda::kVideoPageStart, uint16_t(c.al() * t.page_size));
      }
      return;
    case 0x06:
    case 0x07:  // scroll the window up / down
      scroll(c.ah() == 0x06, c.al(), c.bh(), c.ch(), c.cl(), c.dh(), c.dl());
      return;
    case 0x08: {  // read character and attribute at the cursor
      uint16_t pos = ctx_.bda16(bda::kCursorPos + 2 * (c.bh() & 7));
      uint8_t row = std::min<uint8_t>(uint8_t(pos >> 8), t.rows - 1), col = std::min<uint8_t>(uint8_t(pos), t.cols - 1);
      c.set_ax(ctx_.mem.read16(t.cell(c.bh(), row, col)));
      return;
    }
    case 0x09:
    case 0x0A: {  // write character (and attribute) CX times at the cursor
      uint16_t pos = ctx_.bda16(bda::kCursorPos + 2 * (c.bh() & 7));
      uint32_t start = uint32_t(uint8_t(pos >> 8)) * t.cols + uint8_t(pos);
      uint32_t end = std::min<uint32_t>(start + c.cx(), uint32_t{t.rows} * t.cols);
      if (start >= end) return;
      uint32_t first = t.page_base(c.bh()) + 2 * start;
      if (c.ah() == 0x09) return fill_cells(ctx_.mem, first, end - start, uint16_t(c.bl() << 8 | c.al()));
      if (uint8_t* p = ctx_.mem.ram_span(first, 2 * (end - start))) {
        for (uint32_t i = 0; i < end - start; ++i) p[2 * i] = c.al();
        return;
      }
      for (uint32_t i = start; i < end; ++i) {  // runs off RAM: checked, cell by cell
        uint32_t addr = t.page_base(c.bh()) + 2 * i;
        ctx_.mem.write8(addr, c.al());
        if (c.ah() == 0x09) ctx_.mem.write8(addr + 1, c.bl());
      }
      return;
    }
    case 0x0E:  // teletype output
      teletype_on_page(ctx_.bda8(bda::kActivePage), c.al(), true);
      return;
    case 0x0F:  // get video mode
      c.set_al(t.mode);
      c.set_ah(t.cols);
      c.set_bh(ctx_.bda8(bda::kActivePage));
      return;
    case 0x10:  // palette registers: accepted, the text screen keeps its colours
      return;
    case 0x11:
      if (c.al() == 0x30) {  // font information: 16 lines per character
        c.set_cx(16);
        c.set_dl(uint8_t(t.rows - 1));
        c.set_es(rom::kSegment);
        c.set_bp(rom::kFont8x16);
        return;
      }
      ctx_.log_unimplemented(c);
      return;
    case 0x12:
      if (c.bl() == 0x10) {  // EGA/VGA information: colour, 256 KiB, switches 9
        c.set_bx(0x0003);
        c.set_cx(0x0009);
        return;
      }
      c.set_al(0x12);  // other alternate-select calls: accepted
      return;
    case 0x1A:
      if (c.al() == 0x00) {  // display combination: VGA with colour display
        c.set_al(0x1A);
        c.set_bx(0x0008);
        return;
      }
      ctx_.log_unimplemented(c);
      return;
    case 0x13:  // write string ES:BP, CX characters, at DH:DL on page BH
      write_string(c, t);
      return;
    default: ctx_.log_unimplemented(c);
  }
}

// INT 10h AH=13h. Each character goes as through teletype, its attribute
// first (for one that prints). Runs of printing characters that stay in one
// row are written at once where that cannot change what is read next.
void Bios::write_string(BiosCall& c, const TextMode& t) {
  const uint8_t page = c.bh() & 7;
  const bool attrs = c.al() & 2, move = c.al() & 1;
  const bool active = page == ctx_.bda8(bda::kActivePage);  // no write below touches the BDA byte
  const uint16_t saved = ctx_.bda16(bda::kCursorPos + 2 * page);
  ctx_.set_bda16(bda::kCursorPos + 2 * page, c.dx());
  const uint32_t src = ctx_.mem.real_linear(c.es(), c.bp());
  for (uint32_t i = 0; i < c.cx();) {
    if (uint32_t n = write_string_run(t, page, src, i, c.cx() - i, attrs, c.bl(), active)) {
      i += n;
      continue;
    }
    uint8_t ch = ctx_.mem.read8(src + (attrs ? 2 * i : i));
    uint8_t attr = attrs ? ctx_.mem.read8(src + 2 * i + 1) : c.bl();
    if (!is_control(ch)) {
      uint16_t pos = ctx_.bda16(bda::kCursorPos + 2 * page);
      ctx_.mem.write8(
          t.cell(page, std::min<uint8_t>(uint8_t(pos >> 8), t.rows - 1), std::min<uint8_t>(uint8_t(pos), t.cols - 1)) +
              1,
          attr);
    }
    teletype_on_page(t, page, ch, active);
    ++i;
  }
  if (!move) ctx_.set_bda16(bda::kCursorPos + 2 * page, saved);
}

// Characters i.. of an AH=13h string that print and end before the last
// column of the cursor's row, written as write_string would one by one;
// returns how many (0: the next one goes the careful way). The string must
// lie in readable memory apart from the cells and the cursor it changes, so
// that the order of reads and writes does not matter.
uint32_t Bios::write_string_run(const TextMode& t, uint8_t page, uint32_t src, uint32_t i, uint32_t left, bool attrs,
                                uint8_t attr, bool echo) {
  const uint32_t cursor = bda::kBase + bda::kCursorPos + 2 * page;
  const uint16_t pos = ctx_.bda16(uint16_t(cursor - bda::kBase));
  const uint8_t row = uint8_t(pos >> 8), col = uint8_t(pos);
  if (row >= t.rows || col + 1u >= t.cols) return 0;
  const uint32_t k = std::min<uint32_t>(left, t.cols - 1u - col), step = attrs ? 2 : 1;
  const uint32_t from = src + step * i, to = t.cell(page, row, col);
  auto overlaps = [&](uint32_t a, uint32_t len) { return from < a + len && a < from + step * k; };
  if (overlaps(to, 2 * k) || overlaps(cursor, 2)) return 0;
  const uint8_t* s = ctx_.mem.readable_span(from, step * k);
  uint8_t* d = s ? ctx_.mem.ram_span(to, 2 * k) : nullptr;
  if (!d) return 0;
  uint32_t n = 0;
  for (; n < k && !is_control(s[step * n]); ++n) {
    d[2 * n] = s[step * n];
    d[2 * n + 1] = attrs ? s[2 * n + 1] : attr;
    if (echo && ctx_.config.on_teletype) ctx_.config.on_teletype(char(s[step * n]));
  }
  if (n) ctx_.set_bda16(uint16_t(cursor - bda::kBase), uint16_t(row << 8 | (col + n)));
  return n;
}

}  // namespace pxos

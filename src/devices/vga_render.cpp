// The VGA's picture, drawn from the registers alone: the CRTC walks video
// memory row by row (start address, offset, byte/word/doubleword
// addressing, CGA/Hercules row banks, double scan, split screen), the
// sequencer turns each character clock into dots (text through the font in
// plane 2, planar, CGA interleaved, 256 colours), and the attribute
// controller and the DAC turn dots into colours. Each native row is drawn
// into a scratch line and compared with the frame's, so the dirty rectangle
// covers what changed only.
#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "devices/vga.h"

namespace pxos {

struct Vga::Geometry {
  bool graphics = false, shift256 = false, interleave = false, colour8 = false;
  int chars = 1;  // character clocks per line (CR01 + 1)
  int cell = 8;   // dots per character clock that make native pixels: 9/8 text, 8 graphics, 4 for 256 colours
  int width = 1, height = 1;
  int lines = 1;     // scan lines displayed
  int vdiv = 1;      // scan lines per native row
  int max_scan = 0;  // CR09 bits 4:0
  bool double_scan = false;
  uint32_t start = 0, pitch = 0, line_compare = 0;
  uint32_t preset_row_scan = 0;  // CR08 bits 4:0: the first row starts this many scan lines in
  int addr_shift = 0;            // 0 byte, 1 word, 2 doubleword
  int count_div = 1;             // character clocks per address counter step
  int pan = 0;                   // pixels
  bool pan_reset_in_split = false;
  int phase = 0;  // cursor (bit 0) and character blink (bit 1) visibility, text only
};

struct Vga::Scan {
  uint32_t row_addr = 0;  // address counter at the row's start
  uint32_t row_scan = 0;  // scan line within the character row
  bool split = false;     // below the line compare
};

namespace {
constexpr uint8_t kArLineGraphics = 0x04, kArBlink = 0x08, kArPanSplit = 0x20;
constexpr uint8_t kAr8Bit = 0x40, kArP54 = 0x80;
constexpr uint8_t kCrPresetRowScan = 0x08, kCrDoubleScan = 0x80, kCrLineCompare9 = 0x40, kCrMaxScanMask = 0x1F;
constexpr uint8_t kCrVde8 = 0x02, kCrVde9 = 0x40, kCrLineCompare8 = 0x10;               // CR07
constexpr uint8_t kCrDword = 0x40, kCrCount4 = 0x20;                                    // CR14
constexpr uint8_t kCrNoCga = 0x01, kCrNoHerc = 0x02, kCrCount2 = 0x08, kCrByte = 0x40;  // CR17
// Font banks (SR03's 3-bit map numbers) in plane 2, 8 KiB apart in this order.
constexpr uint32_t kFontBank[8] = {0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000};
constexpr uint64_t kCursorFrames = 8, kBlinkFrames = 16;  // frames per half period

uint32_t dac_rgb(const std::array<uint8_t, 3>& c) {
  auto eight = [](uint8_t v) { return uint32_t((v << 2) | (v >> 4)); };
  return eight(c[0]) << 16 | eight(c[1]) << 8 | eight(c[2]);
}

// Copies a drawn row into the frame where it differs; returns the changed
// columns [first, last] (first > last: none).
std::pair<int, int> store_row(std::span<const uint32_t> drawn, uint32_t* row, bool all) {
  int first = 0, last = int(drawn.size()) - 1;
  if (!all && std::memcmp(row, drawn.data(), drawn.size_bytes()) == 0) return {0, -1};
  if (!all) {
    while (first <= last && row[first] == drawn[size_t(first)]) ++first;
    while (last >= first && row[last] == drawn[size_t(last)]) --last;
  }
  if (first <= last) std::copy(drawn.begin() + first, drawn.begin() + last + 1, row + first);
  return {first, last};
}
}  // namespace

Vga::Geometry Vga::geometry() const {
  Geometry g;
  const uint8_t ar10 = attr_[kArModeControl], cr09 = crtc_[kCrMaxScan], cr07 = crtc_[kCrOverflow];
  const uint8_t cr14 = crtc_[kCrUnderline], cr17 = crtc_[kCrModeControl];
  g.graphics = gc_[kGcMisc] & kGcGraphics;
  g.shift256 = g.graphics && (gc_[kGcMode] & kGc256);
  g.interleave = g.graphics && !g.shift256 && (gc_[kGcMode] & kGcInterleave);
  g.colour8 = ar10 & kAr8Bit;
  g.chars = crtc_[kCrHDisplayEnd] + 1;
  g.cell = !g.graphics ? ((seq_[kSrClocking] & kSr8Dot) ? 8 : 9) : (g.shift256 ? 4 : 8);
  g.width = std::min(g.chars * g.cell, kMaxWidth);
  g.lines = std::min((crtc_[kCrVDisplayEnd] | (cr07 & kCrVde8) << 7 | (cr07 & kCrVde9) << 3) + 1, kMaxHeight);
  g.max_scan = cr09 & kCrMaxScanMask;
  g.double_scan = cr09 & kCrDoubleScan;
  g.vdiv = g.double_scan ? 2 : 1;
  // Graphics rows whose scan lines all show the same memory collapse into one native row.
  if (g.graphics && (cr17 & kCrNoCga) && (cr17 & kCrNoHerc)) g.vdiv *= g.max_scan + 1;
  g.height = std::max(1, (g.lines + g.vdiv - 1) / g.vdiv);
  const uint8_t cr08 = crtc_[kCrPresetRowScan];
  g.start = start_address() + uint32_t(cr08 >> 5 & 3);  // byte panning
  g.preset_row_scan = cr08 & kCrMaxScanMask;
  g.pitch = uint32_t(crtc_[kCrOffset]) * 2;
  g.line_compare =
      crtc_[kCrLineCompare] | uint32_t(cr07 & kCrLineCompare8) << 4 | uint32_t(cr09 & kCrLineCompare9) << 3;
  g.addr_shift = (cr14 & kCrDword) ? 2 : (cr17 & kCrByte) ? 0 : 1;
  g.count_div = (cr14 & kCrCount4) ? 4 : (cr17 & kCrCount2) ? 2 : 1;
  const int pan = attr_[kArPanning] & 0x0F;
  if (g.cell == 9)
    g.pan = pan >= 8 ? 0 : pan + 1;
  else
    g.pan = g.shift256 ? (pan & 7) >> 1 : pan & 7;
  g.pan_reset_in_split = ar10 & kArPanSplit;
  if (!g.graphics) {
    uint64_t frame = now() / kFrameNs;
    g.phase = int((frame / kCursorFrames) % 2 == 0) | int((frame / kBlinkFrames) % 2 == 0) << 1;
  }
  return g;
}

uint32_t Vga::memory_address(const Geometry& g, uint32_t counter, uint32_t row_scan) const {
  // The CPU side folds chain 4 and odd/even addresses by clearing their low
  // bits, so the counter's high bits are not rotated into them here either.
  const uint8_t cr17 = crtc_[kCrModeControl];
  uint32_t out = (counter & 0xFFFF) << g.addr_shift;
  if (!(cr17 & kCrNoCga)) out = (out & ~0x2000u) | (row_scan & 1) << 13;
  if (!(cr17 & kCrNoHerc)) out = (out & ~0x4000u) | (row_scan >> 1 & 1) << 14;
  return out & (kPlaneSize - 1);
}

void Vga::build_palette(const Geometry& g, std::array<uint32_t, 256>& out) const {
  if ((seq_[kSrClocking] & kSrScreenOff) || !(attr_index_ & kArPas)) {
    out.fill(0);
    return;
  }
  const uint8_t ar10 = attr_[kArModeControl], select = attr_[kArColourSelect];
  std::array<uint32_t, 16> pal16;
  for (int i = 0; i < 16; ++i) {
    uint8_t v = attr_[size_t(i & attr_[kArPlaneEnable] & 0x0F)] & 0x3F;
    if (ar10 & kArP54) v = uint8_t((v & 0x0F) | (select & 0x03) << 4);
    v = uint8_t(v | (select & 0x0C) << 4);
    pal16[size_t(i)] = dac_rgb(dac_[v & pel_mask_]);
  }
  for (int i = 0; i < 256; ++i)
    out[size_t(i)] = (g.shift256 && g.colour8) ? dac_rgb(dac_[size_t(i & pel_mask_)]) : pal16[size_t(i & 0x0F)];
}

Vga::Cursor Vga::cursor(const Geometry& g) const {
  if (g.graphics) return {};
  return {cursor_location(), cursor_start(), cursor_end(),
          cursor_enabled() && (g.phase & 1) && cursor_start() <= cursor_end()};
}

// Whether the row that starts at `s` shows a granule of video memory the CPU
// changed, or the cursor's cell where the cursor changed.
bool Vga::row_dirty(const Geometry& g, const Scan& s, const Cursor& now) const {
  // The row reads one character clock past its width, shown only when panned.
  const uint32_t first = s.row_addr, last = s.row_addr + uint32_t((g.chars - (g.pan ? 0 : 1)) / g.count_div);
  auto shows = [&](const Cursor& c) { return c.visible && ((c.at - first) & 0xFFFF) <= last - first; };
  if (now != drawn_cursor_ && (shows(now) || shows(drawn_cursor_))) return true;
  uint32_t granule = ~0u;
  for (uint32_t counter = first; counter <= last; ++counter) {
    const uint32_t gr = memory_address(g, counter, s.row_scan) / kDirtyGranule;
    if (gr != granule && mem_dirty_[gr]) return true;
    granule = gr;
  }
  return false;
}

void Vga::render_text(const Geometry& g, const Scan& s, std::span<uint8_t> dots) const {
  const uint8_t ar10 = attr_[kArModeControl], map = seq_[kSrCharMap];
  const uint32_t bank_a = kFontBank[(map >> 2 & 3) | (map >> 3 & 4)], bank_b = kFontBank[(map & 3) | (map >> 2 & 4)];
  const bool cursor = cursor_enabled() && (g.phase & 1) && cursor_start() <= cursor_end();
  const bool blink_on = g.phase & 2;
  size_t x = 0;
  for (int c = 0; c <= g.chars && x + size_t(g.cell) <= dots.size(); ++c) {
    const uint32_t counter = s.row_addr + uint32_t(c / g.count_div);
    const uint32_t ma = memory_address(g, counter, s.row_scan);
    const uint8_t ch = vram(0, ma), at = vram(1, ma);
    uint8_t glyph = s.row_scan < 32 ? vram(2, ((at & 0x08) ? bank_a : bank_b) + ch * 32u + s.row_scan) : 0;
    uint8_t fg = at & 0x0F, bg = at >> 4;
    if (ar10 & kArBlink) {
      bg &= 0x07;
      if ((at & 0x80) && !blink_on) glyph = 0;
    }
    // The underline and the cursor cover the whole cell, 9th dot included.
    bool solid = (at & 0x77) == 0x01 && s.row_scan == (crtc_[kCrUnderline] & 0x1Fu);
    solid |=
        cursor && (counter & 0xFFFF) == cursor_location() && s.row_scan >= cursor_start() && s.row_scan <= cursor_end();
    if (solid) glyph = 0xFF;
    for (int b = 7; b >= 0; --b) dots[x++] = (glyph >> b & 1) ? fg : bg;
    if (g.cell == 9) {
      bool line_graphics = (ar10 & kArLineGraphics) && ch >= 0xC0 && ch <= 0xDF;
      dots[x++] = (solid || (line_graphics && (glyph & 1))) ? fg : bg;
    }
  }
}

void Vga::render_graphics(const Geometry& g, const Scan& s, std::span<uint8_t> dots) const {
  size_t x = 0;
  for (int c = 0; c <= g.chars && x + size_t(g.cell) <= dots.size(); ++c) {
    const uint32_t ma = memory_address(g, s.row_addr + uint32_t(c / g.count_div), s.row_scan);
    const uint8_t p0 = vram(0, ma), p1 = vram(1, ma), p2 = vram(2, ma), p3 = vram(3, ma);
    if (g.shift256) {
      dots[x++] = p0, dots[x++] = p1, dots[x++] = p2, dots[x++] = p3;
    } else if (g.interleave) {
      for (int i = 0; i < 8; ++i) {
        const int shift = 6 - 2 * (i & 3);
        const uint8_t lo = i < 4 ? p0 : p1, hi = i < 4 ? p2 : p3;
        dots[x++] = uint8_t((lo >> shift & 3) | (hi >> shift & 3) << 2);
      }
    } else {
      for (int b = 7; b >= 0; --b)
        dots[x++] = uint8_t((p0 >> b & 1) | (p1 >> b & 1) << 1 | (p2 >> b & 1) << 2 | (p3 >> b & 1) << 3);
    }
  }
}

std::string Vga::describe(const Geometry& g) const {
  char buf[96];
  if (!g.graphics) {
    const int rows = g.lines / ((g.max_scan + 1) * (g.double_scan ? 2 : 1));
    std::snprintf(buf, sizeof buf, "VGA text %dx%d (%dx%d)", g.chars, rows, g.width, g.height);
  } else {
    const int colours = g.shift256     ? 256
                        : g.interleave ? 4
                                       : 1 << std::max(1, std::popcount(attr_[kArPlaneEnable] & 0x0Fu));
    std::snprintf(buf, sizeof buf, "VGA graphics %dx%d, %d colours", g.width, g.height, colours);
  }
  return buf;
}

bool Vga::render(Frame& frame) {
  const Geometry g = geometry();
  const bool resized =
      frame.width != g.width || frame.height != g.height || frame.pixels.size() != size_t(g.width) * size_t(g.height);
  const Cursor now = cursor(g);
  // Everything is drawn after a register change, into a new or another frame,
  // or when the character blink flips; else only rows that show a change.
  const bool all = changed_ || resized || &frame != last_frame_ || ((g.phase ^ last_blink_phase_) & 2);
  if (!all && !any_mem_dirty_ && now == drawn_cursor_) {
    frame.dirty = {};
    return false;
  }
  if (resized) {
    frame.width = g.width;
    frame.height = g.height;
    frame.pixels.assign(size_t(g.width) * size_t(g.height), 0);
  }
  std::array<uint32_t, 256> pal;
  build_palette(g, pal);
  dots_.assign(size_t(g.chars + 1) * size_t(g.cell), 0);
  line_.resize(size_t(g.width));
  int x0 = g.width, x1 = -1, y0 = g.height, y1 = -1;
  Scan s{g.start, g.preset_row_scan, false};
  bool second_half = false;  // double scan: the repeat of a scan line
  // The scan lines of a character row read the same memory (without the
  // CGA/Hercules row banks): ask once per row.
  const bool banks = (crtc_[kCrModeControl] & (kCrNoCga | kCrNoHerc)) != (kCrNoCga | kCrNoHerc);
  uint32_t asked_row = ~0u;
  bool asked = false;
  auto dirty = [&](const Scan& at) {
    if (banks || at.row_addr != asked_row) asked_row = at.row_addr, asked = row_dirty(g, at, now);
    return asked;
  };
  for (int line = 0; line < g.lines; ++line) {
    const int y = line / g.vdiv;
    if (line % g.vdiv == 0 && y < g.height && (all || dirty(s))) {
      ++stats_.rows_drawn;
      if (g.graphics)
        render_graphics(g, s, dots_);
      else
        render_text(g, s, dots_);
      const size_t pan = (s.split && g.pan_reset_in_split) ? 0 : size_t(g.pan);
      for (size_t x = 0; x < line_.size(); ++x) line_[x] = pal[dots_[x + pan]];
      auto [first, last] = store_row(line_, frame.pixels.data() + size_t(y) * size_t(g.width), resized);
      if (first <= last) x0 = std::min(x0, first), x1 = std::max(x1, last), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
    if (uint32_t(line) == g.line_compare) {
      s = Scan{0, 0, true};
      second_half = false;
      continue;
    }
    if (g.double_scan && !second_half) {
      second_half = true;
      continue;
    }
    second_half = false;
    if (s.row_scan >= uint32_t(g.max_scan)) {
      s.row_scan = 0;
      s.row_addr += g.pitch;
    } else {
      ++s.row_scan;
    }
  }
  changed_ = false;
  mem_dirty_.reset();
  any_mem_dirty_ = false;
  last_blink_phase_ = g.phase;
  drawn_cursor_ = now;
  last_frame_ = &frame;
  frame.dirty = x1 < 0 ? Rect{} : Rect{x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  frame.mode = describe(g);
  if (x1 >= 0) ++stats_.frames;
  return x1 >= 0;
}

}  // namespace pxos

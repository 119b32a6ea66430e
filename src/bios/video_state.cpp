// INT 10h AH=1Ah, 1Bh and 1Ch. The display combination is an index into
// IBM's table of (alternate, active) display codes, kept in the BDA. The
// state AH=1Ch saves is the VGA's registers (read back through its ports),
// the BDA's video fields with the INT 1Fh and 43h vectors, and the DAC, one
// after the other in the caller's buffer, in this order.
#include "bios/video_state.h"

#include <algorithm>
#include <array>

#include "bios/rom.h"
#include "bios/video_graphics.h"

namespace pxos {

namespace {

// IBM's display combination codes: (alternate, active); 08h is a VGA with an
// analog colour display.
constexpr std::array<std::array<uint8_t, 2>, 16> kDcc = {{{0x00, 0x00},
                                                          {0x00, 0x01},
                                                          {0x00, 0x02},
                                                          {0x02, 0x01},
                                                          {0x00, 0x04},
                                                          {0x04, 0x01},
                                                          {0x00, 0x05},
                                                          {0x02, 0x05},
                                                          {0x00, 0x06},
                                                          {0x01, 0x06},
                                                          {0x05, 0x06},
                                                          {0x00, 0x08},
                                                          {0x01, 0x08},
                                                          {0x00, 0x07},
                                                          {0x02, 0x07},
                                                          {0x06, 0x07}}};
static_assert(kDcc[kDccVgaColour][1] == 0x08);

std::array<uint8_t, 2> current_dcc(BiosContext& bios) {
  const uint8_t i = bios.bda8(bda::kDccIndex);
  return kDcc[i < kDcc.size() ? i : kDccVgaColour];
}

// VGA ports.
constexpr uint16_t kAttrIndex = 0x3C0, kAttrData = 0x3C1, kMiscWrite = 0x3C2, kSeqIndex = 0x3C4;
constexpr uint16_t kPelMask = 0x3C6, kDacReadIndex = 0x3C7, kDacWriteIndex = 0x3C8, kDacData = 0x3C9;
constexpr uint16_t kMiscRead = 0x3CC, kGcIndex = 0x3CE;
constexpr uint8_t kSeqCount = 5, kCrtcCount = 0x19, kGcCount = 9, kAttrCount = 0x15, kCrProtectReg = 0x11;
constexpr uint8_t kArPas = 0x20;

// The sizes of the three parts of a saved state (CX bits 0, 1, 2).
constexpr uint32_t kHardwareSize = 1 + (1 + kSeqCount) + (1 + kCrtcCount) + (1 + kGcCount) + (1 + kAttrCount);
constexpr uint32_t kBdaFirst = bda::kVideoMode, kBdaCount = 0x67 - bda::kVideoMode;         // 49h-66h
constexpr uint32_t kBdaSecond = bda::kVideoRows, kBdaSecondCount = 0x8B - bda::kVideoRows;  // 84h-8Ah
constexpr uint32_t kBdaSize = kBdaCount + kBdaSecondCount + 8;                              // + INT 1Fh, 43h
constexpr uint32_t kDacSize = 3 + 256 * 3;

// A saved state in guest memory at `at`, read or written byte by byte (each
// access checked by the memory).
struct Cursor {
  BiosContext& bios;
  uint32_t at;
  bool save;
  // Saving: stores `value`; restoring: returns the byte stored there.
  uint8_t byte(uint8_t value) {
    if (save) bios.mem.write8(at++, value);
    return save ? value : bios.mem.read8(at++);
  }
};

uint16_t crtc_port(BiosContext& bios) { return bios.bda16(bda::kCrtcBase) == 0x3B4 ? 0x3B4 : 0x3D4; }

uint8_t in(BiosContext& bios, uint16_t port) { return uint8_t(bios.ports->read(port, 1)); }
void out(BiosContext& bios, uint16_t port, uint8_t value) { bios.ports->write(port, 1, value); }
// An indexed register of the sequencer, CRTC or graphics controller.
uint8_t indexed(BiosContext& bios, uint16_t port, uint8_t index) {
  out(bios, port, index);
  return in(bios, uint16_t(port + 1));
}

// The index register and then registers 0..count-1 of the indexed group at `port`.
void index_group(BiosContext& bios, Cursor& cur, uint16_t port, uint8_t count) {
  const uint8_t index = cur.byte(in(bios, port));
  for (uint8_t i = 0; i < count; ++i) {
    const uint8_t v = cur.byte(cur.save ? indexed(bios, port, i) : 0);
    if (cur.save) continue;
    out(bios, port, i);
    out(bios, uint16_t(port + 1), v);
  }
  out(bios, port, index);
}

void hardware_state(BiosContext& bios, Cursor& cur) {
  const uint16_t crtc = crtc_port(bios);
  const uint8_t misc = cur.byte(cur.save ? in(bios, kMiscRead) : 0);
  if (!cur.save) out(bios, kMiscWrite, misc);
  index_group(bios, cur, kSeqIndex, kSeqCount);
  const uint32_t crtc_at = cur.at;
  if (!cur.save) {  // CR11 bit 7 protects CR00-CR07: off while they are written
    out(bios, crtc, kCrProtectReg);
    out(bios, uint16_t(crtc + 1), in(bios, uint16_t(crtc + 1)) & 0x7F);
  }
  index_group(bios, cur, crtc, kCrtcCount);
  if (!cur.save) {  // CR11 again, with the saved protect bit, and the CRTC index
    out(bios, crtc, kCrProtectReg);
    out(bios, uint16_t(crtc + 1), bios.mem.read8(crtc_at + 1 + kCrProtectReg));
    out(bios, crtc, bios.mem.read8(crtc_at));
  }
  index_group(bios, cur, kGcIndex, kGcCount);
  // The attribute controller: reading input status 1 sets its flip-flop to index.
  in(bios, uint16_t(crtc + 6));
  const uint8_t index = cur.byte(in(bios, kAttrIndex));
  for (uint8_t i = 0; i < kAttrCount; ++i) {
    out(bios, kAttrIndex, i);
    const uint8_t v = cur.byte(cur.save ? in(bios, kAttrData) : 0);
    if (cur.save)
      in(bios, uint16_t(crtc + 6));
    else
      out(bios, kAttrIndex, v);
  }
  in(bios, uint16_t(crtc + 6));
  out(bios, kAttrIndex, uint8_t(index | kArPas));
}

void bda_state(BiosContext& bios, Cursor& cur) {
  auto bytes = [&](uint32_t first, uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) {
      const uint8_t v = cur.byte(cur.save ? bios.mem.read8(first + i) : 0);
      if (!cur.save) bios.mem.write8(first + i, v);
    }
  };
  bytes(bda::kBase + kBdaFirst, kBdaCount);
  bytes(bda::kBase + kBdaSecond, kBdaSecondCount);
  bytes(0x1F * 4, 4);
  bytes(0x43 * 4, 4);
}

void dac_state(BiosContext& bios, Cursor& cur) {
  const uint8_t write_index = cur.byte(in(bios, kDacWriteIndex));
  const uint8_t mask = cur.byte(in(bios, kPelMask));
  cur.byte(in(bios, kDacReadIndex));  // the DAC state (read or write mode), for the record
  out(bios, cur.save ? kDacReadIndex : kDacWriteIndex, 0);
  for (int i = 0; i < 256 * 3; ++i) {
    const uint8_t v = cur.byte(cur.save ? in(bios, kDacData) : 0);
    if (!cur.save) out(bios, kDacData, v);
  }
  out(bios, kPelMask, mask);
  out(bios, kDacWriteIndex, write_index);
}

// Colours (0: monochrome) and pages of `mode`, and its scan-line code (0: 200,
// 1: 350, 2: 400, 3: 480).
struct ModeFacts {
  uint16_t colours;
  uint8_t pages, scan_code;
};
ModeFacts mode_facts(BiosContext& bios, uint8_t mode) {
  if (const std::optional<GraphicsLayout> g = graphics_layout(mode)) {
    const uint16_t colours = mode == 0x13                   ? 256
                             : mode == 0x0F                 ? 0
                             : mode == 0x06 || mode == 0x11 ? 2
                             : mode <= 5                    ? 4
                                                            : 16;
    const uint8_t pages = g->kind == GraphicsLayout::Kind::kPlanar ? uint8_t(0x10000 / g->page_size) : 1;
    return {colours, pages, uint8_t(g->height == 200 ? 0 : g->height == 350 ? 1 : 3)};
  }
  const uint16_t page = std::max<uint16_t>(bios.bda16(bda::kVideoPageSize), 0x800);
  return {uint16_t(mode == 7 ? 0 : 16), uint8_t(std::min(8, 0x8000 / page)), 2};
}

// AH=1Ah AL=00h: the display combination in BL (active) and BH (alternate).
void read_dcc(BiosContext& bios, BiosCall& c) {
  const std::array<uint8_t, 2> d = current_dcc(bios);
  c.set_bl(d[1]);
  c.set_bh(d[0]);
  c.set_al(0x1A);
}

// AH=1Ah AL=01h: set it from BL and BH, when the table has the pair.
void write_dcc(BiosContext& bios, BiosCall& c) {
  for (size_t i = 0; i < kDcc.size(); ++i) {
    if (kDcc[i][1] == c.bl() && kDcc[i][0] == c.bh()) {
      bios.set_bda8(bda::kDccIndex, uint8_t(i));
      return c.set_al(0x1A);
    }
  }
  bios.log_unimplemented(c);  // no such combination: AL stays, the call failed
}

}  // namespace

void handle_101A(BiosContext& bios, BiosCall& c) {
  switch (c.al()) {
    case 0x00: return read_dcc(bios, c);
    case 0x01: return write_dcc(bios, c);
    default: return bios.log_unimplemented(c);
  }
}

// AH=1Bh BX=0: the 64-byte state table at ES:DI.
void handle_101B(BiosContext& bios, BiosCall& c) {
  if (c.bx() != 0) return bios.log_unimplemented(c);
  std::array<uint8_t, 64> t{};
  t[0] = uint8_t(rom::kVideoTables), t[1] = uint8_t(rom::kVideoTables >> 8);
  t[2] = uint8_t(rom::kSegment), t[3] = uint8_t(rom::kSegment >> 8);
  for (uint32_t i = 0; i < kBdaCount; ++i) t[4 + i] = bios.bda8(uint16_t(kBdaFirst + i));
  const uint8_t mode = bios.bda8(bda::kVideoMode);
  const ModeFacts f = mode_facts(bios, mode);
  const std::array<uint8_t, 2> dcc = current_dcc(bios);
  const uint16_t height = bios.bda16(bda::kCharHeight);
  t[0x22] = uint8_t(bios.bda8(bda::kVideoRows) + 1);
  t[0x23] = uint8_t(height), t[0x24] = uint8_t(height >> 8);
  t[0x25] = dcc[1], t[0x26] = dcc[0];
  t[0x27] = uint8_t(f.colours), t[0x28] = uint8_t(f.colours >> 8);
  t[0x29] = f.pages;
  t[0x2A] = f.scan_code;
  if (bios.ports) {  // the character blocks the sequencer selects (maps A and B)
    const uint8_t index = in(bios, kSeqIndex), map = indexed(bios, kSeqIndex, 3);
    out(bios, kSeqIndex, index);
    t[0x2B] = uint8_t((map >> 2 & 3) | (map >> 3 & 4));
    t[0x2C] = uint8_t((map & 3) | (map >> 2 & 4));
  }
  const uint8_t options = bios.bda8(bda::kVideoModeSet);
  t[0x2D] = uint8_t((options & 0x02) | (mode == 7 || mode == 0x0F ? 0x04 : 0) | (options & 0x08) | 0x20);
  t[0x31] = 3;  // 256 KiB of video memory
  const uint32_t at = bios.mem.real_linear(c.es(), c.di());
  for (uint32_t i = 0; i < t.size(); ++i) bios.mem.write8(at + i, t[i]);
  c.set_al(0x1B);
}

// AH=1Ch: AL=00h the size of the state CX names (bit 0 hardware, 1 BDA, 2
// DAC) in 64-byte blocks, in BX; AL=01h save it to ES:BX; AL=02h restore it.
void handle_101C(BiosContext& bios, BiosCall& c) {
  const uint16_t what = c.cx();
  if (c.al() == 0x00) {
    const uint32_t size = (what & 1 ? kHardwareSize : 0) + (what & 2 ? kBdaSize : 0) + (what & 4 ? kDacSize : 0);
    c.set_bx(uint16_t((size + 63) / 64));
    return c.set_al(0x1C);
  }
  if (c.al() > 0x02 || !bios.ports) return bios.log_unimplemented(c);
  Cursor cur{bios, bios.mem.real_linear(c.es(), c.bx()), c.al() == 0x01};
  if (what & 1) hardware_state(bios, cur);
  if (what & 2) bda_state(bios, cur);
  if (what & 4) dac_state(bios, cur);
  c.set_al(0x1C);
}

void video_write_rom_tables(std::span<uint8_t> rom) {
  // Modes 00h-07h, 0Dh-0Fh, 10h-13h; text in 400 scan lines; 8 character
  // blocks, 2 at a time; gray summing (AX=101Bh), font loading (AH=11h),
  // colour palette and paging (AH=10h); save/restore (AH=1Ch),
  // blink/intensity (AX=1003h), display combination (AH=1Ah).
  const uint8_t table[16] = {0xFF, 0xE0, 0x0F, 0, 0, 0, 0, 0x04, 8, 2, 0xC6, 0x0E, 0, 0, 0, 0};
  std::copy(std::begin(table), std::end(table), rom.begin() + rom::kVideoTables);
}

}  // namespace pxos

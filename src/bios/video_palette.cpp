#include "bios/video_palette.h"

#include <algorithm>
#include <array>

namespace pxos {

namespace {

constexpr uint16_t kStatus1 = 0x3DA, kAttr = 0x3C0, kAttrRead = 0x3C1, kPelMask = 0x3C6;
constexpr uint16_t kDacReadIndex = 0x3C7, kDacWriteIndex = 0x3C8, kDacData = 0x3C9;
constexpr uint8_t kPas = 0x20, kArModeControl = 0x10, kArOverscan = 0x11, kArColourSelect = 0x14;
constexpr uint8_t kAttrCount = 0x15;

// Attribute controller register `index` (< 15h): the flip-flop reset by a
// read of input status 1, the index, the value; the palette given back to
// the display (PAS) after.
void attr_write(BiosContext& bios, uint8_t index, uint8_t value) {
  if (!bios.ports || index >= kAttrCount) return;
  bios.ports->read(kStatus1, 1);
  bios.ports->write(kAttr, 1, index);
  bios.ports->write(kAttr, 1, value);
  bios.ports->write(kAttr, 1, kPas);
}
uint8_t attr_read(BiosContext& bios, uint8_t index) {
  if (!bios.ports || index >= kAttrCount) return 0;
  bios.ports->read(kStatus1, 1);
  bios.ports->write(kAttr, 1, index);
  const uint8_t v = uint8_t(bios.ports->read(kAttrRead, 1));
  bios.ports->read(kStatus1, 1);
  bios.ports->write(kAttr, 1, kPas);
  return v;
}
void attr_mask(BiosContext& bios, uint8_t index, uint8_t mask, uint8_t bits) {
  attr_write(bios, index, uint8_t((attr_read(bios, index) & ~mask) | (bits & mask)));
}

std::array<uint8_t, 3> dac_read(BiosContext& bios, uint8_t index) {
  if (!bios.ports) return {};
  bios.ports->write(kDacReadIndex, 1, index);
  std::array<uint8_t, 3> rgb{};
  for (uint8_t& v : rgb) v = uint8_t(bios.ports->read(kDacData, 1));
  return rgb;
}
void dac_write(BiosContext& bios, uint8_t index, std::array<uint8_t, 3> rgb) {
  if (!bios.ports) return;
  bios.ports->write(kDacWriteIndex, 1, index);
  for (uint8_t v : rgb) bios.ports->write(kDacData, 1, v & 0x3F);
}
// The DAC entries BX.. BX+CX-1 that exist (the first 256 - BX of them).
uint32_t dac_count(const BiosCall& c) { return c.bx() >= 256 ? 0 : std::min<uint32_t>(c.cx(), 256u - c.bx()); }

// The guest's table at ES:DX, byte i.
uint32_t table(BiosContext& bios, const BiosCall& c, uint32_t i) { return bios.mem.real_linear(c.es(), c.dx()) + i; }

// AL=00h: palette register BL to BH.
void handle_101000(BiosContext& bios, BiosCall& c) {
  if (c.bl() < 0x10) attr_write(bios, c.bl(), c.bh());
}
// AL=01h: overscan (border) colour BH.
void handle_101001(BiosContext& bios, BiosCall& c) { attr_write(bios, kArOverscan, c.bh()); }
// AL=02h: the 16 palette registers and the overscan from the 17 bytes at ES:DX.
void handle_101002(BiosContext& bios, BiosCall& c) {
  for (uint8_t i = 0; i < 16; ++i) attr_write(bios, i, bios.mem.read8(table(bios, c, i)));
  attr_write(bios, kArOverscan, bios.mem.read8(table(bios, c, 16)));
}
// AL=03h: BL=0 background intensity, 1 blinking (mode control bit 3).
void handle_101003(BiosContext& bios, BiosCall& c) { attr_mask(bios, kArModeControl, 0x08, c.bl() & 1 ? 0x08 : 0); }
// AL=07h: palette register BL in BH.
void handle_101007(BiosContext& bios, BiosCall& c) {
  if (c.bl() < 0x10) c.set_bh(attr_read(bios, c.bl()));
}
// AL=08h: the overscan colour in BH.
void handle_101008(BiosContext& bios, BiosCall& c) { c.set_bh(attr_read(bios, kArOverscan)); }
// AL=09h: the 16 palette registers and the overscan to the 17 bytes at ES:DX.
void handle_101009(BiosContext& bios, BiosCall& c) {
  for (uint8_t i = 0; i < 16; ++i) bios.mem.write8(table(bios, c, i), attr_read(bios, i));
  bios.mem.write8(table(bios, c, 16), attr_read(bios, kArOverscan));
}
// AL=10h: DAC register BX to DH (red), CH (green), CL (blue).
void handle_101010(BiosContext& bios, BiosCall& c) {
  if (c.bx() < 256) dac_write(bios, uint8_t(c.bx()), {c.dh(), c.ch(), c.cl()});
}
// AL=12h: CX DAC registers from BX, R, G, B from ES:DX.
void handle_101012(BiosContext& bios, BiosCall& c) {
  for (uint32_t i = 0; i < dac_count(c); ++i)
    dac_write(bios, uint8_t(c.bx() + i),
              {bios.mem.read8(table(bios, c, 3 * i)), bios.mem.read8(table(bios, c, 3 * i + 1)),
               bios.mem.read8(table(bios, c, 3 * i + 2))});
}
// AL=13h: colour paging. BL=0: mode BH (0: 4 pages of 64, 1: 16 of 16);
// BL=1: page BH.
void handle_101013(BiosContext& bios, BiosCall& c) {
  if (c.bl() == 0) return attr_mask(bios, kArModeControl, 0x80, c.bh() & 1 ? 0x80 : 0);
  const bool sixteen = attr_read(bios, kArModeControl) & 0x80;
  attr_write(bios, kArColourSelect, sixteen ? uint8_t(c.bh() & 0x0F) : uint8_t((c.bh() & 3) << 2));
}
// AL=15h: DAC register BX in DH, CH, CL.
void handle_101015(BiosContext& bios, BiosCall& c) {
  if (c.bx() >= 256) return;
  const std::array<uint8_t, 3> rgb = dac_read(bios, uint8_t(c.bx()));
  c.set_dh(rgb[0]);
  c.set_ch(rgb[1]);
  c.set_cl(rgb[2]);
}
// AL=17h: CX DAC registers from BX to ES:DX.
void handle_101017(BiosContext& bios, BiosCall& c) {
  for (uint32_t i = 0; i < dac_count(c); ++i) {
    const std::array<uint8_t, 3> rgb = dac_read(bios, uint8_t(c.bx() + i));
    for (uint32_t k = 0; k < 3; ++k) bios.mem.write8(table(bios, c, 3 * i + k), rgb[k]);
  }
}
// AL=18h / 19h: set / read the pel mask (BL).
void handle_101018(BiosContext& bios, BiosCall& c) {
  if (bios.ports) bios.ports->write(kPelMask, 1, c.bl());
}
void handle_101019(BiosContext& bios, BiosCall& c) {
  if (bios.ports) c.set_bl(uint8_t(bios.ports->read(kPelMask, 1)));
}
// AL=1Ah: the colour paging mode in BL, the page in BH.
void handle_10101A(BiosContext& bios, BiosCall& c) {
  const bool sixteen = attr_read(bios, kArModeControl) & 0x80;
  const uint8_t select = attr_read(bios, kArColourSelect);
  c.set_bl(sixteen ? 1 : 0);
  c.set_bh(sixteen ? uint8_t(select & 0x0F) : uint8_t((select >> 2) & 3));
}
// AL=1Bh: CX DAC registers from BX summed to grey (30% red, 59% green, 11% blue).
void handle_10101B(BiosContext& bios, BiosCall& c) {
  for (uint32_t i = 0; i < dac_count(c); ++i) {
    const std::array<uint8_t, 3> rgb = dac_read(bios, uint8_t(c.bx() + i));
    const uint8_t grey = uint8_t((30u * rgb[0] + 59u * rgb[1] + 11u * rgb[2] + 50u) / 100u);
    dac_write(bios, uint8_t(c.bx() + i), {grey, grey, grey});
  }
}

}  // namespace

// AH=0Bh: BH=00h background (graphics) / border (text) colour BL, BH=01h the
// CGA palette BL (0 green/red/brown, 1 cyan/magenta/white).
void handle_100B(BiosContext& bios, BiosCall& c) {
  if (c.bh() == 1) {
    for (uint8_t i = 1; i < 4; ++i) attr_mask(bios, i, 0x01, c.bl() & 1);
    return;
  }
  if (c.bh() != 0) return bios.log_unimplemented(c);
  const uint8_t mode = bios.bda8(bda::kVideoMode) & 0x7F;
  if (mode <= 3 || mode == 7) return attr_write(bios, kArOverscan, c.bl() & 0x0F);
  attr_write(bios, 0, uint8_t((c.bl() & 0x07) | (c.bl() & 0x08 ? 0x10 : 0)));
  for (uint8_t i = 1; i < 4; ++i) attr_mask(bios, i, 0x10, c.bl() & 0x10);
}

void handle_1010(BiosContext& bios, BiosCall& c) {
  switch (c.al()) {
    case 0x00: return handle_101000(bios, c);
    case 0x01: return handle_101001(bios, c);
    case 0x02: return handle_101002(bios, c);
    case 0x03: return handle_101003(bios, c);
    case 0x07: return handle_101007(bios, c);
    case 0x08: return handle_101008(bios, c);
    case 0x09: return handle_101009(bios, c);
    case 0x10: return handle_101010(bios, c);
    case 0x12: return handle_101012(bios, c);
    case 0x13: return handle_101013(bios, c);
    case 0x15: return handle_101015(bios, c);
    case 0x17: return handle_101017(bios, c);
    case 0x18: return handle_101018(bios, c);
    case 0x19: return handle_101019(bios, c);
    case 0x1A: return handle_10101A(bios, c);
    case 0x1B: return handle_10101B(bios, c);
    default: return bios.log_unimplemented(c);
  }
}

}  // namespace pxos

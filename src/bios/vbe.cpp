// INT 10h AH=4Fh, one function per subfunction (handle_4F00 is controller
// information), one switch on AL. The BIOS keeps no state of its own: the
// current mode is what the DISPI registers hold.
#include "bios/vbe.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <utility>

#include "bios/rom.h"
#include "bios/video.h"

namespace pxos {

namespace {

constexpr uint16_t kOk = 0x004F, kFailed = 0x014F;

// The DISPI interface's ports, registers and ENABLE bits (the Bochs vbe
// documentation; the device is devices/vbe.h).
constexpr uint16_t kDispiIndex = 0x1CE, kDispiData = 0x1CF;
enum : uint16_t { kId = 0, kXres, kYres, kBpp, kEnable, kBank, kVirtWidth, kVirtHeight, kXOffset, kYOffset, kMem64K };
constexpr uint16_t kId5 = 0xB0C5;
constexpr uint16_t kEnabled = 0x01, kLfbEnabled = 0x40, kNoClearMem = 0x80;
constexpr uint32_t kLfbBase = 0xE0000000;
// The VGA DAC's ports.
constexpr uint16_t kDacReadIndex = 0x3C7, kDacWriteIndex = 0x3C8, kDacData = 0x3C9;

// The ROM tables (rom::kVbeTables + these offsets).
constexpr uint16_t kOemString = 0x00, kVendor = 0x20, kProduct = 0x40, kRevision = 0x60, kModeList = 0x80;
constexpr std::string_view kStrings[] = {"pxOS VBE (Bochs DISPI)", "pxOS", "pxOS DISPI display", "1.0"};

constexpr VbeMode kModes[] = {
    {0x101, 640, 480, 8},    {0x103, 800, 600, 8},    {0x105, 1024, 768, 8},   {0x107, 1280, 1024, 8},
    {0x110, 640, 480, 15},   {0x111, 640, 480, 16},   {0x112, 640, 480, 24},   {0x113, 800, 600, 15},
    {0x114, 800, 600, 16},   {0x115, 800, 600, 24},   {0x116, 1024, 768, 15},  {0x117, 1024, 768, 16},
    {0x118, 1024, 768, 24},  {0x119, 1280, 1024, 15}, {0x11A, 1280, 1024, 16}, {0x11B, 1280, 1024, 24},
    {0x140, 640, 480, 32},   {0x141, 800, 600, 32},   {0x142, 1024, 768, 32},  {0x143, 1280, 1024, 32},
    {0x150, 1280, 720, 8},   {0x151, 1280, 720, 15},  {0x152, 1280, 720, 16},  {0x153, 1280, 720, 24},
    {0x154, 1280, 720, 32},  {0x160, 1920, 1080, 8},  {0x161, 1920, 1080, 15}, {0x162, 1920, 1080, 16},
    {0x163, 1920, 1080, 24}, {0x164, 1920, 1080, 32},
};
static_assert(kModeList + 2 * (std::size(kModes) + 1) <= 0x200, "the mode list outgrew its room");

uint16_t dispi_get(BiosContext& bios, uint16_t index) {
  bios.ports->write(kDispiIndex, 2, index);
  return uint16_t(bios.ports->read(kDispiData, 2));
}
void dispi_set(BiosContext& bios, uint16_t index, uint16_t value) {
  bios.ports->write(kDispiIndex, 2, index);
  bios.ports->write(kDispiData, 2, value);
}
bool dispi_present(BiosContext& bios) {
  if (!bios.ports) return false;
  dispi_set(bios, kId, kId5);
  return dispi_get(bios, kId) == kId5;
}

uint32_t bytes_per_pixel(uint8_t bpp) { return (bpp + 7u) / 8u; }
uint32_t video_memory(BiosContext& bios) { return uint32_t{dispi_get(bios, kMem64K)} << 16; }
bool fits(BiosContext& bios, const VbeMode& m) {
  return uint64_t{m.width} * bytes_per_pixel(m.bpp) * m.height <= video_memory(bios);
}

// The caller's buffer at ES:DI, written only when it lies wholly in RAM.
bool put_block(BiosContext& bios, BiosCall& c, std::span<const uint8_t> block) {
  return bios.mem.write(bios.mem.real_linear(c.es(), c.di()), block);
}

void put16(std::span<uint8_t> b, size_t at, uint16_t v) {
  b[at] = uint8_t(v);
  b[at + 1] = uint8_t(v >> 8);
}
void put32(std::span<uint8_t> b, size_t at, uint32_t v) {
  put16(b, at, uint16_t(v));
  put16(b, at + 2, uint16_t(v >> 16));
}
uint32_t rom_pointer(uint16_t offset) { return uint32_t{rom::kSegment} << 16 | uint16_t(rom::kVbeTables + offset); }

// AL=00h: controller information. 'VBE2' at ES:DI asks for the 512-byte block
// with the VBE 2.0 fields; else the 256-byte block of VBE 1.x.
void handle_4F00(BiosContext& bios, BiosCall& c) {
  uint32_t at = bios.mem.real_linear(c.es(), c.di());
  bool vbe2 = bios.mem.read32(at) == 0x32454256;  // 'VBE2'
  std::array<uint8_t, 512> b{};
  std::memcpy(b.data(), "VESA", 4);
  put16(b, 4, 0x0300);
  put32(b, 6, rom_pointer(kOemString));
  put32(b, 10, 0);  // capabilities: a 6-bit DAC, VGA compatible
  put32(b, 14, rom_pointer(kModeList));
  put16(b, 18, uint16_t(std::min<uint32_t>(video_memory(bios) >> 16, 0xFFFF)));
  if (vbe2) {
    put16(b, 20, 0x0100);  // OEM software revision
    put32(b, 22, rom_pointer(kVendor));
    put32(b, 26, rom_pointer(kProduct));
    put32(b, 30, rom_pointer(kRevision));
  }
  c.set_ax(put_block(bios, c, std::span(b).first(vbe2 ? 512 : 256)) ? kOk : kFailed);
}

// The colour fields of a depth: mask sizes and positions (red, green, blue, reserved).
std::array<uint8_t, 8> colour_fields(uint8_t bpp) {
  switch (bpp) {
    case 15: return {5, 10, 5, 5, 5, 0, 1, 15};
    case 16: return {5, 11, 6, 5, 5, 0, 0, 0};
    case 24: return {8, 16, 8, 8, 8, 0, 0, 0};
    case 32: return {8, 16, 8, 8, 8, 0, 8, 24};
    default: return {};  // 8 bpp: packed pixels through the palette
  }
}

// AL=01h: mode information for CX into the 256-byte ModeInfoBlock at ES:DI.
void handle_4F01(BiosContext& bios, BiosCall& c) {
  std::optional<VbeMode> m = vbe_find_mode(c.cx() & 0x1FF);
  if (!m) return c.set_ax(kFailed);
  std::array<uint8_t, 256> b{};
  uint32_t line = m->width * bytes_per_pixel(m->bpp);
  uint32_t pages = std::max<uint32_t>(video_memory(bios) / (line * m->height), 1) - 1;
  // supported (when it fits), extended information, colour, graphics, linear framebuffer
  put16(b, 0, uint16_t((fits(bios, *m) ? 0x01 : 0) | 0x02 | 0x08 | 0x10 | 0x80));
  b[2] = 0x07;      // window A: exists, readable, writable
  put16(b, 4, 64);  // granularity in KiB
  put16(b, 6, 64);  // size in KiB
  put16(b, 8, 0xA000);
  put16(b, 16, uint16_t(line));
  put16(b, 18, m->width);
  put16(b, 20, m->height);
  b[22] = 8;  // character cell
  b[23] = 16;
  b[24] = 1;  // planes
  b[25] = m->bpp;
  b[26] = 1;                    // banks
  b[27] = m->bpp == 8 ? 4 : 6;  // packed pixel / direct colour
  b[29] = uint8_t(std::min<uint32_t>(pages, 255));
  b[30] = 1;
  std::array<uint8_t, 8> f = colour_fields(m->bpp);
  std::copy(f.begin(), f.end(), b.begin() + 31);
  put32(b, 40, kLfbBase);
  put16(b, 50, uint16_t(line));
  b[52] = b[53] = b[29];  // image pages, banked and linear
  std::copy(f.begin(), f.end(), b.begin() + 54);
  put32(b, 62, 162000000);  // the maximum pixel clock, Hz (as for 1920x1080 at 60 Hz)
  c.set_ax(put_block(bios, c, b) ? kOk : kFailed);
}

// AL=02h: set mode BX (bits 0-8; bit 14 the linear framebuffer; bit 15 keep
// video memory). Modes below 100h: the BIOS's text modes, DISPI off.
void handle_4F02(BiosContext& bios, BiosCall& c) {
  uint16_t number = c.bx() & 0x1FF;
  if (number < 0x100) {
    if (number > 3 && number != 7) return c.set_ax(kFailed);
    dispi_set(bios, kEnable, 0);
    video_set_mode(bios, uint8_t(number));
    return c.set_ax(kOk);
  }
  std::optional<VbeMode> m = vbe_find_mode(number);
  if (!m || !fits(bios, *m)) return c.set_ax(kFailed);
  dispi_set(bios, kEnable, 0);
  // A 256-colour mode gets mode 13h's default DAC palette, as a VGA BIOS's
  // mode set loads it (SeaVGABIOS does too).
  if (m->bpp == 8 && bios.config.video.set_mode) bios.config.video.set_mode(0x13);
  dispi_set(bios, kXres, m->width);
  dispi_set(bios, kYres, m->height);
  dispi_set(bios, kBpp, m->bpp);
  uint16_t enable = kEnabled | (c.bx() & 0x4000 ? kLfbEnabled : 0) | (c.bx() & 0x8000 ? kNoClearMem : 0);
  dispi_set(bios, kEnable, enable);
  c.set_ax(dispi_get(bios, kEnable) & kEnabled ? kOk : kFailed);
}

// The VBE mode the DISPI registers hold, if any.
std::optional<VbeMode> current_mode(BiosContext& bios) {
  if (!(dispi_get(bios, kEnable) & kEnabled)) return std::nullopt;
  uint16_t w = dispi_get(bios, kXres), h = dispi_get(bios, kYres), bpp = dispi_get(bios, kBpp);
  for (const VbeMode& m : kModes)
    if (m.width == w && m.height == h && m.bpp == bpp) return m;
  return VbeMode{0x1FF, w, h, uint8_t(bpp)};  // set through the ports directly: no number of ours
}

// AL=03h: the current mode in BX (bit 14: through the linear framebuffer).
void handle_4F03(BiosContext& bios, BiosCall& c) {
  std::optional<VbeMode> m = current_mode(bios);
  if (!m)
    c.set_bx(bios.bda8(bda::kVideoMode));
  else
    c.set_bx(uint16_t(m->number | (dispi_get(bios, kEnable) & kLfbEnabled ? 0x4000 : 0)));
  c.set_ax(kOk);
}

// AL=05h: BH=00h set window BL's position to DX (64 KiB units), BH=01h get it.
void handle_4F05(BiosContext& bios, BiosCall& c) {
  if (c.bl() != 0) return c.set_ax(kFailed);  // window A only
  if (c.bh() == 0x01) {
    c.set_dx(dispi_get(bios, kBank));
    return c.set_ax(kOk);
  }
  if (c.bh() != 0x00) return c.set_ax(kFailed);
  dispi_set(bios, kBank, c.dx());
  c.set_ax(dispi_get(bios, kBank) == c.dx() ? kOk : kFailed);
}

// AL=06h: logical scan line. BL=00h set CX pixels, 01h get, 02h set CX bytes,
// 03h get the maximum. Returns BX bytes, CX pixels, DX lines.
void handle_4F06(BiosContext& bios, BiosCall& c) {
  std::optional<VbeMode> m = current_mode(bios);
  if (!m || c.bl() > 3) return c.set_ax(kFailed);
  uint32_t bpp = bytes_per_pixel(m->bpp);
  uint16_t before = dispi_get(bios, kVirtWidth);
  uint32_t want = before;
  if (c.bl() == 0x00) want = c.cx();
  if (c.bl() == 0x02) want = c.cx() / bpp;
  if (c.bl() == 0x03) want = std::min<uint32_t>(video_memory(bios) / (bpp * m->height), 0xFFFF);
  if (c.bl() == 0x00 || c.bl() == 0x02) {
    dispi_set(bios, kVirtWidth, uint16_t(std::min<uint32_t>(want, 0xFFFF)));
    if (dispi_get(bios, kVirtWidth) != want) return c.set_ax(kFailed);
  }
  c.set_cx(uint16_t(want));
  c.set_bx(uint16_t(std::min<uint32_t>(want * bpp, 0xFFFF)));
  c.set_dx(uint16_t(std::min<uint32_t>(video_memory(bios) / std::max<uint32_t>(want * bpp, 1), 0xFFFF)));
  c.set_ax(kOk);
}

// AL=07h: display start. BL=00h/80h set CX pixel, DX line; BL=01h get them.
void handle_4F07(BiosContext& bios, BiosCall& c) {
  if (!current_mode(bios)) return c.set_ax(kFailed);
  if (c.bl() == 0x01) {
    c.set_bh(0);
    c.set_cx(dispi_get(bios, kXOffset));
    c.set_dx(dispi_get(bios, kYOffset));
    return c.set_ax(kOk);
  }
  if (c.bl() != 0x00 && c.bl() != 0x80) return c.set_ax(kFailed);
  dispi_set(bios, kXOffset, c.cx());
  dispi_set(bios, kYOffset, c.dx());
  bool ok = dispi_get(bios, kXOffset) == c.cx() && dispi_get(bios, kYOffset) == c.dx();
  c.set_ax(ok ? kOk : kFailed);
}

// AL=08h: DAC width. The DAC is 6 bits wide and stays so.
void handle_4F08(BiosContext&, BiosCall& c) {
  if (c.bl() > 1) return c.set_ax(kFailed);
  bool ok = c.bl() == 0x01 || c.bh() == 6;
  c.set_bh(6);
  c.set_ax(ok ? kOk : kFailed);
}

// AL=09h: palette data. BL=00h/80h set, 01h get CX entries from DX through
// the table at ES:DI (4 bytes an entry: blue, green, red, 0).
void handle_4F09(BiosContext& bios, BiosCall& c) {
  uint32_t first = c.dx(), count = c.cx();
  bool set = c.bl() == 0x00 || c.bl() == 0x80;
  if ((!set && c.bl() != 0x01) || first + count > 256) return c.set_ax(kFailed);
  uint32_t table = bios.mem.real_linear(c.es(), c.di());
  if (count && (set ? !bios.mem.readable_span(table, 4 * count) : !bios.mem.ram_span(table, 4 * count)))
    return c.set_ax(kFailed);
  bios.ports->write(set ? kDacWriteIndex : kDacReadIndex, 1, first);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t e = table + 4 * i;
    for (int k = 2; k >= 0; --k) {  // the DAC takes red, green, blue
      if (set)
        bios.ports->write(kDacData, 1, bios.mem.read8(e + k) & 0x3F);
      else
        bios.mem.write8(e + k, uint8_t(bios.ports->read(kDacData, 1)));
    }
    if (!set) bios.mem.write8(e + 3, 0);
  }
  c.set_ax(kOk);
}

// AL=04h save/restore state, 0Ah the protected-mode interface, and the rest.
void handle_4FXX(BiosContext&, BiosCall& c) { c.set_ax(kFailed); }

}  // namespace

std::span<const VbeMode> vbe_modes() { return kModes; }

std::optional<VbeMode> vbe_find_mode(uint16_t number) {
  for (const VbeMode& m : kModes)
    if (m.number == number) return m;
  return std::nullopt;
}

void vbe_write_rom_tables(std::span<uint8_t> rom) {
  std::span<uint8_t> t = rom.subspan(rom::kVbeTables, 0x200);
  std::fill(t.begin(), t.end(), uint8_t{0});
  const uint16_t at[] = {kOemString, kVendor, kProduct, kRevision};
  for (size_t i = 0; i < std::size(kStrings); ++i) std::copy(kStrings[i].begin(), kStrings[i].end(), t.begin() + at[i]);
  size_t p = kModeList;
  for (const VbeMode& m : kModes) put16(t, std::exchange(p, p + 2), m.number);
  put16(t, p, 0xFFFF);
}

void handle_104F(BiosContext& bios, BiosCall& c) {
  if (!dispi_present(bios)) return bios.log_unimplemented(c);
  switch (c.al()) {
    case 0x00: return handle_4F00(bios, c);
    case 0x01: return handle_4F01(bios, c);
    case 0x02: return handle_4F02(bios, c);
    case 0x03: return handle_4F03(bios, c);
    case 0x05: return handle_4F05(bios, c);
    case 0x06: return handle_4F06(bios, c);
    case 0x07: return handle_4F07(bios, c);
    case 0x08: return handle_4F08(bios, c);
    case 0x09: return handle_4F09(bios, c);
    default: return handle_4FXX(bios, c);
  }
}

}  // namespace pxos

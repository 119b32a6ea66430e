#include "devices/graphics_mode.h"

#include <bit>
#include <cstdio>

#include "vm/bda.h"

namespace pxos {

namespace {

// The graphics modes of a VGA BIOS.
constexpr GraphicsMode kModes[] = {
    {0x04, 320, 200, 4}, {0x05, 320, 200, 4},  {0x06, 640, 200, 2}, {0x0D, 320, 200, 16}, {0x0E, 640, 200, 16},
    {0x0F, 640, 350, 2}, {0x10, 640, 350, 16}, {0x11, 640, 480, 2}, {0x12, 640, 480, 16}, {0x13, 320, 200, 256},
};

constexpr uint8_t kAttrModeControl = 0x10, kAttrPlaneEnable = 0x12;
constexpr uint8_t kAttrGraphics = 0x01, kAttr8BitColour = 0x40;  // attribute mode control
constexpr uint8_t kGcMode = 0x05, kGcMisc = 0x06;
constexpr uint8_t kGcShiftInterleave = 0x20;  // GC mode: CGA 4-colour pixels
constexpr uint8_t kGcGraphics = 0x01;         // GC misc bit 0; bits 3:2 the memory map
constexpr uint8_t kSeqMemoryMode = 0x04, kSeqChain4 = 0x08;
constexpr uint8_t kCrHDisplayEnd = 0x01, kCrVDisplayEnd = 0x12, kCrModeControl = 0x17;
constexpr uint8_t kCrDoubleScan = 0x80;  // CR09 bit 7
constexpr uint8_t kCrNoCgaRows = 0x01;   // CR17 bit 0: 0 = CGA row addressing (two scan lines per row from two banks)

int colours_of(const Vga& v) {
  if (v.attribute(kAttrModeControl) & kAttr8BitColour) return 256;
  if (v.graphics(kGcMode) & kGcShiftInterleave) return 4;
  if ((v.graphics(kGcMisc) >> 2 & 3) == 3) return 2;  // B800h, one bit a pixel: CGA mode 6
  int planes = std::popcount(unsigned(v.attribute(kAttrPlaneEnable) & 0x0F));
  return 1 << (planes ? planes : 4);
}

}  // namespace

std::string GraphicsMode::describe() const {
  char buf[96];
  if (width == 0)
    std::snprintf(buf, sizeof buf, "video mode %02Xh", unsigned(number));
  else if (number >= 0)
    std::snprintf(buf, sizeof buf, "graphics mode %02Xh (%dx%d, %d colours)", unsigned(number), width, height, colours);
  else
    std::snprintf(buf, sizeof buf, "VGA graphics (%dx%d, %d colours)", width, height, colours);
  return buf;
}

std::optional<GraphicsMode> graphics_mode_of(const Vga& v) {
  if (!(v.attribute(kAttrModeControl) & kAttrGraphics) && !(v.graphics(kGcMisc) & kGcGraphics)) return std::nullopt;
  GraphicsMode g;
  g.colours = colours_of(v);
  g.width = (v.crtc(kCrHDisplayEnd) + 1) * 8 / (g.colours == 256 ? 2 : 1);
  uint8_t overflow = v.crtc(Vga::kCrOverflow), max_scan = v.crtc(Vga::kCrMaxScan);
  int lines = (v.crtc(kCrVDisplayEnd) | (overflow & 0x02) << 7 | (overflow & 0x40) << 3) + 1;
  if (max_scan & kCrDoubleScan) lines /= 2;
  if (v.crtc(kCrModeControl) & kCrNoCgaRows) lines /= (max_scan & 0x1F) + 1;
  g.height = lines;
  bool chained = v.sequencer(kSeqMemoryMode) & kSeqChain4;
  for (const GraphicsMode& m : kModes)
    if (m.width == g.width && m.height == g.height && m.colours == g.colours && (g.colours != 256 || chained)) {
      g.number = m.number;
      break;
    }
  return g;
}

std::optional<GraphicsMode> graphics_mode(GuestMemory& mem, const Vga* vga) {
  int number = mem.read8(bda::kBase + bda::kVideoMode) & 0x7F;
  if (number > 3 && number != 7) {
    for (const GraphicsMode& m : kModes)
      if (m.number == number) return m;
    return GraphicsMode{number};
  }
  return vga ? graphics_mode_of(*vga) : std::nullopt;
}

}  // namespace pxos

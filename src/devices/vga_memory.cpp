// The VGA's video memory as the CPU sees it through the A0000h-BFFFFh
// window: address decoding (memory map, chain 4, odd/even), the latches, the
// four write modes and two read modes of the graphics controller.
#include <algorithm>
#include <bit>

#include "devices/vga.h"

namespace pxos {

namespace {
struct Window {
  uint32_t base, size;
};
// GC06 bits 3:2.
constexpr Window kWindows[4] = {{0x00000, 0x20000}, {0x00000, 0x10000}, {0x10000, 0x8000}, {0x18000, 0x8000}};
constexpr uint8_t kEvenPlanes = 0x05, kOddPlanes = 0x0A;
constexpr uint8_t expand(int bit) { return bit ? 0xFF : 0x00; }
}  // namespace

bool Vga::decode(uint32_t offset, Decoded& out) const {
  if (!(misc_ & kMiscRamEnable)) return false;
  const Window w = kWindows[(gc_[kGcMisc] >> 2) & 3];
  if (offset < w.base || offset - w.base >= w.size) return false;
  uint32_t a = offset - w.base;
  if (seq_[kSrMemMode] & kSrChain4) {
    out.read_plane = uint8_t(a & 3);
    out.planes = uint8_t(1u << (a & 3));
    out.offset = (a & ~3u) & (kPlaneSize - 1);
    return true;
  }
  bool odd = a & 1;
  out.planes = (seq_[kSrMemMode] & kSrNoOddEven) ? 0x0F : (odd ? kOddPlanes : kEvenPlanes);
  out.read_plane =
      (gc_[kGcMode] & kGcOddEven) ? uint8_t((gc_[kGcReadMap] & 2) | (odd ? 1 : 0)) : uint8_t(gc_[kGcReadMap] & 3);
  // Chain odd/even: A0 chose the plane, a higher address bit takes its place.
  if (gc_[kGcMisc] & kGcChainOddEven) a = (a & ~1u) | ((a >> 16) & 1);
  out.offset = a & (kPlaneSize - 1);
  return true;
}

// The bytes a CPU write of `value` puts into each plane (where the map mask
// lets it), from the write mode, set/reset, rotation, logical function, bit
// mask and the latches.
std::array<uint8_t, 4> Vga::write_values(uint8_t value) const {
  const uint8_t mode = gc_[kGcMode] & 3;
  if (mode == 1) return latch_;
  const uint8_t rotated = std::rotr(value, gc_[kGcRotate] & 7);
  const uint8_t set_reset = gc_[kGcSetReset], enable = gc_[kGcEnableSetReset];
  uint8_t mask = gc_[kGcBitMask];
  if (mode == 3) mask &= rotated;
  std::array<uint8_t, 4> out{};
  for (int p = 0; p < 4; ++p) {
    uint8_t src;
    if (mode == 2)
      src = expand(value >> p & 1);
    else if (mode == 3 || (enable >> p & 1))
      src = expand(set_reset >> p & 1);
    else
      src = rotated;
    const uint8_t latch = latch_[size_t(p)];
    switch ((gc_[kGcRotate] >> 3) & 3) {
      case 1: src &= latch; break;
      case 2: src |= latch; break;
      case 3: src ^= latch; break;
      default: break;
    }
    out[size_t(p)] = uint8_t((src & mask) | (latch & ~mask));
  }
  return out;
}

void Vga::mem_write(uint32_t offset, uint8_t value) {
  Decoded d;
  if (!decode(offset, d)) {
    ++stats_.outside;
    return;
  }
  ++stats_.mem_writes;
  const std::array<uint8_t, 4> values = write_values(value);
  const uint8_t planes = d.planes & seq_[kSrMapMask];
  for (int p = 0; p < 4; ++p) {
    if (!(planes >> p & 1)) continue;
    uint8_t& cell = vram_[size_t(p) * kPlaneSize + d.offset];
    if (cell == values[size_t(p)]) continue;
    cell = values[size_t(p)];
    // Text reads plane 2 as the font: a change there may redraw any row.
    if (p == 2 && !(gc_[kGcMisc] & kGcGraphics))
      changed_ = true;
    else
      mark_written(d.offset);
  }
}

uint8_t Vga::mem_read(uint32_t offset) {
  Decoded d;
  if (!decode(offset, d)) {
    ++stats_.outside;
    return 0xFF;
  }
  ++stats_.mem_reads;
  for (int p = 0; p < 4; ++p) latch_[size_t(p)] = vram(p, d.offset);
  if (!(gc_[kGcMode] & kGcReadMode1)) return latch_[d.read_plane];
  // Read mode 1: a 1 for each pixel whose colour (in the planes that
  // matter) equals the colour compare register.
  uint8_t result = 0xFF;
  for (int p = 0; p < 4; ++p)
    if (gc_[kGcDontCare] >> p & 1) result &= uint8_t(~(latch_[size_t(p)] ^ expand(gc_[kGcColourCompare] >> p & 1)));
  return result;
}

uint8_t Vga::peek(uint32_t offset) const {
  Decoded d;
  return decode(offset, d) ? vram(d.read_plane, d.offset) : 0xFF;
}

std::span<uint8_t> Vga::plane(int index) {
  if (index < 0 || index >= int(kPlanes)) return {};
  changed_ = true;
  return std::span<uint8_t>(vram_).subspan(size_t(index) * kPlaneSize, kPlaneSize);
}

std::span<const uint8_t> Vga::plane(int index) const {
  if (index < 0 || index >= int(kPlanes)) return {};
  return std::span<const uint8_t>(vram_).subspan(size_t(index) * kPlaneSize, kPlaneSize);
}

void Vga::window_access(uint64_t offset, std::span<uint8_t> data, bool is_write) {
  for (size_t i = 0; i < data.size(); ++i) {
    uint64_t at = offset + i;
    uint32_t off = at < kWindowSize ? uint32_t(at) : kWindowSize;  // past the end: outside every window
    if (is_write)
      mem_write(off, data[i]);
    else
      data[i] = mem_read(off);
  }
}

void Vga::attach_memory(MmioBus& mmio) {
  mmio.add("vga-memory", kWindowBase, kWindowSize,
           [this](uint64_t offset, std::span<uint8_t> data, bool is_write) { window_access(offset, data, is_write); });
}

// Whether CPU bytes [offset, offset + len) are plain odd/even text: even
// addresses in plane 0 and odd ones in plane 1 at the address with bit 0
// clear, written unchanged (write mode 0, no rotation, set/reset or bit
// mask) and read back from the same planes.
bool Vga::plain_text(uint32_t offset, uint32_t len) const {
  const Window w = kWindows[(gc_[kGcMisc] >> 2) & 3];
  const uint8_t mem_mode = seq_[kSrMemMode], gc_mode = gc_[kGcMode];
  return (misc_ & kMiscRamEnable) && !(mem_mode & (kSrChain4 | kSrNoOddEven)) && (seq_[kSrMapMask] & 0x0F) == 0x03 &&
         (gc_[kGcMisc] & kGcChainOddEven) && (gc_mode & kGcOddEven) && !(gc_[kGcReadMap] & 2) && (gc_mode & 3) == 0 &&
         !(gc_[kGcEnableSetReset] & 3) && !(gc_[kGcRotate] & 0x1F) && gc_[kGcBitMask] == 0xFF && offset >= w.base &&
         offset - w.base <= std::min(w.size, kPlaneSize) && len <= std::min(w.size, kPlaneSize) - (offset - w.base) &&
         !(offset & 1) && !(len & 1);
}

void Vga::window_copy(uint32_t dst, uint32_t src, uint32_t len) {
  len = std::min(len, kWindowSize);
  if (len == 0) return;
  const bool forward = dst < src;
  if (!plain_text(dst, len) || !plain_text(src, len)) {
    for (uint32_t i = 0; i < len; ++i) {
      const uint32_t k = forward ? i : len - 1 - i;
      mem_write(dst + k, mem_read(src + k));
    }
    return;
  }
  const uint32_t base = kWindows[(gc_[kGcMisc] >> 2) & 3].base, d = dst - base, s = src - base;
  for (uint32_t i = 0; i < len; i += 2) {
    const uint32_t k = forward ? i : len - 2 - i;
    for (int p = 0; p < 2; ++p) vram_[size_t(p) * kPlaneSize + d + k] = vram(p, s + k);
    mark_written(d + k);
  }
  const uint32_t last = s + (forward ? len - 2 : 0);  // the last byte read loaded the latches
  for (int p = 0; p < 4; ++p) latch_[size_t(p)] = vram(p, last);
  stats_.mem_reads += len;
  stats_.mem_writes += len;
}

void Vga::window_fill16(uint32_t offset, uint32_t count, uint16_t value) {
  if (count > kWindowSize / 2) count = kWindowSize / 2;
  if (!plain_text(offset, 2 * count)) {
    for (uint32_t i = 0; i < count; ++i) {
      mem_write(offset + 2 * i, uint8_t(value));
      mem_write(offset + 2 * i + 1, uint8_t(value >> 8));
    }
    return;
  }
  const uint32_t d = offset - kWindows[(gc_[kGcMisc] >> 2) & 3].base;
  for (uint32_t i = 0; i < 2 * count; i += 2) {
    vram_[d + i] = uint8_t(value);
    vram_[kPlaneSize + d + i] = uint8_t(value >> 8);
    mark_written(d + i);
  }
  stats_.mem_writes += 2 * count;
}

}  // namespace pxos

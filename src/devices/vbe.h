// The Bochs/QEMU VBE display interface ("DISPI"): an index port (1CEh) and a
// data port (1CFh) of 16-bit registers that set a linear-framebuffer graphics
// mode, over the framebuffer of vm/memory.h (guest-physical kFramebufferBase),
// plus the 64 KiB bank window at A0000h-AFFFFh for banked access.
//
// Registers (index: meaning):
//   0 ID           B0C0h..B0C5h; a write of another value is refused
//   1 XRES         width in pixels  (1..kMaxXres; multiples of 8 as Bochs)
//   2 YRES         height in pixels (1..kMaxYres)
//   3 BPP          8, 15, 16, 24 or 32
//   4 ENABLE       01h ENABLED, 02h GETCAPS (XRES/YRES/BPP read the maxima),
//                  20h 8BIT_DAC, 40h LFB_ENABLED, 80h NOCLEARMEM
//   5 BANK         the 64 KiB bank the window at A0000h shows
//   6 VIRT_WIDTH   the line length in pixels (>= XRES)
//   7 VIRT_HEIGHT  the lines that fit in video memory (read-only here)
//   8 X_OFFSET     the displayed start, in pixels and lines
//   9 Y_OFFSET
//   A VIDEO_MEMORY_64K  video memory in 64 KiB units (read-only)
// XRES, YRES and BPP take effect when ENABLE is written with ENABLED set and
// are refused while enabled (as Bochs). A value that would put the displayed
// picture past the end of video memory is refused, so every byte the renderer
// or the bank window touches lies inside the framebuffer.
//
// render() draws the displayed picture (FrameSource): 8 bpp through the VGA's
// palette (given as a function, 6-bit entries unless 8BIT_DAC), 15/16 bpp as
// x555/565, 24/32 bpp as B, G, R(, X) bytes; only the rows on pages the guest
// wrote since the last render (the framebuffer's dirty record), or all of
// them after a mode set, start, line length or palette change.
//
// Not thread-safe: render() on the monitor's thread, between runs of the vCPU.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "devices/frame.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {

class Vbe final : public FrameSource {
 public:
  static constexpr uint16_t kIndexPort = 0x1CE, kDataPort = 0x1CF;
  // Register indexes.
  static constexpr uint16_t kRegId = 0, kRegXres = 1, kRegYres = 2, kRegBpp = 3, kRegEnable = 4, kRegBank = 5;
  static constexpr uint16_t kRegVirtWidth = 6, kRegVirtHeight = 7, kRegXOffset = 8, kRegYOffset = 9;
  static constexpr uint16_t kRegVideoMemory64K = 10, kRegCount = 11;
  // ID values.
  static constexpr uint16_t kId0 = 0xB0C0, kId5 = 0xB0C5;
  // ENABLE bits.
  static constexpr uint16_t kEnabled = 0x01, kGetCaps = 0x02, kDac8Bit = 0x20, kLfbEnabled = 0x40;
  static constexpr uint16_t kNoClearMem = 0x80;
  // Limits (Bochs's).
  static constexpr uint16_t kMaxXres = 2560, kMaxYres = 1600, kMaxBpp = 32;
  // The bank window.
  static constexpr uint64_t kBankWindowBase = 0xA0000, kBankSize = 0x10000;

  struct Stats {
    uint64_t register_reads = 0;
    uint64_t register_writes = 0;
    uint64_t refused_writes = 0;  // bad values, bad indexes, geometry writes while enabled
    uint64_t mode_sets = 0;       // ENABLE written with ENABLED set
    uint64_t bank_reads = 0;
    uint64_t bank_writes = 0;
    uint64_t bank_outside = 0;  // bank window bytes past the end of video memory (read FFh / dropped)
    uint64_t renders = 0;       // render() calls that drew
    uint64_t rows_drawn = 0;
  };

  // A DAC entry: red, green, blue (6 bits each, or 8 with 8BIT_DAC).
  using Palette = std::function<std::array<uint8_t, 3>(uint8_t index)>;

  // Video memory is mem's framebuffer (none: 0 bytes, every mode refused).
  Vbe(GuestMemory& mem, Palette palette);
  void attach(PortBus& ports);

  // Called whenever ENABLED changes (the machine routes the bank window).
  std::function<void(bool enabled)> on_enable;
  // Back to the power-on state (disabled), as a machine reset does.
  void reset();

  // The index and data ports (16-bit registers).
  uint16_t read_register(uint16_t index);
  void write_register(uint16_t index, uint16_t value);
  uint16_t index() const { return index_; }

  // The bank window: offset in [0, kBankSize) of A0000h; bytes past video
  // memory read FFh and writes to them are dropped.
  uint8_t bank_read(uint32_t offset);
  void bank_write(uint32_t offset, uint8_t value);
  // Both as one MMIO callback (offset from kBankWindowBase).
  void bank_access(uint64_t offset, std::span<uint8_t> data, bool is_write);

  bool enabled() const { return enable_ & kEnabled; }
  bool lfb_enabled() const { return enabled() && (enable_ & kLfbEnabled); }
  bool dac_8bit() const { return enable_ & kDac8Bit; }
  uint32_t video_memory() const { return uint32_t(vram_.size()); }

  // The mode in effect (valid while enabled).
  struct Geometry {
    uint32_t width = 0, height = 0, bpp = 0;
    uint32_t line_bytes = 0;  // VIRT_WIDTH in bytes
    uint32_t start = 0;       // byte offset of the displayed top-left pixel
    bool operator==(const Geometry&) const = default;
  };
  const Geometry& geometry() const { return geo_; }
  static uint32_t bytes_per_pixel(uint32_t bpp) { return (bpp + 7) / 8; }

  bool render(Frame& frame) override;

  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  void set_enable(uint16_t value);
  void apply_enable(uint16_t value);
  bool set_virt_width(uint16_t value);
  bool set_offset(uint16_t x, uint16_t y);
  void draw_row(Frame& frame, uint32_t y, const std::array<uint32_t, 256>& pal) const;
  std::array<uint32_t, 256> palette_rgb() const;
  bool row_dirty(uint32_t y, const std::vector<uint64_t>& pages) const;

  GuestMemory& mem_;
  std::span<uint8_t> vram_;
  Palette palette_;
  uint16_t index_ = 0;
  uint16_t id_ = kId0;
  uint16_t xres_ = 640, yres_ = 480, bpp_ = 8;  // what the next enable sets
  uint16_t enable_ = 0;
  uint16_t bank_ = 0;
  uint16_t virt_width_ = 0, x_offset_ = 0, y_offset_ = 0;
  Geometry geo_;
  // What the last render drew from (the palette as 8BIT_DAC scaled it):
  // anything else redraws all rows.
  Geometry drawn_geo_;
  std::array<uint32_t, 256> drawn_palette_{};
  bool redraw_all_ = true;  // a mode set (which may clear video memory behind the dirty record)
  Stats stats_;
};

}  // namespace pxos

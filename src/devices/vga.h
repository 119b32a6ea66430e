// IBM VGA: the registers, 256 KiB of video memory in four planes, and a
// renderer that draws every standard mode from the registers alone.
//
// Ports: CRTC index/data 3D4h/3D5h with the mono alias 3B4h/3B5h (both
// always decoded, whatever misc output bit 0 says), input status 1 at
// 3DAh/3BAh (writes there are feature control), attribute controller
// 3C0h/3C1h (index/data flip-flop, reset by reading input status 1),
// misc output 3C2h (write) / 3CCh (read), input status 0 at 3C2h (read),
// sequencer 3C4h/3C5h, DAC 3C6h-3C9h (pel mask, read index / DAC state,
// write index, data: R, G, B, 6 bits each, auto-increment), feature control
// 3CAh (read), graphics controller 3CEh/3CFh. CRTC registers 0-7 are
// write-protected while CR11 bit 7 is set (except CR07 bit 4), as on a VGA.
//
// Registers the memory path and the renderer use:
//   misc output (3C2h) bit 1: the CPU reaches video memory (0: the window
//        reads all ones, writes are dropped)
//   SR01 clocking mode   bit 0 8-dot cells, bit 5 screen off (bit 3, dot clock
//                        / 2, only widens pixels on the monitor: the native
//                        picture of modes 0Dh/04h is 320 wide either way)
//   SR02 map mask        planes a CPU write reaches
//   SR03 character map   bits 1:0,4 map B (attribute bit 3 = 0), bits 3:2,5 map A;
//                        map n is a font bank in plane 2 (0-3 at n * 16K, 4-7 at
//                        (n - 4) * 16K + 8K); character c's scan line r is at
//                        bank + c * 32 + r
//   SR04 memory mode     bit 2 = 0 odd/even writes, bit 3 chain 4
//   GC00/GC01            set/reset, enable set/reset (write mode 0)
//   GC02/GC07            colour compare, colour don't care (read mode 1)
//   GC03 rotate/function bits 2:0 rotate count, bits 4:3 none/AND/OR/XOR
//   GC04 read map select
//   GC05 mode            bits 1:0 write mode, bit 3 read mode, bit 4 odd/even
//                        reads, bit 5 CGA shift interleave, bit 6 256 colours
//   GC06 misc            bit 0 graphics, bit 1 chain odd/even (A0 replaced by
//                        a higher address bit), bits 3:2 memory map
//                        (A0000h/128K, A0000h/64K, B0000h/32K, B8000h/32K)
//   GC08 bit mask
//   CR01 horizontal display end, CR12 + CR07 bits 1,6 vertical display end
//   CR08 preset row scan (bits 4:0) and byte panning (bits 6:5)
//   CR09 bit 7 double scan, bit 6 line compare bit 9, bits 4:0 max scan line
//   CR0A/CR0B cursor start (bit 5 off) / end, CR0E/CR0F cursor location
//   CR0C/CR0D start address, CR13 offset (row pitch / 2 in counter units)
//   CR14 bits 4:0 underline row, bit 5 count by 4, bit 6 doubleword addresses
//   CR17 bit 0 = 0 CGA rows (row scan bit 0 is address bit 13), bit 1 = 0
//        Hercules rows (row scan bit 1 is address bit 14), bit 3 count by 2,
//        bit 6 byte (1) / word (0) addresses (bit 5, the word-mode wrap, is
//        not modelled: the CPU side folds addresses by clearing low bits)
//   CR18 + CR07 bit 4 + CR09 bit 6 line compare (split screen)
//   AR00-0F palette; AR10 mode control: bit 2 line graphics (9th dot of
//        C0h-DFh), bit 3 blink, bit 5 no panning below the split, bit 6
//        8-bit colour (the byte goes to the DAC as is, AR00-0F unused),
//        bit 7 palette bits 5:4 from AR14 (text or graphics is GC06 bit 0's
//        choice; the underline is drawn where (attribute & 77h) == 01h, at
//        scan line CR14 bits 4:0, in any text mode)
//   AR12 colour plane enable, AR13 pixel panning, AR14 colour select;
//   attribute index bit 5 (PAS) = 0 blanks the screen.
//
// Video memory is 4 planes of 64 KiB. The CPU sees it through mem_read/
// mem_write (offset = physical address - A0000h), as on a VGA: every read
// loads the four latches; chain 4 takes the plane from address bits 1:0 and
// the offset within the plane as the address with those bits cleared;
// odd/even takes the plane from bit 0 and replaces it (with GC06 bit 1) by
// bit 16 of the window offset. The CRTC addresses memory in bytes, words
// (counter << 1) or doublewords (counter << 2), so mode 13h's pixel at
// A0000h + y*320 + x is at plane x&3, offset y*320 + x&~3.
//
// Input status 1 follows a 60 Hz, 525-line frame from GuestClock: bit 3
// (vertical retrace) is reported for the whole vertical blanking interval
// (lines 480-524, ~1.43 ms per frame, so that polling loops cannot miss
// it) and bit 0 (display disabled) during vertical blanking and the last
// fifth of each line. The same clock drives the blink: the cursor toggles
// every 8 frames, blinking characters every 16.
//
// Reset values are those of BIOS mode 3 (80x25 colour text; CR11 bit 7 is
// set, so CR0-CR7 start write-protected), with the default 64-colour EGA
// palette in the first 64 DAC entries, the attribute index's PAS bit set
// and video memory zero (no font: the BIOS loads one into plane 2).
//
// Not thread-safe: the guest's accesses and render() must come from one
// thread (or be serialised by the caller).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "devices/frame.h"
#include "vm/bus.h"
#include "vm/clock.h"

namespace pxos {

class Vga final : public FrameSource {
 public:
  static constexpr uint16_t kCrtcIndexMono = 0x3B4, kStatus1Mono = 0x3BA;
  static constexpr uint16_t kAttrIndex = 0x3C0, kAttrData = 0x3C1, kMiscWrite = 0x3C2, kStatus0 = 0x3C2;
  static constexpr uint16_t kVgaEnable = 0x3C3, kSeqIndex = 0x3C4, kSeqData = 0x3C5;
  static constexpr uint16_t kPelMask = 0x3C6, kDacReadIndex = 0x3C7, kDacState = 0x3C7;
  static constexpr uint16_t kDacWriteIndex = 0x3C8, kDacData = 0x3C9, kFeatureRead = 0x3CA, kMiscRead = 0x3CC;
  static constexpr uint16_t kGcIndex = 0x3CE, kGcData = 0x3CF;
  static constexpr uint16_t kCrtcIndex = 0x3D4, kCrtcData = 0x3D5, kStatus1 = 0x3DA;
  static constexpr uint8_t kMiscRamEnable = 0x02;  // misc output bit 1
  // Sequencer registers.
  static constexpr uint8_t kSrClocking = 0x01, kSrMapMask = 0x02, kSrCharMap = 0x03, kSrMemMode = 0x04;
  static constexpr uint8_t kSr8Dot = 0x01, kSrHalfClock = 0x08, kSrScreenOff = 0x20;  // SR01
  static constexpr uint8_t kSrNoOddEven = 0x04, kSrChain4 = 0x08;                     // SR04
  // Graphics controller registers.
  static constexpr uint8_t kGcSetReset = 0x00, kGcEnableSetReset = 0x01, kGcColourCompare = 0x02;
  static constexpr uint8_t kGcRotate = 0x03, kGcReadMap = 0x04, kGcMode = 0x05, kGcMisc = 0x06;
  static constexpr uint8_t kGcDontCare = 0x07, kGcBitMask = 0x08;
  static constexpr uint8_t kGcReadMode1 = 0x08, kGcOddEven = 0x10, kGcInterleave = 0x20, kGc256 = 0x40;  // GC05
  static constexpr uint8_t kGcGraphics = 0x01, kGcChainOddEven = 0x02;                                   // GC06
  // CRTC registers.
  static constexpr uint8_t kCrHDisplayEnd = 0x01, kCrOverflow = 0x07, kCrMaxScan = 0x09;
  static constexpr uint8_t kCrCursorStart = 0x0A, kCrCursorEnd = 0x0B;
  static constexpr uint8_t kCrStartHi = 0x0C, kCrStartLo = 0x0D, kCrCursorHi = 0x0E, kCrCursorLo = 0x0F;
  static constexpr uint8_t kCrVsyncEnd = 0x11, kCrVDisplayEnd = 0x12, kCrOffset = 0x13, kCrUnderline = 0x14;
  static constexpr uint8_t kCrModeControl = 0x17, kCrLineCompare = 0x18;
  static constexpr uint8_t kCursorDisable = 0x20;  // CR0A bit 5
  static constexpr uint8_t kCrProtect = 0x80;      // CR11 bit 7
  // Attribute controller registers.
  static constexpr uint8_t kArModeControl = 0x10, kArPlaneEnable = 0x12, kArPanning = 0x13, kArColourSelect = 0x14;
  static constexpr uint8_t kArPas = 0x20;  // attribute index bit 5: the palette belongs to the display
  // Input status 1.
  static constexpr uint8_t kStatusDisplayOff = 0x01, kStatusVRetrace = 0x08;
  static constexpr size_t kCrtcCount = 0x19, kSeqCount = 5, kGcCount = 9, kAttrCount = 0x15;
  // Video memory.
  static constexpr uint32_t kPlaneSize = 0x10000, kPlanes = 4, kWindowSize = 0x20000;
  static constexpr uint64_t kWindowBase = 0xA0000;
  static constexpr int kMaxWidth = 2048, kMaxHeight = 2048;  // the renderer clamps to these
  // Frame timing.
  static constexpr uint64_t kFrameNs = 16'666'667;  // 60 Hz
  static constexpr uint32_t kLines = 525, kVisibleLines = 480;

  struct Stats {
    uint64_t crtc_writes = 0;
    uint64_t dac_writes = 0;
    uint64_t status_reads = 0;
    uint64_t ignored = 0;     // writes to registers that do not exist or are protected
    uint64_t mem_reads = 0;   // CPU reads inside the selected window
    uint64_t mem_writes = 0;  // CPU writes inside the selected window
    uint64_t outside = 0;     // CPU accesses outside the selected window
    uint64_t frames = 0;      // renders that drew something
    uint64_t rows_drawn = 0;  // native rows drawn (all of them after a register change, else those that changed)
  };

  explicit Vga(GuestClock clock);
  void attach(PortBus& ports);
  // Claims A0000h-BFFFFh with window_access.
  void attach_memory(MmioBus& mmio);
  // An MMIO access at `offset` from A0000h: wider accesses are byte cycles
  // at rising offsets; bytes past BFFFFh are outside every window.
  void window_access(uint64_t offset, std::span<uint8_t> data, bool is_write);

  uint8_t read(uint16_t port);
  void write(uint16_t port, uint8_t value);

  // The CPU's view of video memory: offset = physical address - A0000h
  // (0..1FFFFh; larger offsets are outside every window).
  uint8_t mem_read(uint32_t offset);
  void mem_write(uint32_t offset, uint8_t value);
  // What a read-mode-0 CPU read at `offset` would return, without loading
  // the latches or counting (text capture, the BIOS); FFh outside the window.
  uint8_t peek(uint32_t offset) const;
  // Block operations for the BIOS with the effect of the CPU's byte moves
  // through the window (latches included): `len` bytes from `src` to `dst`
  // in the direction memmove would take, and `count` words of `value`.
  // Plain odd/even text goes straight to planes 0 and 1.
  void window_copy(uint32_t dst, uint32_t src, uint32_t len);
  void window_fill16(uint32_t offset, uint32_t count, uint16_t value);
  // Direct plane access (the BIOS loading fonts into plane 2, tests). The
  // mutable form counts as a change of the picture.
  std::span<uint8_t> plane(int index);
  std::span<const uint8_t> plane(int index) const;
  std::array<uint8_t, 4> latches() const { return latch_; }

  // FrameSource: draws the picture the registers describe.
  bool render(Frame& frame) override;

  // For the front end and the BIOS.
  uint16_t cursor_location() const { return uint16_t(crtc_[kCrCursorHi] << 8 | crtc_[kCrCursorLo]); }
  bool cursor_enabled() const { return !(crtc_[kCrCursorStart] & kCursorDisable); }
  uint8_t cursor_start() const { return crtc_[kCrCursorStart] & 0x1F; }  // scan lines
  uint8_t cursor_end() const { return crtc_[kCrCursorEnd] & 0x1F; }
  uint16_t start_address() const { return uint16_t(crtc_[kCrStartHi] << 8 | crtc_[kCrStartLo]); }
  void set_cursor_location(uint16_t cell);
  void set_cursor_shape(uint8_t start, uint8_t end);  // CR0A/CR0B as INT 10h AH=01h writes them
  uint8_t crtc(uint8_t index) const { return index < kCrtcCount ? crtc_[index] : 0; }
  uint8_t sequencer(uint8_t index) const { return index < kSeqCount ? seq_[index] : 0; }
  uint8_t graphics(uint8_t index) const { return index < kGcCount ? gc_[index] : 0; }
  uint8_t attribute(uint8_t index) const { return index < kAttrCount ? attr_[index] : 0; }
  uint8_t misc_output() const { return misc_; }
  uint8_t pel_mask() const { return pel_mask_; }
  std::array<uint8_t, 3> dac(uint8_t index) const { return {dac_[index][0], dac_[index][1], dac_[index][2]}; }
  bool in_vertical_retrace(uint64_t now_ns) const;
  uint8_t input_status1(uint64_t now_ns) const;
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  struct Geometry;  // vga_render.cpp
  struct Scan;
  struct Decoded {    // a CPU address inside the window
    uint32_t offset;  // within each plane
    uint8_t planes;   // the planes a write may reach (before the map mask)
    uint8_t read_plane;
  };

  uint64_t now() const { return clock_.now_ns ? clock_.now_ns() : 0; }
  void write_crtc(uint8_t value);
  void write_attribute(uint8_t value);
  void set_register(uint8_t& reg, uint8_t value);  // marks the picture changed when the value differs
  bool decode(uint32_t offset, Decoded& out) const;
  bool plain_text(uint32_t offset, uint32_t len) const;
  std::array<uint8_t, 4> write_values(uint8_t value) const;
  uint8_t vram(int plane, uint32_t offset) const { return vram_[size_t(plane) * kPlaneSize + (offset & 0xFFFF)]; }

  Geometry geometry() const;
  void build_palette(const Geometry& g, std::array<uint32_t, 256>& out) const;
  std::string describe(const Geometry& g) const;
  void render_text(const Geometry& g, const Scan& s, std::span<uint8_t> dots) const;
  void render_graphics(const Geometry& g, const Scan& s, std::span<uint8_t> dots) const;
  uint32_t memory_address(const Geometry& g, uint32_t counter, uint32_t row_scan) const;

  GuestClock clock_;
  std::array<uint8_t, kCrtcCount> crtc_{};
  std::array<uint8_t, kSeqCount> seq_{};
  std::array<uint8_t, kGcCount> gc_{};
  std::array<uint8_t, kAttrCount> attr_{};
  std::array<std::array<uint8_t, 3>, 256> dac_{};
  std::vector<uint8_t> vram_;  // plane p at p * kPlaneSize
  std::array<uint8_t, 4> latch_{};
  uint8_t crtc_index_ = 0, seq_index_ = 0, gc_index_ = 0;
  uint8_t attr_index_ = kArPas;  // bits 4:0 index, bit 5 palette address source
  bool attr_data_next_ = false;  // the flip-flop: false = next 3C0h write is an index
  uint8_t misc_ = 0x67, feature_ = 0, vga_enable_ = 1, pel_mask_ = 0xFF;
  uint8_t dac_read_index_ = 0, dac_write_index_ = 0, dac_component_ = 0;
  bool dac_reading_ = false;
  // Since the last render: whether a register write may have changed the
  // whole picture, which granules of video memory the CPU changed (only the
  // rows that show them are drawn again), the cursor and blink phase drawn,
  // and the frame drawn into (another frame gets a whole picture).
  static constexpr uint32_t kDirtyGranule = 4;  // a doubleword: no two text cells or 13h pixel groups share one
  struct Cursor {
    uint16_t at = 0;
    uint8_t start = 0, end = 0;
    bool visible = false;
    bool operator==(const Cursor&) const = default;
  };
  bool changed_ = true;
  std::bitset<kPlaneSize / kDirtyGranule> mem_dirty_;
  bool any_mem_dirty_ = false;
  int last_blink_phase_ = -1;
  Cursor drawn_cursor_;
  const Frame* last_frame_ = nullptr;
  void mark_written(uint32_t offset) {
    mem_dirty_.set(offset / kDirtyGranule);
    any_mem_dirty_ = true;
  }
  Cursor cursor(const Geometry& g) const;
  bool row_dirty(const Geometry& g, const Scan& s, const Cursor& now) const;
  std::vector<uint32_t> line_;  // scratch: one rendered line
  std::vector<uint8_t> dots_;   // scratch: one line's colour indices
  Stats stats_;
};

}  // namespace pxos

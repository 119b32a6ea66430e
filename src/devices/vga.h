// IBM VGA registers for text mode: enough for programs that move the
// cursor, poll for retrace or poke the palette. The text memory itself is
// guest RAM at B8000h (not here), and nothing is rendered from these
// registers except what the front end reads through the accessors.
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
// Input status 1 follows a 60 Hz, 525-line frame from GuestClock: bit 3
// (vertical retrace) is reported for the whole vertical blanking interval
// (lines 480-524, ~1.43 ms per frame, so that polling loops cannot miss
// it) and bit 0 (display disabled) during vertical blanking and the last
// fifth of each line.
//
// Reset values are those of BIOS mode 3 (80x25 colour text; CR11 bit 7 is
// set, so CR0-CR7 start write-protected), with the
// default 64-colour EGA palette in the first 64 DAC entries.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>

#include "vm/clock.h"
#include "vm/bus.h"

namespace pxos {

class Vga {
 public:
  static constexpr uint16_t kCrtcIndexMono = 0x3B4, kStatus1Mono = 0x3BA;
  static constexpr uint16_t kAttrIndex = 0x3C0, kAttrData = 0x3C1, kMiscWrite = 0x3C2, kStatus0 = 0x3C2;
  static constexpr uint16_t kVgaEnable = 0x3C3, kSeqIndex = 0x3C4, kSeqData = 0x3C5;
  static constexpr uint16_t kPelMask = 0x3C6, kDacReadIndex = 0x3C7, kDacState = 0x3C7;
  static constexpr uint16_t kDacWriteIndex = 0x3C8, kDacData = 0x3C9, kFeatureRead = 0x3CA, kMiscRead = 0x3CC;
  static constexpr uint16_t kGcIndex = 0x3CE, kGcData = 0x3CF;
  static constexpr uint16_t kCrtcIndex = 0x3D4, kCrtcData = 0x3D5, kStatus1 = 0x3DA;
  // CRTC registers.
  static constexpr uint8_t kCrOverflow = 0x07, kCrMaxScan = 0x09, kCrCursorStart = 0x0A, kCrCursorEnd = 0x0B;
  static constexpr uint8_t kCrStartHi = 0x0C, kCrStartLo = 0x0D, kCrCursorHi = 0x0E, kCrCursorLo = 0x0F;
  static constexpr uint8_t kCrVsyncEnd = 0x11;
  static constexpr uint8_t kCursorDisable = 0x20;  // CR0A bit 5
  static constexpr uint8_t kCrProtect = 0x80;      // CR11 bit 7
  // Input status 1.
  static constexpr uint8_t kStatusDisplayOff = 0x01, kStatusVRetrace = 0x08;
  static constexpr size_t kCrtcCount = 0x19, kSeqCount = 5, kGcCount = 9, kAttrCount = 0x15;
  // Frame timing.
  static constexpr uint64_t kFrameNs = 16'666'667;  // 60 Hz
  static constexpr uint32_t kLines = 525, kVisibleLines = 480;

  struct Stats {
    uint64_t crtc_writes = 0;
    uint64_t dac_writes = 0;
    uint64_t status_reads = 0;
    uint64_t ignored = 0;  // writes to registers that do not exist or are protected
  };

  explicit Vga(GuestClock clock);
  void attach(PortBus& ports);

  uint8_t read(uint16_t port);
  void write(uint16_t port, uint8_t value);

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
  uint64_t now() const { return clock_.now_ns ? clock_.now_ns() : 0; }
  void write_crtc(uint8_t value);

  GuestClock clock_;
  std::array<uint8_t, kCrtcCount> crtc_{};
  std::array<uint8_t, kSeqCount> seq_{};
  std::array<uint8_t, kGcCount> gc_{};
  std::array<uint8_t, kAttrCount> attr_{};
  std::array<std::array<uint8_t, 3>, 256> dac_{};
  uint8_t crtc_index_ = 0, seq_index_ = 0, gc_index_ = 0;
  uint8_t attr_index_ = 0;   // bits 4:0 index, bit 5 palette address source
  bool attr_data_next_ = false;  // the flip-flop: false = next 3C0h write is an index
  uint8_t misc_ = 0x67, feature_ = 0, vga_enable_ = 1, pel_mask_ = 0xFF;
  uint8_t dac_read_index_ = 0, dac_write_index_ = 0, dac_component_ = 0;
  bool dac_reading_ = false;
  Stats stats_;
};

}  // namespace pxos

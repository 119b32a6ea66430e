#include "devices/vga.h"

#include <ostream>

#include "devices/vga_modes.h"

namespace pxos {

namespace {
constexpr uint8_t kAttrIndexMask = 0x1F;
constexpr uint8_t kSeqIndexMask = 0x07, kGcIndexMask = 0x0F, kCrtcIndexMask = 0x3F;
constexpr uint8_t kOverflowLineCompare8 = 0x10;  // CR07 bit 4 stays writable under protection
constexpr uint8_t kDacStateRead = 0x03, kDacStateWrite = 0x00;
constexpr uint8_t kDacMask = 0x3F;
constexpr uint8_t kSwitchSense = 0x10;  // input status 0 bit 4: a colour monitor is attached
constexpr uint64_t kLineNs = Vga::kFrameNs / Vga::kLines;
constexpr uint64_t kLineActiveNs = kLineNs * 4 / 5;
// The sequencer and graphics controller registers the picture depends on.
constexpr bool seq_shapes_picture(uint8_t i) { return i == 0x01 || i == 0x03 || i == 0x04; }
constexpr bool gc_shapes_picture(uint8_t i) { return i == 0x05 || i == 0x06; }
}  // namespace

Vga::Vga(GuestClock clock) : clock_(std::move(clock)), vram_(size_t(kPlanes) * kPlaneSize) {
  const VgaModeRegs mode3 = *vga_mode_registers(0x03);
  crtc_ = mode3.crtc;
  seq_ = mode3.seq;
  gc_ = mode3.gc;
  attr_ = mode3.attr;
  misc_ = mode3.misc;
  for (int i = 0; i < 256; ++i) dac_[size_t(i)] = vga_palette_entry(VgaPalette::kEga, i);
}

void Vga::attach(PortBus& ports) {
  // A wider access is byte cycles at consecutive ports (OUT DX,AX to an index port writes index, then data).
  auto cb = [this](uint16_t first, uint32_t count) {
    return byte_registers(
        first, count, [this](uint16_t p) { return read(p); }, [this](uint16_t p, uint8_t v) { write(p, v); });
  };
  ports.add("vga-crtc-mono", kCrtcIndexMono, 2, cb(kCrtcIndexMono, 2));
  ports.add("vga-status-mono", kStatus1Mono, 1, cb(kStatus1Mono, 1));
  ports.add("vga", kAttrIndex, 16, cb(kAttrIndex, 16));
  ports.add("vga-crtc", kCrtcIndex, 2, cb(kCrtcIndex, 2));
  ports.add("vga-status", kStatus1, 1, cb(kStatus1, 1));
}

bool Vga::in_vertical_retrace(uint64_t now_ns) const { return (now_ns % kFrameNs) / kLineNs >= kVisibleLines; }

uint8_t Vga::input_status1(uint64_t now_ns) const {
  uint64_t pos = now_ns % kFrameNs;
  bool vblank = pos / kLineNs >= kVisibleLines;
  bool hblank = pos % kLineNs >= kLineActiveNs;
  return uint8_t((vblank ? kStatusVRetrace : 0) | (vblank || hblank ? kStatusDisplayOff : 0));
}

// The cursor registers change one cell of the picture: render() compares
// the cursor it drew with the registers instead of drawing everything again.
void Vga::set_cursor_location(uint16_t cell) {
  crtc_[kCrCursorHi] = uint8_t(cell >> 8);
  crtc_[kCrCursorLo] = uint8_t(cell);
}

void Vga::set_cursor_shape(uint8_t start, uint8_t end) {
  crtc_[kCrCursorStart] = start;
  crtc_[kCrCursorEnd] = end;
}

void Vga::set_register(uint8_t& reg, uint8_t value) {
  if (reg != value) changed_ = true;
  reg = value;
}

void Vga::write_crtc(uint8_t value) {
  uint8_t i = crtc_index_;
  if (i >= kCrtcCount) {
    ++stats_.ignored;
    return;
  }
  ++stats_.crtc_writes;
  if ((crtc_[kCrVsyncEnd] & kCrProtect) && i <= kCrOverflow) {
    if (i == kCrOverflow) {
      set_register(crtc_[i], uint8_t((crtc_[i] & ~kOverflowLineCompare8) | (value & kOverflowLineCompare8)));
    } else {
      ++stats_.ignored;
    }
    return;
  }
  const bool cursor = i == kCrCursorStart || i == kCrCursorEnd || i == kCrCursorHi || i == kCrCursorLo;
  if (cursor)
    crtc_[i] = value;
  else
    set_register(crtc_[i], value);
}

void Vga::write_attribute(uint8_t value) {
  if (!attr_data_next_) {
    uint8_t index = value & (kAttrIndexMask | kArPas);
    if ((index ^ attr_index_) & kArPas) changed_ = true;  // the screen blanks or shows
    attr_index_ = index;
  } else {
    uint8_t i = attr_index_ & kAttrIndexMask;
    if (i < kAttrCount)
      set_register(attr_[i], value);
    else
      ++stats_.ignored;
  }
  attr_data_next_ = !attr_data_next_;
}

uint8_t Vga::read(uint16_t port) {
  switch (port) {
    case kCrtcIndex:
    case kCrtcIndexMono: return crtc_index_;
    case kCrtcData:
    case kCrtcIndexMono + 1: return crtc_index_ < kCrtcCount ? crtc_[crtc_index_] : 0xFF;
    case kStatus1:
    case kStatus1Mono:
      ++stats_.status_reads;
      attr_data_next_ = false;  // reading input status 1 resets the attribute flip-flop
      return input_status1(now());
    case kAttrIndex: return attr_index_;
    case kAttrData: {
      uint8_t i = attr_index_ & kAttrIndexMask;
      return i < kAttrCount ? attr_[i] : 0xFF;
    }
    case kStatus0: return kSwitchSense;
    case kVgaEnable: return vga_enable_;
    case kSeqIndex: return seq_index_;
    case kSeqData: return seq_index_ < kSeqCount ? seq_[seq_index_] : 0xFF;
    case kPelMask: return pel_mask_;
    case kDacState: return dac_reading_ ? kDacStateRead : kDacStateWrite;
    case kDacWriteIndex: return dac_write_index_;
    case kDacData: {
      uint8_t v = dac_[dac_read_index_][dac_component_];
      if (++dac_component_ == 3) {
        dac_component_ = 0;
        ++dac_read_index_;
      }
      return v;
    }
    case kFeatureRead: return feature_;
    case kMiscRead: return misc_;
    case kGcIndex: return gc_index_;
    case kGcData: return gc_index_ < kGcCount ? gc_[gc_index_] : 0xFF;
    default: return 0xFF;
  }
}

void Vga::write(uint16_t port, uint8_t value) {
  switch (port) {
    case kCrtcIndex:
    case kCrtcIndexMono: crtc_index_ = value & kCrtcIndexMask; break;
    case kCrtcData:
    case kCrtcIndexMono + 1: write_crtc(value); break;
    case kStatus1:
    case kStatus1Mono: feature_ = value; break;
    case kAttrIndex: write_attribute(value); break;
    case kMiscWrite: set_register(misc_, value); break;
    case kVgaEnable: vga_enable_ = value; break;
    case kSeqIndex: seq_index_ = value & kSeqIndexMask; break;
    case kSeqData:
      if (seq_index_ >= kSeqCount)
        ++stats_.ignored;
      else if (seq_shapes_picture(seq_index_))
        set_register(seq_[seq_index_], value);
      else
        seq_[seq_index_] = value;
      break;
    case kPelMask: set_register(pel_mask_, value); break;
    case kDacReadIndex:
      dac_read_index_ = value;
      dac_component_ = 0;
      dac_reading_ = true;
      break;
    case kDacWriteIndex:
      dac_write_index_ = value;
      dac_component_ = 0;
      dac_reading_ = false;
      break;
    case kDacData:
      ++stats_.dac_writes;
      set_register(dac_[dac_write_index_][dac_component_], value & kDacMask);
      if (++dac_component_ == 3) {
        dac_component_ = 0;
        ++dac_write_index_;
      }
      break;
    case kGcIndex: gc_index_ = value & kGcIndexMask; break;
    case kGcData:
      if (gc_index_ >= kGcCount)
        ++stats_.ignored;
      else if (gc_shapes_picture(gc_index_))
        set_register(gc_[gc_index_], value);
      else
        gc_[gc_index_] = value;
      break;
    default: ++stats_.ignored; break;  // 3C1h writes, 3CAh, 3CCh...
  }
}

void Vga::print_stats(std::ostream& os) const {
  os << "  vga: " << stats_.crtc_writes << " CRTC writes, " << stats_.dac_writes << " DAC writes, "
     << stats_.status_reads << " status reads, " << stats_.ignored << " ignored, " << stats_.mem_reads
     << " memory reads, " << stats_.mem_writes << " memory writes, " << stats_.outside << " outside the window, "
     << stats_.frames << " frames drawn; cursor at " << cursor_location() << (cursor_enabled() ? "" : " (hidden)")
     << ", start " << start_address() << "\n";
}

}  // namespace pxos

#include "devices/vga.h"

#include <ostream>

namespace pxos {

namespace {
// BIOS mode 3 (80x25 text, 9x16 cells) register values.
constexpr uint8_t kMode3Crtc[Vga::kCrtcCount] = {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00,
                                                 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
                                                 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF};
constexpr uint8_t kMode3Seq[Vga::kSeqCount] = {0x03, 0x00, 0x03, 0x00, 0x02};
constexpr uint8_t kMode3Gc[Vga::kGcCount] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF};
constexpr uint8_t kMode3Attr[Vga::kAttrCount] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
                                                 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00};
constexpr uint8_t kAttrIndexMask = 0x1F, kAttrPas = 0x20;
constexpr uint8_t kSeqIndexMask = 0x07, kGcIndexMask = 0x0F, kCrtcIndexMask = 0x3F;
constexpr uint8_t kOverflowLineCompare8 = 0x10;  // CR07 bit 4 stays writable under protection
constexpr uint8_t kDacStateRead = 0x03, kDacStateWrite = 0x00;
constexpr uint8_t kDacMask = 0x3F;
constexpr uint8_t kSwitchSense = 0x10;  // input status 0 bit 4: a colour monitor is attached
constexpr uint64_t kLineNs = Vga::kFrameNs / Vga::kLines;
constexpr uint64_t kLineActiveNs = kLineNs * 4 / 5;
}  // namespace

Vga::Vga(GuestClock clock) : clock_(std::move(clock)) {
  for (size_t i = 0; i < kCrtcCount; ++i) crtc_[i] = kMode3Crtc[i];
  for (size_t i = 0; i < kSeqCount; ++i) seq_[i] = kMode3Seq[i];
  for (size_t i = 0; i < kGcCount; ++i) gc_[i] = kMode3Gc[i];
  for (size_t i = 0; i < kAttrCount; ++i) attr_[i] = kMode3Attr[i];
  // The EGA palette: bits 0-2 are blue, green, red at 2/3 intensity, bits
  // 3-5 the same at 1/3.
  for (int i = 0; i < 64; ++i)
    for (int c = 0; c < 3; ++c) {
      int rgb = 2 - c;  // DAC order is R, G, B; EGA bit order is B, G, R
      dac_[i][c] = uint8_t(((i >> rgb) & 1) * 0x2A + ((i >> (rgb + 3)) & 1) * 0x15);
    }
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

bool Vga::in_vertical_retrace(uint64_t now_ns) const {
  return (now_ns % kFrameNs) / kLineNs >= kVisibleLines;
}

uint8_t Vga::input_status1(uint64_t now_ns) const {
  uint64_t pos = now_ns % kFrameNs;
  bool vblank = pos / kLineNs >= kVisibleLines;
  bool hblank = pos % kLineNs >= kLineActiveNs;
  return uint8_t((vblank ? kStatusVRetrace : 0) | (vblank || hblank ? kStatusDisplayOff : 0));
}

void Vga::set_cursor_location(uint16_t cell) {
  crtc_[kCrCursorHi] = uint8_t(cell >> 8);
  crtc_[kCrCursorLo] = uint8_t(cell);
}

void Vga::set_cursor_shape(uint8_t start, uint8_t end) {
  crtc_[kCrCursorStart] = start;
  crtc_[kCrCursorEnd] = end;
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
      crtc_[i] = uint8_t((crtc_[i] & ~kOverflowLineCompare8) | (value & kOverflowLineCompare8));
    } else {
      ++stats_.ignored;
    }
    return;
  }
  crtc_[i] = value;
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
    case kAttrIndex:
      if (!attr_data_next_) {
        attr_index_ = value & (kAttrIndexMask | kAttrPas);
      } else {
        uint8_t i = attr_index_ & kAttrIndexMask;
        if (i < kAttrCount) attr_[i] = value;
        else ++stats_.ignored;
      }
      attr_data_next_ = !attr_data_next_;
      break;
    case kMiscWrite: misc_ = value; break;
    case kVgaEnable: vga_enable_ = value; break;
    case kSeqIndex: seq_index_ = value & kSeqIndexMask; break;
    case kSeqData:
      if (seq_index_ < kSeqCount) seq_[seq_index_] = value;
      else ++stats_.ignored;
      break;
    case kPelMask: pel_mask_ = value; break;
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
      dac_[dac_write_index_][dac_component_] = value & kDacMask;
      if (++dac_component_ == 3) {
        dac_component_ = 0;
        ++dac_write_index_;
      }
      break;
    case kGcIndex: gc_index_ = value & kGcIndexMask; break;
    case kGcData:
      if (gc_index_ < kGcCount) gc_[gc_index_] = value;
      else ++stats_.ignored;
      break;
    default: ++stats_.ignored; break;  // 3C1h writes, 3CAh, 3CCh...
  }
}

void Vga::print_stats(std::ostream& os) const {
  os << "  vga: " << stats_.crtc_writes << " CRTC writes, " << stats_.dac_writes << " DAC writes, "
     << stats_.status_reads << " status reads, " << stats_.ignored << " ignored; cursor at " << cursor_location()
     << (cursor_enabled() ? "" : " (hidden)") << ", start " << start_address() << "\n";
}

}  // namespace pxos

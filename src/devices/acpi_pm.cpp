#include "devices/acpi_pm.h"

#include <ostream>

namespace pxos {

namespace {
constexpr uint64_t kNsPerSecond = 1'000'000'000;
constexpr int kHalfBits = 23;  // TMR_STS: bit 23 of the timer changed
}  // namespace

AcpiPm::AcpiPm(GuestClock clock, IrqLine sci) : clock_(std::move(clock)), sci_(std::move(sci)) {}

void AcpiPm::attach(PortBus& ports) {
  ports.add("acpi-pm", kBase, kPorts, [this](uint64_t offset, std::span<uint8_t> data, bool is_write) {
    access(uint16_t(offset), data, is_write);
  });
}

TimerCallback AcpiPm::timer() {
  return [this](uint64_t) {
    update_timer_status();
    update_sci();
    if (!(en_ & kTmrEn)) return kNoEvent;
    uint64_t next_change = (timer_half_ + 1) << kHalfBits;
    return mul_div_ceil(next_change, kNsPerSecond, kTimerHz);
  };
}

uint64_t AcpiPm::ticks() { return mul_div(clock_.now_ns(), kTimerHz, kNsPerSecond); }

uint32_t AcpiPm::timer_value() { return uint32_t(ticks()) & kTimerMask; }

uint16_t AcpiPm::status() {
  update_timer_status();
  return sts_;
}

void AcpiPm::update_timer_status() {
  uint64_t half = ticks() >> kHalfBits;
  if (half != timer_half_) {
    timer_half_ = half;
    sts_ |= kTmrSts;
  }
}

void AcpiPm::update_sci() {
  bool level = (sts_ & en_ & kEnBits) != 0;  // the enable bits sit where their status bits do
  if (level == sci_level_) return;
  sci_level_ = level;
  if (level) ++stats_.sci_raised;
  sci_.set(level);
}

void AcpiPm::press_power_button() {
  sts_ |= kPwrBtnSts;
  update_sci();
}

void AcpiPm::access(uint16_t offset, std::span<uint8_t> data, bool is_write) {
  if (is_write) {
    for (size_t i = 0; i < data.size(); ++i) write_byte(uint16_t(offset + i), data[i]);
  } else {
    update_timer_status();
    uint32_t timer = 0;
    if (offset + data.size() > kTmr && offset < kTmr + 4) {
      timer = timer_value();
      ++stats_.timer_reads;
    }
    for (size_t i = 0; i < data.size(); ++i) data[i] = read_byte(uint16_t(offset + i), timer);
  }
  update_sci();
}

uint8_t AcpiPm::read_byte(uint16_t offset, uint32_t timer) {
  auto byte = [offset](uint32_t reg, uint16_t at) { return uint8_t(reg >> 8 * (offset - at)); };
  if (offset < kEn) return byte(sts_, kSts);
  if (offset < kCnt) return byte(en_, kEn);
  if (offset < kCnt + 2) return byte(control() & ~kSlpEn & ~kGblRls, kCnt);
  if (offset >= kTmr && offset < kTmr + 4) return byte(timer, kTmr);
  return 0;
}

void AcpiPm::write_byte(uint16_t offset, uint8_t value) {
  auto shifted = [value](uint16_t at, uint16_t offset) { return uint16_t(value << 8 * (offset - at)); };
  if (offset < kEn) {
    sts_ &= uint16_t(~(shifted(kSts, offset) & kStsBits));  // write 1 to clear
  } else if (offset < kCnt) {
    uint16_t keep = offset == kEn ? 0xFF00 : 0x00FF;
    en_ = uint16_t((en_ & keep) | (shifted(kEn, offset) & kEnBits));
  } else if (offset == kCnt) {
    cnt_ = uint16_t((cnt_ & 0xFF00) | (value & kBmRld) | kSciEn);  // GBL_RLS: no firmware to tell
  } else if (offset == kCnt + 1) {
    write_control_high(value);
  } else {
    ++stats_.ignored_writes;
  }
}

// SLP_TYP and SLP_EN (bits 10-13 of PM1_CNT: bits 2-5 of its high byte).
void AcpiPm::write_control_high(uint8_t value) {
  cnt_ = uint16_t((cnt_ & 0x00FF) | (uint16_t(value << 8) & kSlpTypMask));
  if (!(uint16_t(value << 8) & kSlpEn)) return;
  uint8_t type = uint8_t((cnt_ & kSlpTypMask) >> kSlpTypShift);
  if (type == kSlpTypSoftOff) {
    ++stats_.power_offs;
    if (on_power_off) on_power_off();
    return;
  }
  ++stats_.sleeps_refused;
  sts_ |= kWakSts;
}

void AcpiPm::print_stats(std::ostream& os) const {
  os << "  acpi-pm: " << stats_.timer_reads << " timer reads, " << stats_.sci_raised << " SCIs, " << stats_.power_offs
     << " power-offs, " << stats_.sleeps_refused << " sleeps refused, " << stats_.ignored_writes
     << " ignored writes; PM1_EN " << std::hex << en_ << std::dec << "\n";
}

}  // namespace pxos

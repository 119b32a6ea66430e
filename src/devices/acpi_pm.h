// The ACPI power management registers of the PC (the fixed hardware of the
// ACPI specification, section 4.8, laid out as on Intel's PIIX4): the FADT
// that the BIOS builds (bios/acpi_tables.h) points at them. 16 ports from
// kBase (600h):
//
//   +0  PM1a_STS  (16 bits) status, write 1 to clear: TMR_STS (bit 0), the PM
//                 timer's bit 23 changed; PWRBTN_STS (8), the power button was
//                 pressed (press_power_button); WAK_STS (15), the machine woke
//   +2  PM1a_EN   (16 bits) enables: TMR_EN (0), PWRBTN_EN (8). A status bit
//                 with its enable raises the SCI (IRQ 9, level: the line stays
//                 up while any is set); GBL_EN, SLPBTN_EN, RTC_EN are stored
//   +4  PM1a_CNT  (16 bits) SCI_EN (bit 0) reads 1 always: ACPI is always on
//                 (the FADT has no SMI command port to switch it); BM_RLD (1)
//                 stored; SLP_TYP (10-12) and SLP_EN (13): writing SLP_EN
//                 enters sleep type SLP_TYP. kSlpTypSoftOff (0, S5 in the
//                 DSDT's \_S5) switches the machine off (on_power_off); any
//                 other type is a sleep state the machine does not have: it is
//                 counted, and the machine wakes at once (WAK_STS set), so
//                 that an OS waiting for the wake goes on. SLP_EN reads 0
//   +8  PM_TMR    (32 bits, read-only) the PM timer: 3.579545 MHz, 24 bits
//                 (bits 24-31 read 0), counted from the machine's clock
//                 (GuestClock: virtual time on the software engine, so
//                 deterministic runs read the same values)
//   +6..+7, +12..+15  reserved: read 0, writes ignored (counted)
//
// Each register may be read and written a byte, a word or a dword at a time
// (an access that runs past a register goes on into the next). A write of
// bits this device does not have is dropped. The timer's status is brought
// up to date at every access and by timer(), which wakes the monitor at the
// next change of bit 23 while TMR_EN is set.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>

#include "vm/bus.h"
#include "vm/clock.h"
#include "vm/irq.h"

namespace pxos {

class AcpiPm {
 public:
  static constexpr uint16_t kBase = 0x600, kPorts = 16;
  static constexpr uint16_t kEvtPort = kBase, kCntPort = kBase + 4, kTmrPort = kBase + 8;
  static constexpr int kSciIrq = 9;
  static constexpr uint64_t kTimerHz = 3'579'545;
  static constexpr uint32_t kTimerMask = 0xFFFFFF;
  // Register offsets.
  static constexpr uint16_t kSts = 0, kEn = 2, kCnt = 4, kTmr = 8;
  // PM1 status and enable bits.
  static constexpr uint16_t kTmrSts = 1u << 0, kBmSts = 1u << 4, kGblSts = 1u << 5, kPwrBtnSts = 1u << 8;
  static constexpr uint16_t kSlpBtnSts = 1u << 9, kRtcSts = 1u << 10, kWakSts = 1u << 15;
  static constexpr uint16_t kStsBits = kTmrSts | kBmSts | kGblSts | kPwrBtnSts | kSlpBtnSts | kRtcSts | kWakSts;
  static constexpr uint16_t kTmrEn = 1u << 0, kGblEn = 1u << 5, kPwrBtnEn = 1u << 8, kSlpBtnEn = 1u << 9;
  static constexpr uint16_t kRtcEn = 1u << 10;
  static constexpr uint16_t kEnBits = kTmrEn | kGblEn | kPwrBtnEn | kSlpBtnEn | kRtcEn;
  // PM1 control bits.
  static constexpr uint16_t kSciEn = 1u << 0, kBmRld = 1u << 1, kGblRls = 1u << 2;
  static constexpr uint16_t kSlpTypShift = 10, kSlpTypMask = 7u << kSlpTypShift, kSlpEn = 1u << 13;
  // Sleep types, as the DSDT's \_S0 and \_S5 give them (src/bios/acpi/dsdt.asl).
  static constexpr uint8_t kSlpTypSoftOff = 0, kSlpTypWorking = 5;

  struct Stats {
    uint64_t timer_reads = 0;
    uint64_t sci_raised = 0;      // rising edges of the SCI
    uint64_t power_offs = 0;      // SLP_EN with the soft-off type
    uint64_t sleeps_refused = 0;  // SLP_EN with another type: woken at once
    uint64_t ignored_writes = 0;  // bytes written to read-only or reserved places
  };

  AcpiPm(GuestClock clock, IrqLine sci);
  void attach(PortBus& ports);
  TimerCallback timer();

  std::function<void()> on_power_off;  // the guest entered S5

  // The whole 16-port block: `offset` from kBase, any width.
  void access(uint16_t offset, std::span<uint8_t> data, bool is_write);
  // The host pressed the power button (PWRBTN_STS).
  void press_power_button();

  uint32_t timer_value();  // the PM timer now, 24 bits
  uint16_t status();       // PM1_STS now
  uint16_t enable() const { return en_; }
  uint16_t control() const { return cnt_ | kSciEn; }
  bool sci() const { return sci_level_; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  uint64_t ticks();  // PM timer ticks since the machine started
  void update_timer_status();
  void update_sci();
  uint8_t read_byte(uint16_t offset, uint32_t timer);
  void write_byte(uint16_t offset, uint8_t value);
  void write_control_high(uint8_t value);

  GuestClock clock_;
  IrqLine sci_;
  uint16_t sts_ = 0, en_ = 0, cnt_ = kSciEn;
  uint64_t timer_half_ = 0;  // the count of bit-23 changes that TMR_STS has seen
  bool sci_level_ = false;
  Stats stats_;
};

}  // namespace pxos

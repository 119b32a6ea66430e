// Motorola MC146818 real-time clock and its CMOS RAM (ports 70h/71h).
// Port 70h selects the register (bits 6:0) and, in bit 7, disables NMI;
// port 71h reads or writes it. 128 bytes: 00h-0Dh the clock, the rest RAM.
//
// Time: the RTC's time is `start + GuestClock::now_ns + offset`, where start
// is the host's local time when the device was made (`fixed_start` unset; or
// when the machine started its clock, start_at_host_time(), to the
// nanosecond) or `fixed_start` itself (deterministic mode, read as UTC), and
// offset is what the guest changes by writing the time registers. While register B's
// SET bit is on, the time registers are frozen and writable; clearing SET
// starts the clock from what was written. A time register written without
// SET moves the clock too; the registers then read back exactly as written
// until the next second (a date like 31 February is normalised only then).
//
// Modelled: registers 0-9 and the century at 32h in BCD or binary (B.DM)
// and 12-hour (bit 7 = PM) or 24-hour mode; alarm with don't-care values
// (C0h-FFh); status A (divider and rate stored; UIP reads 1 during the last
// 244 us of each second), B, C (flags, reading clears them and lowers
// IRQ8), D (VRT always 1). Interrupts on IRQ8: periodic (rate from A bits
// 3:0), alarm and update-ended, driven by update(); the IRQ8 line stays up
// until C is read. Periodic flags that were missed between two update()
// calls are coalesced into one (counted). Daylight saving (B.DSE) is stored
// and ignored; the divider chain is not modelled (the clock always runs).
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <iosfwd>
#include <optional>

#include "vm/clock.h"
#include "vm/irq.h"
#include "vm/bus.h"

namespace pxos {

class Cmos {
 public:
  static constexpr uint16_t kIndexPort = 0x70, kDataPort = 0x71;
  // Register map.
  static constexpr uint8_t kSeconds = 0x00, kSecondsAlarm = 0x01, kMinutes = 0x02, kMinutesAlarm = 0x03;
  static constexpr uint8_t kHours = 0x04, kHoursAlarm = 0x05, kWeekday = 0x06, kDay = 0x07;
  static constexpr uint8_t kMonth = 0x08, kYear = 0x09;
  static constexpr uint8_t kStatusA = 0x0A, kStatusB = 0x0B, kStatusC = 0x0C, kStatusD = 0x0D;
  static constexpr uint8_t kDiagnostic = 0x0E, kShutdown = 0x0F;
  static constexpr uint8_t kFloppyTypes = 0x10, kHardDiskTypes = 0x12, kEquipment = 0x14;
  static constexpr uint8_t kBaseMemLo = 0x15, kBaseMemHi = 0x16;
  static constexpr uint8_t kExtMemLo = 0x17, kExtMemHi = 0x18;
  static constexpr uint8_t kChecksumHi = 0x2E, kChecksumLo = 0x2F;
  static constexpr uint8_t kExtMem2Lo = 0x30, kExtMem2Hi = 0x31;
  static constexpr uint8_t kCentury = 0x32;
  static constexpr uint8_t kHighMemLo = 0x34, kHighMemHi = 0x35;  // above 16 MB, 64 KB units
  static constexpr uint8_t kChecksumFirst = 0x10, kChecksumLast = 0x2D;
  // Status bits.
  static constexpr uint8_t kAUip = 0x80;
  static constexpr uint8_t kBSet = 0x80, kBPie = 0x40, kBAie = 0x20, kBUie = 0x10, kBSqwe = 0x08;
  static constexpr uint8_t kBBinary = 0x04, kB24Hour = 0x02, kBDse = 0x01;
  static constexpr uint8_t kCIrqf = 0x80, kCPf = 0x40, kCAf = 0x20, kCUf = 0x10;
  static constexpr uint8_t kDVrt = 0x80;

  struct Stats {
    uint64_t periodic = 0;            // periodic flags raised
    uint64_t periodic_coalesced = 0;  // periods folded into one flag
    uint64_t alarms = 0;
    uint64_t updates = 0;             // update-ended flags
    uint64_t irqs = 0;                // rising edges on IRQ8
    uint64_t time_sets = 0;           // guest writes that moved the clock
  };

  Cmos(GuestClock clock, IrqLine irq8, std::optional<std::time_t> fixed_start = std::nullopt);
  void attach(PortBus& ports);
  // The guest clock starts now (now_ns == 0): the RTC reads the host's local
  // time of this moment to the nanosecond (not the `fixed_start` of a
  // deterministic machine).
  void start_at_host_time();

  // The timer: sets flags, raises IRQ8, returns the next event.
  uint64_t update(uint64_t now_ns);
  TimerCallback timer();

  uint8_t read(uint16_t port);
  void write(uint16_t port, uint8_t value);

  // For the BIOS: raw CMOS bytes (the clock registers read as the guest sees them).
  uint8_t get_byte(uint8_t index);
  void set_byte(uint8_t index, uint8_t value);
  void update_checksum();  // sum of 10h-2Dh into 2Eh (high) / 2Fh (low)
  uint16_t checksum() const;
  bool nmi_enabled() const { return !(index_ & 0x80); }
  // Seconds since 1970 of the RTC's time (local time, read as if UTC).
  int64_t rtc_time(uint64_t now_ns) const;

  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  uint64_t now() const { return clock_.now_ns ? clock_.now_ns() : 0; }
  bool binary() const { return ram_[kStatusB] & kBBinary; }
  uint8_t encode(int v) const;
  int decode(uint8_t v) const;
  void refresh_time(uint64_t now_ns);     // clock -> registers 0-9, 32h
  void adopt_registers(uint64_t now_ns);  // registers -> offset
  bool is_time_register(uint8_t i) const;
  void raise_flags(uint8_t flags);
  void update_irq();
  uint64_t periodic_shift() const;        // period = 2^shift / 32768 s, 0 = off

  GuestClock clock_;
  IrqLine irq8_;
  int64_t start_s_;        // the RTC's seconds at now_ns == 0
  int64_t offset_ns_ = 0;  // guest-set correction
  std::array<uint8_t, 128> ram_{};
  uint8_t index_ = 0;      // last write to port 70h
  bool irq_level_ = false;
  uint64_t periodic_seen_ = 0;  // periodic ticks already flagged (32 kHz-tick grid)
  int64_t second_seen_ = 0;     // the last whole RTC second examined
  static constexpr int64_t kNotWritten = INT64_MIN;
  int64_t written_second_ = kNotWritten;  // the second in which the guest wrote the time
  Stats stats_;
};

}  // namespace pxos

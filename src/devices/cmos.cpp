#include "devices/cmos.h"

#include <algorithm>
#include <chrono>
#include <ostream>

namespace pxos {

namespace {
constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kUipWindowNs = 244'000;  // UIP is set this long before each update
constexpr uint64_t kOscillatorHz = 32768;  // the periodic rates divide this
constexpr uint8_t kDontCare = 0xC0;        // alarm bytes >= C0h match any value
constexpr uint8_t kRateMask = 0x0F;
constexpr uint8_t kDefaultA = 0x26;  // divider 010 (32.768 kHz time base), rate 6 (1024 Hz)
constexpr uint8_t kIndexMask = 0x7F;  // bit 7 of port 70h disables NMI
constexpr uint8_t kPm = 0x80;        // 12-hour mode: hour bit 7

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
uint64_t ns_to_osc(uint64_t ns) { return mul_div(ns, kOscillatorHz, kNsPerSecond); }
uint64_t osc_to_ns_ceil(uint64_t t) { return mul_div_ceil(t, kNsPerSecond, kOscillatorHz); }

int64_t host_local_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return int64_t(t) + tm.tm_gmtoff;  // local time expressed as seconds since 1970, read as UTC
}
}  // namespace

Cmos::Cmos(GuestClock clock, IrqLine irq8, std::optional<std::time_t> fixed_start)
    : clock_(std::move(clock)), irq8_(std::move(irq8)),
      start_s_(fixed_start ? int64_t(*fixed_start) : host_local_now()) {
  ram_[kStatusA] = kDefaultA;
  ram_[kStatusB] = kB24Hour;
  ram_[kStatusD] = kDVrt;
  second_seen_ = rtc_time(0);
  refresh_time(0);
}

void Cmos::start_at_host_time() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  std::tm tm{};
  localtime_r(&t.tv_sec, &tm);
  start_s_ = int64_t(t.tv_sec) + tm.tm_gmtoff;
  offset_ns_ = t.tv_nsec;  // the RTC's seconds turn when the host's do
  second_seen_ = rtc_time(0);
  refresh_time(0);
}

void Cmos::attach(PortBus& ports) {
  ports.add("cmos", kIndexPort, 2,
            byte_registers(
                kIndexPort, 2, [this](uint16_t p) { return read(p); }, [this](uint16_t p, uint8_t v) { write(p, v); }));
}

TimerCallback Cmos::timer() {
  return [this](uint64_t now_ns) { return update(now_ns); };
}

int64_t Cmos::rtc_time(uint64_t now_ns) const {
  return start_s_ + floor_div(int64_t(now_ns) + offset_ns_, kNsPerSecond);
}

uint8_t Cmos::encode(int v) const { return binary() ? uint8_t(v) : uint8_t((v / 10) << 4 | v % 10); }
int Cmos::decode(uint8_t v) const { return binary() ? v : (v >> 4) * 10 + (v & 0xF); }

bool Cmos::is_time_register(uint8_t i) const {
  return i == kSeconds || i == kMinutes || i == kHours || (i >= kWeekday && i <= kYear) || i == kCentury;
}

void Cmos::refresh_time(uint64_t now_ns) {
  if (ram_[kStatusB] & kBSet) return;  // frozen while the guest sets the clock
  using namespace std::chrono;
  int64_t s = rtc_time(now_ns);
  if (s == written_second_) return;  // keep what was written, as written, until the next update
  written_second_ = kNotWritten;
  int64_t days = floor_div(s, 86400), sod = s - days * 86400;
  sys_days day{std::chrono::days{days}};
  year_month_day ymd{day};
  int year = int(ymd.year());
  int hour = int(sod / 3600);
  ram_[kSeconds] = encode(int(sod % 60));
  ram_[kMinutes] = encode(int(sod / 60 % 60));
  if (ram_[kStatusB] & kB24Hour) {
    ram_[kHours] = encode(hour);
  } else {
    int h12 = hour % 12 ? hour % 12 : 12;
    ram_[kHours] = uint8_t(encode(h12) | (hour >= 12 ? kPm : 0));
  }
  ram_[kWeekday] = encode(int(weekday{day}.c_encoding()) + 1);  // Sunday = 1
  ram_[kDay] = encode(int(unsigned(ymd.day())));
  ram_[kMonth] = encode(int(unsigned(ymd.month())));
  ram_[kYear] = encode(((year % 100) + 100) % 100);
  ram_[kCentury] = encode(year / 100);
}

void Cmos::adopt_registers(uint64_t now_ns) {
  using namespace std::chrono;
  int sec = std::clamp(decode(ram_[kSeconds]), 0, 59);
  int min = std::clamp(decode(ram_[kMinutes]), 0, 59);
  int hour;
  if (ram_[kStatusB] & kB24Hour) {
    hour = decode(ram_[kHours]);
  } else {
    hour = decode(ram_[kHours] & uint8_t(~kPm)) % 12 + (ram_[kHours] & kPm ? 12 : 0);
  }
  hour = std::clamp(hour, 0, 23);
  int day = std::clamp(decode(ram_[kDay]), 1, 31);
  int month = std::clamp(decode(ram_[kMonth]), 1, 12);
  int yy = std::clamp(decode(ram_[kYear]), 0, 99);
  int century = decode(ram_[kCentury]);
  if (century < 19 || century > 99) century = yy >= 80 ? 19 : 20;
  sys_days first{year{century * 100 + yy} / month / 1};
  int64_t days = int64_t(first.time_since_epoch().count()) + day - 1;  // a day past the month's end rolls over
  int64_t t = days * 86400 + hour * 3600 + min * 60 + sec;
  // The divider restarts: the new second begins now. The clock runs as a
  // nanosecond offset from power-on, which holds about 292 years: a guest
  // may write any year up to 9999, so a date further than 250 years from
  // power-on is held at that distance (found by fuzz_devices: the product
  // overflowed int64).
  constexpr int64_t kMaxOffsetS = 250ll * 366 * 86400;
  t = std::clamp(t, start_s_ - kMaxOffsetS, start_s_ + kMaxOffsetS);
  offset_ns_ = (t - start_s_) * kNsPerSecond - int64_t(now_ns);
  second_seen_ = t;
  ++stats_.time_sets;
  // Until the next update the registers read back exactly as written, so a
  // field-by-field set (month, then day) never sees a date normalised
  // half-way (e.g. 31 February rolled into March).
  written_second_ = t;
}

uint64_t Cmos::periodic_shift() const {
  uint8_t rs = ram_[kStatusA] & kRateMask;
  if (rs == 0) return 0;
  return rs <= 2 ? rs + 6 : rs - 1;  // period = 2^shift / 32768 s (RS 1 and 2 repeat RS 8 and 9)
}

void Cmos::raise_flags(uint8_t flags) {
  ram_[kStatusC] |= flags;
  update_irq();
}

void Cmos::update_irq() {
  uint8_t b = ram_[kStatusB], c = ram_[kStatusC];
  if (((c & kCPf) && (b & kBPie)) || ((c & kCAf) && (b & kBAie)) || ((c & kCUf) && (b & kBUie)))
    ram_[kStatusC] |= kCIrqf;
  bool level = ram_[kStatusC] & kCIrqf;
  if (level != irq_level_) {
    irq_level_ = level;
    if (level) ++stats_.irqs;
    irq8_.set(level);
  }
}

uint64_t Cmos::update(uint64_t now_ns) {
  uint64_t next = kNoEvent;
  if (uint64_t shift = periodic_shift()) {
    uint64_t k = ns_to_osc(now_ns) >> shift;
    if (k > periodic_seen_) {
      stats_.periodic_coalesced += k - periodic_seen_ - 1;
      ++stats_.periodic;
      periodic_seen_ = k;
      raise_flags(kCPf);
    }
    if (ram_[kStatusB] & kBPie) next = osc_to_ns_ceil((k + 1) << shift);
  }
  if (!(ram_[kStatusB] & kBSet)) {
    int64_t s = rtc_time(now_ns);
    if (s < second_seen_) second_seen_ = s;  // moved backwards
    if (s > second_seen_) {
      second_seen_ = s;
      ++stats_.updates;
      refresh_time(now_ns);
      uint8_t flags = kCUf;
      auto match_reg = [&](uint8_t alarm_reg, uint8_t reg) {
        return ram_[alarm_reg] >= kDontCare || ram_[alarm_reg] == ram_[reg];
      };
      if (match_reg(kSecondsAlarm, kSeconds) && match_reg(kMinutesAlarm, kMinutes) &&
          match_reg(kHoursAlarm, kHours)) {
        flags |= kCAf;
        ++stats_.alarms;
      }
      raise_flags(flags);
    }
    if (ram_[kStatusB] & (kBUie | kBAie)) {
      int64_t into = (int64_t(now_ns) + offset_ns_) % kNsPerSecond;
      if (into < 0) into += kNsPerSecond;
      next = std::min(next, now_ns + uint64_t(kNsPerSecond - into));
    }
  }
  update_irq();
  return next;
}

uint8_t Cmos::get_byte(uint8_t index) {
  index &= kIndexMask;
  if (is_time_register(index)) refresh_time(now());
  return ram_[index];
}

void Cmos::set_byte(uint8_t index, uint8_t value) {
  index &= kIndexMask;
  uint64_t t = now();
  switch (index) {
    case kStatusA: {
      ram_[kStatusA] = value & uint8_t(~kAUip);
      if (uint64_t shift = periodic_shift()) periodic_seen_ = ns_to_osc(t) >> shift;  // a new rate starts now
      break;
    }
    case kStatusB: {
      uint8_t old = ram_[kStatusB];
      if (value & kBSet) value &= uint8_t(~kBUie);  // SET clears UIE
      if (!(old & kBSet) && (value & kBSet)) refresh_time(t);  // freeze what the guest sees
      if ((old ^ value) & (kBBinary | kB24Hour)) written_second_ = kNotWritten;  // re-encode
      ram_[kStatusB] = value;
      if ((old & kBSet) && !(value & kBSet)) adopt_registers(t);
      update_irq();
      break;
    }
    case kStatusC:
    case kStatusD: break;  // read-only
    default:
      if (is_time_register(index) && !(ram_[kStatusB] & kBSet)) {
        refresh_time(t);
        ram_[index] = value;
        adopt_registers(t);
      } else {
        ram_[index] = value;
      }
      break;
  }
}

uint8_t Cmos::read(uint16_t port) {
  if (port == kIndexPort) return index_;
  uint8_t index = index_ & kIndexMask;
  uint64_t t = now();
  switch (index) {
    case kStatusA: {
      uint8_t v = ram_[kStatusA];
      int64_t into = (int64_t(t) + offset_ns_) % kNsPerSecond;
      if (into < 0) into += kNsPerSecond;
      if (!(ram_[kStatusB] & kBSet) && into >= kNsPerSecond - kUipWindowNs) v |= kAUip;
      return v;
    }
    case kStatusC: {
      update(t);  // flags due by now
      uint8_t v = ram_[kStatusC];
      ram_[kStatusC] = 0;
      update_irq();
      return v;
    }
    case kStatusD: return kDVrt;
    default: return get_byte(index);
  }
}

void Cmos::write(uint16_t port, uint8_t value) {
  if (port == kIndexPort) index_ = value;
  else set_byte(index_ & kIndexMask, value);
}

uint16_t Cmos::checksum() const {
  uint16_t sum = 0;
  for (int i = kChecksumFirst; i <= kChecksumLast; ++i) sum = uint16_t(sum + ram_[i]);
  return sum;
}

void Cmos::update_checksum() {
  uint16_t sum = checksum();
  ram_[kChecksumHi] = uint8_t(sum >> 8);
  ram_[kChecksumLo] = uint8_t(sum);
}

void Cmos::print_stats(std::ostream& os) const {
  os << "  cmos: " << stats_.irqs << " IRQ8 edges, " << stats_.periodic << " periodic (" << stats_.periodic_coalesced
     << " coalesced), " << stats_.alarms << " alarms, " << stats_.updates << " updates, " << stats_.time_sets
     << " time sets; NMI " << (nmi_enabled() ? "enabled" : "disabled") << "\n";
}

}  // namespace pxos

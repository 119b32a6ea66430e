#include "devices/pit.h"

#include <algorithm>
#include <ostream>

namespace pxos {

namespace {
// Control word (43h): SC1 SC0 RW1 RW0 M2 M1 M0 BCD.
constexpr uint8_t kSelectReadBack = 3;  // SC = 11
constexpr uint8_t kRwLatch = 0;         // RW = 00: counter latch command
constexpr uint8_t kRwLsb = 1, kRwMsb = 2, kRwLsbMsb = 3;
constexpr uint8_t kReadBackNoCount = 0x20;   // read-back: bit 5 = 0 latches the count
constexpr uint8_t kReadBackNoStatus = 0x10;  // bit 4 = 0 latches the status
// Status byte: OUT, NULL COUNT, RW, mode, BCD.
constexpr uint8_t kStatusOut = 0x80, kStatusNull = 0x40;
// Port 61h.
constexpr uint8_t kPortBGate2 = 0x01, kPortBSpeaker = 0x02, kPortBWritable = 0x0F;
constexpr uint8_t kPortBRefresh = 0x10, kPortBOut2 = 0x20;

uint64_t ns_to_ticks(uint64_t ns) { return mul_div(ns, Pit::kFrequencyHz, 1'000'000'000u); }
uint64_t ticks_to_ns_ceil(uint64_t t) { return mul_div_ceil(t, 1'000'000'000u, Pit::kFrequencyHz); }
uint32_t bcd_to_bin(uint32_t v) {
  return (v & 0xF) + ((v >> 4) & 0xF) * 10 + ((v >> 8) & 0xF) * 100 + ((v >> 12) & 0xF) * 1000;
}
uint16_t bin_to_bcd(uint32_t v) {
  v %= 10000;
  return uint16_t((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000) << 12);
}
}  // namespace

Pit::Pit(GuestClock clock, IrqLine irq0) : clock_(std::move(clock)), irq0_(std::move(irq0)) {
  ch_[2].gate = false;  // port 61h bit 0 starts clear
}

void Pit::attach(PortBus& ports) {
  auto rd = [this](uint16_t p) { return read(p); };
  auto wr = [this](uint16_t p, uint8_t v) { write(p, v); };
  ports.add("pit", kChannel0, 4, byte_registers(kChannel0, 4, rd, wr));
  ports.add("port61", kPortB, 1, byte_registers(kPortB, 1, rd, wr));
}

TimerCallback Pit::timer() {
  return [this](uint64_t now_ns) { return update(now_ns); };
}

uint64_t Pit::elapsed(const Channel& c, uint64_t now_ns) const {
  if (!c.counting) return 0;
  if ((c.mode == 1 || c.mode == 5) && !c.triggered) return 0;
  if (c.paused) return c.base_ticks;
  return c.base_ticks + (now_ns > c.run_start_ns ? ns_to_ticks(now_ns - c.run_start_ns) : 0);
}

uint32_t Pit::period(const Channel& c) const {
  if ((c.mode == 2 || c.mode == 3) && c.reload < 2) return 2;
  return c.reload;
}

uint16_t Pit::value(const Channel& c, uint64_t now_ns) const {
  uint32_t wrap = c.bcd ? 10000 : 0x10000;
  uint32_t v;
  if (!c.counting || ((c.mode == 1 || c.mode == 5) && !c.triggered)) {
    v = c.reload;
  } else {
    uint64_t e = elapsed(c, now_ns);
    uint32_t n = period(c);
    switch (c.mode) {
      case 2: v = uint32_t(n - e % n); break;
      case 3: {
        uint64_t p = e % n, high = (n + 1) / 2;
        v = uint32_t(p < high ? n - 2 * p : n - 2 * (p - high));
        break;
      }
      default:  // 0, 1, 4, 5: count down through zero and wrap
        v = uint32_t((uint64_t(n) + wrap - e % wrap) % wrap);
        break;
    }
  }
  v %= wrap;
  return c.bcd ? bin_to_bcd(v) : uint16_t(v);
}

bool Pit::out(const Channel& c, uint64_t now_ns) const {
  uint64_t e = elapsed(c, now_ns);
  uint32_t n = period(c);
  switch (c.mode) {
    case 0: return c.counting && e >= n;
    case 1: return !(c.counting && c.triggered) || e >= n;
    case 2:
      if (!c.counting || !c.gate) return true;
      return e % n != n - 1;
    case 3:
      if (!c.counting || !c.gate) return true;
      return e % n < (n + 1) / 2;
    case 4: return !c.counting || e != n;
    case 5: return !(c.counting && c.triggered) || e != n;
    default: return true;
  }
}

uint64_t Pit::edges(const Channel& c, uint64_t e) const {
  if (!c.counting) return 0;
  uint32_t n = period(c);
  switch (c.mode) {
    case 0:
    case 1: return e >= n ? 1 : 0;
    case 2:
    case 3: return e / n;
    default: return e >= uint64_t(n) + 1 ? 1 : 0;
  }
}

uint64_t Pit::next_edge(const Channel& c, uint64_t e) const {
  if (!c.counting || c.paused) return 0;
  if ((c.mode == 1 || c.mode == 5) && !c.triggered) return 0;
  uint32_t n = period(c);
  switch (c.mode) {
    case 0:
    case 1: return e < n ? n : 0;
    case 2:
    case 3: return (e / n + 1) * n;
    default: return e < uint64_t(n) + 1 ? uint64_t(n) + 1 : 0;
  }
}

uint64_t Pit::update(uint64_t now_ns) {
  Channel& c = ch_[0];
  uint64_t e = elapsed(c, now_ns);
  uint64_t total = edges(c, e);
  bool raised = false;
  const bool periodic = c.mode == 2 || c.mode == 3;
  if (total > c.edges_seen) {
    uint64_t behind = total - c.edges_seen;
    if (periodic && behind * ticks_to_ns_ceil(period(c)) > kMaxCatchUpNs) {  // too far behind: give up the excess
      uint64_t keep = std::max<uint64_t>(1, kMaxCatchUpNs / ticks_to_ns_ceil(period(c)));
      stats_.irq0_coalesced += behind - keep;
      c.edges_seen = total - keep;
    }
    uint8_t line = irq0_.query();
    if (!periodic || (line & IrqLine::kMasked)) {  // nobody waits for these periods
      stats_.irq0_coalesced += behind - 1;
      c.edges_seen = total;
      raised = true;
    } else if (!(line & IrqLine::kRequested)) {  // one period per edge, each edge once the last one was taken
      ++c.edges_seen;
      raised = true;
    }
    if (raised) {
      ++stats_.irq0_edges;
      irq0_.pulse();
    }
  }
  if (periodic && total > c.edges_seen) {
    ++stats_.irq0_catch_up;
    return now_ns + kMinIrqIntervalNs;  // periods still owed: the next edge soon
  }
  uint64_t next = next_edge(c, e);
  if (!next) return kNoEvent;
  uint64_t at = c.run_start_ns + ticks_to_ns_ceil(next - c.base_ticks);
  if (raised) at = std::max(at, now_ns + kMinIrqIntervalNs);  // rate limit after an edge
  return std::max(at, now_ns + 1);
}

void Pit::load(Channel& c, uint32_t raw, uint64_t now_ns) {
  if (c.bcd) {
    uint32_t v = bcd_to_bin(raw);
    c.reload = v ? v : 10000;
  } else {
    c.reload = raw ? raw : 0x10000;
  }
  c.counting = true;
  c.null_count = false;
  c.triggered = false;
  c.run_start_ns = now_ns;
  c.base_ticks = 0;
  c.edges_seen = 0;
  // Modes 0/4 hold while the gate is low; 2/3 do not start until it rises.
  c.paused = !c.gate && c.mode != 1 && c.mode != 5;
}

void Pit::set_gate(Channel& c, bool level, uint64_t now_ns) {
  if (level == c.gate) return;
  c.gate = level;
  if (!c.counting) return;
  switch (c.mode) {
    case 0:
    case 4:
      if (!level) {
        c.base_ticks = elapsed(c, now_ns);
        c.paused = true;
      } else {
        c.run_start_ns = now_ns;
        c.paused = false;
      }
      break;
    case 2:
    case 3:
      if (!level) {
        c.base_ticks = elapsed(c, now_ns);
        c.paused = true;
      } else {  // a rising gate reloads the counter
        c.run_start_ns = now_ns;
        c.base_ticks = 0;
        c.edges_seen = 0;
        c.paused = false;
      }
      break;
    default:  // 1, 5: a rising gate (re)triggers
      if (level) {
        c.triggered = true;
        c.run_start_ns = now_ns;
        c.base_ticks = 0;
        c.edges_seen = 0;
        c.paused = false;
      }
      break;
  }
}

void Pit::latch_count(Channel& c, uint64_t now_ns) {
  if (c.count_latched) return;  // a second latch before the read is ignored
  ++stats_.latches;
  c.latched = value(c, now_ns);
  c.count_latched = true;
  c.latch_hi = false;
}

void Pit::control(uint8_t v) {
  uint64_t t = now();
  uint8_t sc = v >> 6;
  if (sc == kSelectReadBack) {
    ++stats_.read_backs;
    for (int i = 0; i < 3; ++i) {
      if (!(v >> (i + 1) & 1)) continue;
      Channel& c = ch_[i];
      if (!(v & kReadBackNoCount)) latch_count(c, t);
      if (!(v & kReadBackNoStatus) && !c.status_latched) {
        c.status = uint8_t((out(c, t) ? kStatusOut : 0) | (c.null_count ? kStatusNull : 0) | c.rw << 4 | c.mode << 1 |
                           (c.bcd ? 1 : 0));
        c.status_latched = true;
      }
    }
    return;
  }
  Channel& c = ch_[sc];
  uint8_t rw = (v >> 4) & 3;
  if (rw == kRwLatch) {
    latch_count(c, t);
    return;
  }
  ++stats_.control_words;
  c.rw = rw;
  c.mode = (v >> 1) & 7;
  if (c.mode > 5) c.mode -= 4;  // 6 and 7 are aliases of 2 and 3
  c.bcd = v & 1;
  c.counting = false;
  c.triggered = false;
  c.paused = false;
  c.null_count = true;
  c.base_ticks = 0;
  c.edges_seen = 0;
  c.write_hi = c.read_hi = false;
  c.count_latched = c.status_latched = false;
}

uint8_t Pit::read_counter(Channel& c) {
  if (c.status_latched) {
    c.status_latched = false;
    return c.status;
  }
  uint16_t v;
  bool hi;
  if (c.count_latched) {
    v = c.latched;
    if (c.rw == kRwLsbMsb) {
      hi = c.latch_hi;
      c.latch_hi = !c.latch_hi;
      if (hi) c.count_latched = false;
    } else {
      hi = c.rw == kRwMsb;
      c.count_latched = false;
    }
  } else {
    v = value(c, now());
    if (c.rw == kRwLsbMsb) {
      hi = c.read_hi;
      c.read_hi = !c.read_hi;
    } else {
      hi = c.rw == kRwMsb;
    }
  }
  return hi ? uint8_t(v >> 8) : uint8_t(v);
}

void Pit::write_counter(Channel& c, uint8_t v) {
  uint64_t t = now();
  switch (c.rw) {
    case kRwLsb: load(c, v, t); break;
    case kRwMsb: load(c, uint32_t(v) << 8, t); break;
    default:
      if (!c.write_hi) {
        c.write_lsb = v;
        c.write_hi = true;
        if (c.mode == 0) c.counting = false;  // the first byte stops a mode-0 count; OUT goes low
      } else {
        c.write_hi = false;
        load(c, c.write_lsb | uint32_t(v) << 8, t);
      }
      break;
  }
}

uint8_t Pit::read(uint16_t port) {
  switch (port) {
    case kChannel0:
    case kChannel0 + 1:
    case kChannel0 + 2: return read_counter(ch_[port - kChannel0]);
    case kControl: return 0xFF;  // write-only on the 8254
    case kPortB: {
      uint64_t t = now();
      uint8_t v = port_b_ & kPortBWritable;
      if ((t / kRefreshPeriodNs) & 1) v |= kPortBRefresh;
      if (out(ch_[2], t)) v |= kPortBOut2;
      return v;
    }
    default: return 0xFF;
  }
}

void Pit::write(uint16_t port, uint8_t value) {
  switch (port) {
    case kChannel0:
    case kChannel0 + 1:
    case kChannel0 + 2: write_counter(ch_[port - kChannel0], value); break;
    case kControl: control(value); break;
    case kPortB:
      port_b_ = value & kPortBWritable;
      set_gate(ch_[2], value & kPortBGate2, now());
      break;
    default: break;
  }
}

uint16_t Pit::count(int channel) {
  const Channel& c = ch_[channel];
  uint16_t v = value(c, now());
  return c.bcd ? uint16_t(bcd_to_bin(v)) : v;
}

bool Pit::output(int channel) { return out(ch_[channel], now()); }

bool Pit::speaker_on() const { return (port_b_ & (kPortBGate2 | kPortBSpeaker)) == (kPortBGate2 | kPortBSpeaker); }

uint32_t Pit::speaker_frequency_hz() const {
  const Channel& c = ch_[2];
  if (!speaker_on() || !c.counting || c.mode != 3) return 0;
  return uint32_t(kFrequencyHz / period(c));
}

void Pit::print_stats(std::ostream& os) const {
  os << "  pit: " << stats_.irq0_edges << " IRQ0 edges, " << stats_.irq0_coalesced << " coalesced periods, "
     << stats_.irq0_catch_up << " catch-up waits, " << stats_.control_words << " control words, " << stats_.latches
     << " latches, " << stats_.read_backs << " read-backs; channel 0 mode " << int(ch_[0].mode) << " count "
     << ch_[0].reload << "\n";
}

}  // namespace pxos

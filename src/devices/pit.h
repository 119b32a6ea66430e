// Intel 8254 programmable interval timer (ports 40h-43h, 1.193182 MHz) and
// port 61h (system control port B: channel 2 gate, speaker data, refresh
// toggle, channel 2 output), which the PIT owns.
//
// Counters are not stepped: each channel remembers when it was loaded and
// computes its count and OUT from GuestClock::now_ns on every read, so
// reads always reflect elapsed time.
//
// Modes 0 (interrupt on terminal count), 2 (rate generator) and 3 (square
// wave) are exact to the clock. Approximations, all documented here:
//  - Modes 1 and 5 are triggered by a rising gate edge (only channel 2's
//    gate is wired, through port 61h bit 0); mode 4 strobes OUT low for one
//    clock at terminal count.
//  - A new count written in mode 2/3 restarts the period at once (the real
//    chip finishes the current period first).
//  - Mode 3 with an odd count: OUT is high for (N+1)/2 clocks and low for
//    (N-1)/2; the count read back decrements by 2 in both halves.
//  - Counts of 1 in modes 2/3 are treated as 2.
//  - BCD counting is supported by converting: a BCD count is loaded as its
//    binary value (0 = 10000) and reads are converted back to BCD.
//  - The "null count" status bit clears as soon as the count is written.
//
// IRQ0 policy: update() raises at most ONE edge on IRQ0 per call (an
// edge-triggered 8259 latches only one request). In the periodic modes (2, 3)
// no period is lost when the monitor or the guest falls behind (a busy host, a
// guest with interrupts off): each period gets its own edge, raised once the
// controller no longer holds the last one, kMinIrqIntervalNs apart, as KVM's
// PIT reinjects lost ticks (not while the line is masked); a guest that counts ticks for its time (Linux's
// jiffies, DOS's BIOS tick count) keeps time. A backlog of more than
// kMaxCatchUpNs is dropped. The periods that got no edge are counted in
// stats().irq0_coalesced. update() returns the time of the next rising edge
// of OUT0, but never less than kMinIrqIntervalNs after an edge it raised,
// so a guest that programs a very short period cannot make the monitor spin.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>

#include "vm/clock.h"
#include "vm/irq.h"
#include "vm/bus.h"

namespace pxos {

class Pit {
 public:
  static constexpr uint16_t kChannel0 = 0x40;  // 40h, 41h, 42h: counters
  static constexpr uint16_t kControl = 0x43;
  static constexpr uint16_t kPortB = 0x61;
  static constexpr uint64_t kFrequencyHz = 1193182;
  static constexpr uint64_t kMinIrqIntervalNs = 20'000;
  static constexpr uint64_t kMaxCatchUpNs = 1'000'000'000;  // periods owed beyond this are dropped
  static constexpr uint64_t kRefreshPeriodNs = 15'085;      // port 61h bit 4 toggles at this rate

  struct Stats {
    uint64_t irq0_edges = 0;
    uint64_t irq0_coalesced = 0;  // periods that passed without their own edge
    uint64_t irq0_catch_up = 0;   // updates that found periods still owed
    uint64_t control_words = 0;
    uint64_t latches = 0;  // counter-latch and read-back latches
    uint64_t read_backs = 0;
  };

  Pit(GuestClock clock, IrqLine irq0);
  void attach(PortBus& ports);  // 40h-43h and 61h

  // The timer: raises IRQ0 when OUT0 had a rising edge, returns the next.
  uint64_t update(uint64_t now_ns);
  TimerCallback timer();

  uint8_t read(uint16_t port);
  void write(uint16_t port, uint8_t value);

  // State for the monitor, the speaker and tests.
  uint16_t count(int channel);  // the counter as a read would see it (binary)
  bool output(int channel);     // OUT now
  int mode(int channel) const { return ch_[channel].mode; }
  uint32_t reload(int channel) const { return ch_[channel].reload; }  // 1..65536 (binary)
  bool speaker_on() const;                                            // gate 2 and speaker data both set
  uint32_t speaker_frequency_hz() const;                              // 0 when off or not a square wave
  uint8_t port_b() const { return port_b_; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  struct Channel {
    uint8_t mode = 0;
    uint8_t rw = 3;  // 1 lsb, 2 msb, 3 lsb then msb
    bool bcd = false;
    uint32_t reload = 0x10000;
    bool counting = false;   // a count was written
    bool triggered = false;  // modes 1/5: a gate edge started it
    bool paused = false;     // gate low (modes 0/4 hold, 2/3 stop)
    bool null_count = true;
    bool gate = true;
    uint64_t run_start_ns = 0;
    uint64_t base_ticks = 0;  // elapsed clocks before run_start_ns
    uint64_t edges_seen = 0;  // rising OUT edges already reported (channel 0)
    bool write_hi = false;
    uint8_t write_lsb = 0;
    bool read_hi = false;
    bool count_latched = false, latch_hi = false;
    uint16_t latched = 0;
    bool status_latched = false;
    uint8_t status = 0;
  };

  uint64_t now() const { return clock_.now_ns ? clock_.now_ns() : 0; }
  uint64_t elapsed(const Channel& c, uint64_t now_ns) const;
  uint32_t period(const Channel& c) const;
  uint16_t value(const Channel& c, uint64_t now_ns) const;  // raw counter (BCD if bcd)
  bool out(const Channel& c, uint64_t now_ns) const;
  uint64_t edges(const Channel& c, uint64_t e) const;
  uint64_t next_edge(const Channel& c, uint64_t e) const;  // 0 = none
  void load(Channel& c, uint32_t raw, uint64_t now_ns);
  void set_gate(Channel& c, bool level, uint64_t now_ns);
  void latch_count(Channel& c, uint64_t now_ns);
  void control(uint8_t v);
  uint8_t read_counter(Channel& c);
  void write_counter(Channel& c, uint8_t v);

  GuestClock clock_;
  IrqLine irq0_;
  std::array<Channel, 3> ch_;
  uint8_t port_b_ = 0;  // bits 0-3 as written
  Stats stats_;
};

}  // namespace pxos

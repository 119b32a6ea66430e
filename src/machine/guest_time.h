// The machine's clock: the time every device, the BIOS and RDTSC see, in
// nanoseconds since power-on. Three ways to keep it:
//
//  - Wall: the host's monotonic clock (the KVM engine, whose guest runs at
//    the host's pace).
//  - Paced (the software engine): virtual time, the retired-instruction count
//    at a rate (engine/instruction_clock.h), so timer interrupts come at exact
//    instruction counts and the TSC, PIT and RTC always agree. The rate follows
//    the guest's measured speed so that guest time stays with the host's: a
//    guest that runs ahead waits for the host, one that falls behind is caught
//    up by a faster rate, or by a jump when far behind. A halted guest's time
//    is the host's (it sleeps; an idle guest costs nothing).
//  - Deterministic (--deterministic): 10 ns per instruction, idle time skipped
//    at once; the same guest sees the same times on every run, not the host's.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>

#include "engine/instruction_clock.h"

namespace pxos {

class GuestTime {
 public:
  enum class Mode { Wall, Paced, Deterministic };

  // The bounds of Paced time against the host's.
  static constexpr uint64_t kMaxLeadNs = 20'000'000;   // ahead by more: the guest waits...
  static constexpr uint64_t kMaxWaitNs = 10'000'000;   // ...at most this long at a time
  static constexpr uint64_t kMaxLagNs = 250'000'000;   // behind by more: the clock jumps
  static constexpr uint64_t kHorizonNs = 100'000'000;  // the rate closes the gap over this much host time
  static constexpr uint64_t kWindowNs = 5'000'000;     // the guest's speed is measured over at least this
  static constexpr uint64_t kMinPs = 10, kMaxPs = 10'000'000;  // rate bounds, ps per instruction

  struct Stats {
    uint64_t rate_changes = 0;
    uint64_t jumps = 0, jumped_ns = 0;  // catch-ups of a guest far behind
    uint64_t waits = 0;  // times a guest ahead waited for the host
    int64_t max_lead_ns = 0, max_lag_ns = 0;
  };

  using Source = std::function<uint64_t()>;
  // `host_ns`: the host's monotonic clock in ns (any origin); tests inject one.
  explicit GuestTime(Source host_ns = nullptr);

  // Chooses the mode once the engine is known; `icount` reads the engine's
  // retired instructions (Paced and Deterministic). Time starts at 0 now.
  void start(Mode mode, Source icount = nullptr);
  Mode mode() const { return mode_; }
  bool virtual_time() const { return mode_ != Mode::Wall; }

  // Guest time now (0 before start()).
  uint64_t now_ns() const;
  // Host time since start().
  uint64_t host_ns() const;
  // The clock the software engine reads and stops by (Paced, Deterministic).
  const InstructionClock* instruction_clock() const { return &clock_; }

  // A point between two runs of the vCPU: adapts the rate to the guest's
  // speed and catches up a guest far behind. Returns how long the host must
  // wait (ns, at most kMaxWaitNs) before running the guest again, because it
  // is ahead.
  uint64_t sync();
  // A halted guest whose next event is at guest time `next` (kNoEvent: none):
  // how long the host sleeps before that event (0: skip to it now).
  uint64_t idle_wait_ns(uint64_t next) const;
  // After that sleep (or a shorter one): idle time passes, up to `next`.
  void idle_advance(uint64_t next);

  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  uint64_t icount() const { return icount_ ? icount_() : 0; }
  void adapt_rate(uint64_t ic, uint64_t host, int64_t lag);
  void restart_window(uint64_t ic, uint64_t host);

  Source host_;
  Source icount_;
  Mode mode_ = Mode::Wall;
  bool started_ = false;
  uint64_t host_start_ = 0;
  InstructionClock clock_;
  uint64_t window_host_ = 0, window_icount_ = 0;  // where the speed measurement began
  double instructions_per_ns_ = 0;                // the guest's measured speed, 0: not yet
  Stats stats_;
};

}  // namespace pxos

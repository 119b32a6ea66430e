// Telling a guest that waits for a key from one that works. DOS's console
// polls INT 16h AH=01h (and calls INT 28h) in a tight loop while it waits;
// run as fast as the host can, that loop burns a core. DOS also polls the
// keyboard for Ctrl-C on most of its calls while it works, a few hundred
// polls between two disk reads, so the polls alone do not tell: the guest is
// idle when it has done nothing but poll (and read the clock) for a while,
// each poll close to the last in guest time (one late poll is forgiven: the
// host may have been busy), and for many polls: a loop that polls a fixed
// number of times (FreeDOS's kernel polls 1,353 times in a row while it boots,
// about 1,300 instructions apart) is work, not waiting, and must run at the
// engine's speed however slow that is (a nested KVM runs that loop for 2 s, and
// a wait per poll made it 75 s). Then each further idle call
// halts it until the next interrupt: the key itself wakes it at once, and a
// timer tick lets its other work (a clock on the screen, a countdown) go on at
// the tick's pace. Any other BIOS service, or a key, ends the streak.
#pragma once

#include <cstdint>

namespace pxos {

class IdleDetector {
 public:
  static constexpr uint64_t kGapNs = 2'000'000;         // idle calls at most this far apart...
  static constexpr uint64_t kIdleAfterNs = 50'000'000;  // ...and nothing else for this long...
  static constexpr uint32_t kIdleAfterCalls = 2048;     // ...and this many calls: idle

  // An idle call (an empty INT 16h poll, INT 28h) at guest time `now`: true
  // when the caller should halt until an interrupt. The call that resumes
  // after that wait is answered at once.
  bool should_wait(uint64_t now) {
    if (waiting_) {  // the same call, resumed after its wait
      waiting_ = false;
      last_ns_ = now;
      return false;
    }
    // One long gap is the host's doing (the vCPU thread was not running: on
    // KVM guest time is the host's); two in a row, a guest that works between
    // its polls.
    bool long_gap = now - last_ns_ > kGapNs;
    if (!polling_ || (long_gap && long_gap_)) {
      polling_ = true;
      first_ns_ = now;
      calls_ = 0;
    }
    long_gap_ = long_gap;
    last_ns_ = now;
    if (calls_ < kIdleAfterCalls) ++calls_;
    waiting_ = now - first_ns_ >= kIdleAfterNs && calls_ >= kIdleAfterCalls;
    if (waiting_) ++waits_;
    return waiting_;
  }
  // The guest did something else (another service, it got a key): not idle.
  void work() { polling_ = false; }
  uint64_t waits() const { return waits_; }

 private:
  bool polling_ = false;
  bool waiting_ = false;
  bool long_gap_ = false;  // the last gap was longer than kGapNs
  uint32_t calls_ = 0;      // idle calls in this streak (counted up to kIdleAfterCalls)
  uint64_t first_ns_ = 0, last_ns_ = 0;
  uint64_t waits_ = 0;
};

}  // namespace pxos

// Time as devices see it. Real time by default; with --deterministic the
// machine derives it from the number of guest instructions executed, so two
// runs of the same guest see the same times.
#pragma once

#include <cstdint>
#include <functional>

namespace pxos {

struct GuestClock {
  // Nanoseconds since the machine was created.
  std::function<uint64_t()> now_ns;
};

// A device's timer: given the current time, does what is due (raises its
// IRQ, updates its state) and returns the time of its next event, or
// kNoEvent. The monitor calls every registered timer after each exit and
// when a wait ends, and sleeps no longer than the earliest next event.
inline constexpr uint64_t kNoEvent = ~0ull;
using TimerCallback = std::function<uint64_t(uint64_t now_ns)>;

}  // namespace pxos

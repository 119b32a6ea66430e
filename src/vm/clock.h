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

// a * b / c rounded down, or up, for c > 0 (the result's low 64 bits): in
// 64-bit arithmetic when a * b fits, as it nearly always does (a constant c
// then compiles to a multiply), else in 128-bit (a library call of ~50 ns).
inline uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t p;
  if (!__builtin_mul_overflow(a, b, &p)) return p / c;
  return uint64_t((unsigned __int128)a * b / c);
}
inline uint64_t mul_div_ceil(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t p;
  if (!__builtin_mul_overflow(a, b, &p) && p <= ~uint64_t{0} - (c - 1)) return (p + c - 1) / c;
  return uint64_t(((unsigned __int128)a * b + c - 1) / c);
}

// A device's timer: given the current time, does what is due (raises its
// IRQ, updates its state) and returns the time of its next event, or
// kNoEvent. The monitor calls every registered timer after each exit and
// when a wait ends, and sleeps no longer than the earliest next event.
inline constexpr uint64_t kNoEvent = ~0ull;
using TimerCallback = std::function<uint64_t(uint64_t now_ns)>;

}  // namespace pxos

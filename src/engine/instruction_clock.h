// Guest time on an engine that counts instructions (the software engine's
// virtual time): nanoseconds as a linear function of the retired-instruction
// count. The monitor may change the rate (the clock is rebased, so time never
// goes back) and add time the guest spent idle; the engine reads the time
// for RDTSC and turns a deadline into the instruction count to stop at.
#pragma once

#include <cstdint>

#include "vm/clock.h"

namespace pxos {

struct InstructionClock {
  static constexpr uint64_t kDefaultPsPerInstruction = 10'000;  // 10 ns

  uint64_t base_ns = 0;  // the time at base_icount
  uint64_t base_icount = 0;
  uint64_t ps_per_instruction = kDefaultPsPerInstruction;  // never 0

  uint64_t ns_at(uint64_t icount) const {
    uint64_t n = icount > base_icount ? icount - base_icount : 0;
    return base_ns + mul_div(n, ps_per_instruction, 1000);
  }
  // The first instruction count at which the time is >= ns.
  uint64_t icount_at(uint64_t ns) const {
    if (ns <= base_ns) return base_icount;
    uint64_t ps64;
    if (!__builtin_mul_overflow(ns - base_ns, uint64_t{1000}, &ps64) && ps64 <= ~uint64_t{0} - ps_per_instruction) {
      const uint64_t n = (ps64 + ps_per_instruction - 1) / ps_per_instruction;  // 64-bit: no library call
      return n > ~uint64_t{0} - base_icount ? ~uint64_t{0} : base_icount + n;
    }
    unsigned __int128 ps = (unsigned __int128)(ns - base_ns) * 1000;
    unsigned __int128 n = (ps + ps_per_instruction - 1) / ps_per_instruction;
    return n > ~uint64_t{0} - base_icount ? ~uint64_t{0} : base_icount + uint64_t(n);
  }
  // From `icount` on, the time advances `ps` picoseconds per instruction.
  void set_rate(uint64_t icount, uint64_t ps) {
    base_ns = ns_at(icount);
    base_icount = icount;
    ps_per_instruction = ps ? ps : 1;
  }
  // Moves the time forward by `ns` at `icount` (time the guest spent idle).
  void advance(uint64_t icount, uint64_t ns) {
    base_ns = ns_at(icount) + ns;
    base_icount = icount;
  }
};

}  // namespace pxos

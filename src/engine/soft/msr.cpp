// The time-stamp counter and the model-specific registers: RDTSC, RDMSR, WRMSR.
// The TSC counts nanoseconds of guest time (1 GHz) from the monitor's clock, so it
// moves with the PIT, also when a halted guest's time is skipped ahead.
#include "engine/soft/cpu_model.h"
#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {

namespace msr {
inline constexpr uint32_t TSC = 0x10, PLATFORM_ID = 0x17, BIOS_UPDT_TRIG = 0x79, BIOS_SIGN_ID = 0x8B,
                          MISC_ENABLE = 0x1A0;
}

namespace {
uint64_t guest_ns(Cpu& c) { return c.clock_ns ? c.clock_ns(c.clock_ctx, c.icount) : c.icount * kNsPerInstructionNoClock; }
}  // namespace

uint64_t Cpu::tsc() {
  uint64_t v = guest_ns(*this) + uint64_t(tsc_offset);
  if (v <= tsc_last) v = tsc_last + 1;  // never backwards, never the same value twice
  tsc_last = v;
  return v;
}

namespace {
void need_cpl0(Cpu& c) {
  if ((c.flags & flag::VM) || (c.pm() && c.cpl != 0)) gp(0);
}

// false: no such MSR (the caller raises #GP(0), as the hardware does).
bool read_msr(Cpu& c, uint32_t index, uint64_t& v) {
  switch (index) {
    case msr::TSC: v = c.tsc(); return true;
    case msr::PLATFORM_ID: v = 0; return true;
    case msr::BIOS_SIGN_ID: v = c.msr_bios_sign; return true;
    case msr::MISC_ENABLE: v = c.msr_misc_enable; return true;
    default: return false;
  }
}

bool write_msr(Cpu& c, uint32_t index, uint64_t v) {
  switch (index) {
    case msr::TSC:
      c.tsc_offset = int64_t(v - guest_ns(c));
      c.tsc_last = v ? v - 1 : 0;  // the next read is v (or later)
      return true;
    case msr::BIOS_UPDT_TRIG: return true;  // no microcode to load
    case msr::BIOS_SIGN_ID:
      c.msr_bios_sign = 0;  // the microcode revision (0: none) appears in the high half after CPUID
      return true;
    case msr::MISC_ENABLE: c.msr_misc_enable = v; return true;
    default: return false;
  }
}
}  // namespace

template <class T>
void rdtsc(Cpu& c, const Insn&) {
  if ((c.cr4 & kCr4Tsd) && c.pm() && c.cpl != 0) gp(0);
  uint64_t v = c.tsc();
  c.r[EAX] = uint32_t(v);
  c.r[EDX] = uint32_t(v >> 32);
}

template <class T>
void rdmsr(Cpu& c, const Insn&) {
  need_cpl0(c);
  uint64_t v;
  if (!read_msr(c, c.r[ECX], v)) gp(0);
  c.r[EAX] = uint32_t(v);
  c.r[EDX] = uint32_t(v >> 32);
}

template <class T>
void wrmsr(Cpu& c, const Insn&) {
  need_cpl0(c);
  if (!write_msr(c, c.r[ECX], uint64_t{c.r[EDX]} << 32 | c.r[EAX])) gp(0);
}

PXOS_INSTANTIATE(rdtsc)
PXOS_INSTANTIATE(rdmsr)
PXOS_INSTANTIATE(wrmsr)

}  // namespace pxos::soft

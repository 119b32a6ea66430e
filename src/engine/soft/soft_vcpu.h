// The software x86 engine: an interpreter with a decoded-block cache.
#pragma once

#include <memory>

#include "engine/engine.h"
#include "engine/instruction_clock.h"

namespace pxos {

class GuestMemory;
class MmioBus;

struct SoftOptions {
  // Deterministic mode: run() returns Kicked exactly every kQuantum retired
  // instructions, and kick() is honoured only at those points, so exits happen
  // at the same instruction counts on every run with the same inputs.
  bool deterministic = false;
  // Deterministic mode: instructions between two Kicked exits (0: the
  // default quantum). The fuzzer uses a short one to bound each run.
  uint64_t quantum = 0;
  // Virtual time (the monitor's clock, machine/guest_time.h): guest time as a
  // function of the instruction count, the time base of RDTSC; run() stops at
  // set_deadline() by instruction count. Unset: 10 ns per retired instruction,
  // and deadlines come by kick().
  const InstructionClock* clock = nullptr;
  // Translate runs of common 32-bit instructions to host code (x86-64 hosts; the
  // engine interprets where the host gives no executable memory).
  bool translate = true;
  // Iterations of a REP string instruction per dispatch (0: the default, 4096).
  // The fuzzer uses fewer, to bound the work one instruction can do.
  uint32_t rep_chunk = 0;
  // Count what the translator does (Vcpu::statistics(): --jit-stats). Translated
  // code then carries counters, and instructions outside its runs go through a
  // counting thunk: slower, for finding what to translate next.
  bool jit_stats = false;
};

std::unique_ptr<Vcpu> make_soft_vcpu(GuestMemory& mem, MmioBus& mmio, SoftOptions opts = {});

}  // namespace pxos

// The software x86 engine: an interpreter with a decoded-block cache.
#pragma once

#include <functional>
#include <memory>

#include "engine/engine.h"

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
  // Guest time in nanoseconds (the monitor's clock): the time base of RDTSC.
  // Unset: 10 ns per retired instruction.
  std::function<uint64_t()> now_ns = nullptr;
  // Virtual time: now_ns advances this much per retired instruction (and the
  // monitor's skips), so run() can stop at set_deadline() by instruction count.
  // 0: now_ns is the wall clock and deadlines come by kick().
  uint64_t ns_per_instruction = 0;
  // Translate runs of common 32-bit instructions to host code (x86-64 hosts; the
  // engine interprets where the host gives no executable memory).
  bool translate = true;
  // Iterations of a REP string instruction per dispatch (0: the default, 4096).
  // The fuzzer uses fewer, to bound the work one instruction can do.
  uint32_t rep_chunk = 0;
};

std::unique_ptr<Vcpu> make_soft_vcpu(GuestMemory& mem, MmioBus& mmio, SoftOptions opts = {});

}  // namespace pxos

// Runs a generated program on one engine and compares two outcomes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "difftest/program.h"
#include "engine/engine.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos::difftest {

// How a run ended on an engine: the View, and the raw ring-0 state.
struct Outcome {
  View view;
  CpuState state;              // at the handler's HLT
  std::vector<uint8_t> frame;  // the exception frame on the ring-0 stack
  double seconds = 0;
};

// One engine on its own guest memory, reused for every program.
class Runner {
 public:
  // kind: "kvm" or "soft". Throws std::runtime_error (KVM missing...).
  explicit Runner(const std::string& kind);
  ~Runner();
  const std::string& kind() const { return kind_; }

  // Loads the machine (GDT, IDT, TSS, handlers), `code` at kCodeBase and
  // the start state of `seed`, and runs at CPL 3 (or CPL 0 when ring0)
  // until the handler's HLT.
  Outcome run(const std::vector<uint8_t>& code, uint64_t seed, bool ring0 = false, double timeout_s = 5);

 private:
  std::string kind_;
  GuestMemory mem_;
  MmioBus mmio_;
  std::unique_ptr<Vcpu> vcpu_;
};

// Runs `code` natively as 32-bit code at CPL 3 in a child process (an
// x86-64 Linux host's compatibility mode), from the start state of `seed`.
View run_native(const std::vector<uint8_t>& code, uint64_t seed, double timeout_s = 5);

}  // namespace pxos::difftest

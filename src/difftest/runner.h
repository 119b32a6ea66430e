// Runs a generated program on one engine and compares two outcomes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "difftest/program.h"
#include "engine/engine.h"
#include "machine/bus.h"
#include "machine/memory.h"

namespace pxos::difftest {

// How a run ended.
struct Outcome {
  bool ok = false;               // reached a HLT at ring 0 (an exception handler)
  std::string problem;           // otherwise: shutdown, engine error, timeout...
  int vector = -1;               // the exception that ended the ring-3 code
  CpuState state;                // at the handler's HLT
  std::vector<uint8_t> checked;  // [kCheckedBase, kCheckedEnd)
  std::vector<uint8_t> frame;    // the exception frame on the ring-0 stack
  double seconds = 0;
};

// One engine on its own guest memory, reused for every program.
class Runner {
 public:
  // kind: "kvm" or "soft". Throws std::runtime_error (KVM missing...).
  explicit Runner(const std::string& kind);
  ~Runner();
  const std::string& kind() const { return kind_; }

  // Loads the machine (GDT, IDT, TSS, handlers), `code` at kCodeBase, the
  // data area filled from `data_seed`, the registers from `regs_seed`, and
  // runs at CPL 3 (or CPL 0 when ring0) until the handler's HLT.
  Outcome run(const std::vector<uint8_t>& code, uint64_t data_seed, bool ring0 = false, double timeout_s = 5);

 private:
  std::string kind_;
  GuestMemory mem_;
  MmioBus mmio_;
  std::unique_ptr<Vcpu> vcpu_;
};

// The differences between two outcomes, one line each ("" when they agree),
// status flags in `undefined` ignored.
std::string compare(const Outcome& a, const Outcome& b, const std::string& name_a, const std::string& name_b,
                    uint32_t undefined);

}  // namespace pxos::difftest

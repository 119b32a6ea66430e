// Which engine runs the guest: the one asked for, or with `auto` the faster
// one on this host, by a short calibration run on each; and why, for
// --verbose. The one place above the engines that knows both.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "engine/engine.h"
#include "engine/instruction_clock.h"

namespace pxos {

class GuestMemory;
class MmioBus;

enum class EngineKind { Auto, Kvm, Soft };

struct EngineOptions {
  bool deterministic = false;               // the software engine stops at fixed instruction counts
  bool jit = true;                          // the software engine translates to host code
  bool jit_stats = false;                   // and counts what it does (--jit-stats)
  const InstructionClock* clock = nullptr;  // the software engine's guest time
};

struct EngineChoice {
  std::unique_ptr<Vcpu> vcpu;
  EngineKind kind = EngineKind::Auto;
  std::string reason;      // "soft: a 40,000-instruction real-mode loop took ..."
  uint32_t reset_edx = 0;  // EDX after RESET: the CPU signature this engine's CPUID reports
};

// A configuration no engine can run; the message is one line for the user.
struct EngineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `auto` picks the faster engine that can run here (the software engine when
// deterministic). Throws EngineError.
EngineKind resolve_engine(EngineKind want, bool deterministic, std::string* reason);
// Makes the vCPU of a resolved engine. Throws EngineError.
EngineChoice make_engine(EngineKind kind, GuestMemory& mem, MmioBus& mmio, const EngineOptions& options);

// Whether this build has the software engine (PXOS_SOFT_ENGINE).
bool soft_engine_built();

}  // namespace pxos

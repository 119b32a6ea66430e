#include "engine/choose.h"

#include <chrono>
#include <cstdio>
#include <optional>

#include "engine/kvm/cpuid_filter.h"
#include "engine/kvm/kvm_vcpu.h"
#include "vm/bus.h"
#include "vm/memory.h"
#if __has_include("engine/soft/soft_vcpu.h") && !defined(PXOS_NO_SOFT_ENGINE)
#include "engine/soft/soft_vcpu.h"
#define PXOS_HAVE_SOFT 1
#endif

namespace pxos {

bool soft_engine_built() {
#ifdef PXOS_HAVE_SOFT
  return true;
#else
  return false;
#endif
}

namespace {

constexpr uint32_t kSoftSignature = 0x0619;  // what the software engine's CPUID reports: a Pentium Pro

// --engine auto: times the same short real-mode loop on an engine (a vCPU of
// its own on 1 MiB of scratch memory); nullopt if the engine cannot run.
std::optional<double> calibration_seconds(EngineKind kind) {
  constexpr uint16_t kIterations = 20000;
  try {
    GuestMemory scratch(1 << 20);
    MmioBus mmio;
    // MOV CX, n; L: LOOP L; HLT
    const uint8_t code[] = {0xB9, uint8_t(kIterations), uint8_t(kIterations >> 8), 0xE2, 0xFE, 0xF4};
    scratch.write(0x7C00, code);
    std::unique_ptr<Vcpu> cpu;
#ifdef PXOS_HAVE_SOFT
    if (kind == EngineKind::Soft) cpu = make_soft_vcpu(scratch, mmio);
#endif
    if (kind == EngineKind::Kvm) cpu = make_kvm_vcpu(scratch);
    if (!cpu) return std::nullopt;
    CpuState st = reset_state();
    st.eip = 0x7C00;
    for (Segment& seg : st.seg) seg = Segment{0, 0, 0xFFFF, 0x0093};
    st.seg[CS].attrib = 0x009B;
    cpu->set_state(st);
    auto start = std::chrono::steady_clock::now();
    for (int exits = 0; exits < 100; ++exits) {
      Exit e = cpu->run();
      if (e.reason == ExitReason::Hlt)
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (e.reason == ExitReason::Error || e.reason == ExitReason::Shutdown) return std::nullopt;
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

EngineKind resolve_engine(EngineKind want, bool deterministic, std::string* reason) {
  if (want == EngineKind::Auto && deterministic) want = EngineKind::Soft;
  if (want == EngineKind::Kvm) *reason = "kvm: chosen with --engine kvm";
  if (want == EngineKind::Soft) *reason = "soft: chosen with --engine soft";
  if (want != EngineKind::Auto) return want;
  std::string why_not_kvm;
  std::optional<double> kvm_s;
  if (kvm_available(&why_not_kvm)) kvm_s = calibration_seconds(EngineKind::Kvm);
  std::optional<double> soft_s = calibration_seconds(EngineKind::Soft);
  char why[160];
  EngineKind kind;
  if (kvm_s && soft_s) {
    kind = *kvm_s < *soft_s ? EngineKind::Kvm : EngineKind::Soft;
    std::snprintf(why, sizeof why, "%s: a 40,000-instruction real-mode loop took %.2f ms on kvm and %.2f ms on soft",
                  kind == EngineKind::Kvm ? "kvm" : "soft", *kvm_s * 1e3, *soft_s * 1e3);
  } else if (soft_s) {
    kind = EngineKind::Soft;
    std::snprintf(why, sizeof why, "soft: KVM cannot run here (%s)",
                  why_not_kvm.empty() ? "its calibration run failed" : why_not_kvm.c_str());
  } else if (kvm_s) {
    kind = EngineKind::Kvm;
    std::snprintf(why, sizeof why, "kvm: this build has no software engine");
  } else {
    throw EngineError("no engine can run here: " + why_not_kvm);
  }
  *reason = why;
  return kind;
}

EngineChoice make_engine(EngineKind kind, GuestMemory& mem, MmioBus& mmio, const EngineOptions& options) {
  EngineChoice c;
  c.kind = kind;
  try {
    if (kind == EngineKind::Kvm) {
      if (options.deterministic) throw EngineError("--deterministic needs the software engine");
      std::unique_ptr<Vcpu> assist;  // executes the instructions this host's KVM cannot emulate
#ifdef PXOS_HAVE_SOFT
      assist = make_soft_vcpu(mem, mmio, SoftOptions{true, 1});
#endif
      c.vcpu = make_kvm_vcpu(mem, std::move(assist));
      c.reset_edx = cpuid_bits::kSignature;
      return c;
    }
#ifdef PXOS_HAVE_SOFT
    SoftOptions so;
    so.deterministic = options.deterministic;
    so.translate = options.jit;
    so.jit_stats = options.jit_stats;
    so.clock = options.clock;
    c.vcpu = make_soft_vcpu(mem, mmio, so);
    c.reset_edx = kSoftSignature;
    return c;
#else
    throw EngineError("this build has no software engine");
#endif
  } catch (const EngineError&) {
    throw;
  } catch (const std::exception& e) {
    throw EngineError(e.what());
  }
}

}  // namespace pxos

// The machine a difftest program runs in: 32-bit protected mode, flat
// segments, no paging; ring-3 code at kCodeBase; every exception vector goes
// through an interrupt gate to its own HLT at ring 0 (so the final EIP names
// the vector). A program ends with a HLT at CPL 3, whose #GP(0) stops it.
#include "difftest/runner.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "engine/descriptors.h"
#include "engine/kvm/kvm_vcpu.h"
#ifndef PXOS_NO_SOFT_ENGINE
#include "engine/soft/soft_vcpu.h"
#endif

namespace pxos::difftest {
namespace {

constexpr uint32_t kGdt = 0x1000, kIdt = 0x2000, kStubs = 0x3000, kTss = 0x4000, kKernelStack = 0x6000;
constexpr uint16_t kKcode = 0x08, kKdata = 0x10, kUcode = kUserCode | 3, kUdata = kUserData | 3, kTssSel = 0x30;
constexpr int kVectors = 32;

// Kicks the vCPU when a run takes longer than its limit.
class Watchdog {
 public:
  Watchdog(Vcpu& v, double seconds)
      : thread_([this, &v, seconds] {
          std::unique_lock<std::mutex> lock(m_);
          if (!cv_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return done_; })) {
            fired_ = true;
            v.kick();
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(m_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(m_);
    return fired_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false, fired_ = false;
  std::thread thread_;
};

void put64(GuestMemory& mem, uint32_t a, uint64_t v) {
  mem.write32(a, uint32_t(v));
  mem.write32(a + 4, uint32_t(v >> 32));
}

void build_machine(GuestMemory& mem) {
  // Ring 0 at 08h/10h; ring 3 at the selectors a 64-bit Linux host gives its
  // 32-bit processes (kUserCode, kUserData), so that the native runner and the
  // engines agree on what MOV r, Sreg reads and a reload of one finds.
  for (uint32_t a = kGdt; a < kGdt + 0x40; a += 4) mem.write32(a, 0);
  put64(mem, kGdt + kKcode, x86::flat_descriptor(x86::kCode0));
  put64(mem, kGdt + kKdata, x86::flat_descriptor(x86::kData0));
  put64(mem, kGdt + (kUcode & ~3), x86::flat_descriptor(x86::kCode3));
  put64(mem, kGdt + (kUdata & ~3), x86::flat_descriptor(x86::kData3));
  put64(mem, kGdt + kTssSel, x86::busy_tss_descriptor(kTss));
  for (int v = 0; v < kVectors; ++v) {
    uint32_t stub = kStubs + v * 16;
    put64(mem, kIdt + v * 8, x86::gate_descriptor(kKcode, stub, x86::kIntGate));  // present, DPL 0, interrupt gate
    mem.write8(stub, 0xF4);                                                       // HLT
    mem.write8(stub + 1, 0xEB), mem.write8(stub + 2, 0xFD);                       // jmp back to it
  }
  for (uint32_t a = kTss; a < kTss + x86::kTssSize; a += 4) mem.write32(a, 0);
  mem.write32(kTss + x86::kTssEsp0, kKernelStack);
  mem.write32(kTss + x86::kTssSs0, kKdata);
  mem.write16(kTss + x86::kTssIoMapBase, x86::kTssSize);  // no I/O bitmap
}

// Vectors that push an error code.
bool has_error_code(int v) { return v == 8 || (v >= 10 && v <= 14) || v == 17; }

}  // namespace

Runner::Runner(const std::string& kind) : kind_(kind), mem_(16u << 20) {
  if (kind == "kvm") {
    std::string why;
    if (!kvm_available(&why)) throw std::runtime_error("/dev/kvm is not usable here: " + why);
    vcpu_ = make_kvm_vcpu(mem_);  // no software assist: what KVM itself does
  } else if (kind == "soft") {
#ifndef PXOS_NO_SOFT_ENGINE
    vcpu_ = make_soft_vcpu(mem_, mmio_);
#else
    throw std::runtime_error("this build has no software engine");
#endif
  } else {
    throw std::runtime_error("unknown engine " + kind);
  }
}

Runner::~Runner() = default;

Start make_start(uint64_t seed) {
  Start st;
  std::mt19937_64 rng(seed);
  st.data.resize(kCheckedEnd - kCheckedBase);
  for (size_t k = 0; k < st.data.size(); k += 8) {
    uint64_t v = rng();
    std::memcpy(&st.data[k], &v, 8);
  }
  for (uint32_t& r : st.gpr) r = uint32_t(rng());
  st.gpr[ESP] = kStackTop;
  st.gpr[EBP] = kDataBase;
  st.eflags = flag::FIXED1 | flag::IF | (uint32_t(rng()) & (kStatusFlags | flag::DF));  // IF: as in a host process
  return st;
}

Outcome Runner::run(const std::vector<uint8_t>& code, uint64_t seed, bool ring0, double timeout_s) {
  Outcome out;
  View& v = out.view;
  if (code.size() > kCodeLimit - kCodeBase) {
    v.problem = "program too long";
    return out;
  }
  build_machine(mem_);
  for (uint32_t a = kKernelStack - 0x100; a < kKernelStack; a += 4) mem_.write32(a, 0);
  mem_.write(kCodeBase, code);
  Start st = make_start(seed);
  mem_.write(kCheckedBase, st.data);

  CpuState s = vcpu_->state();
  std::memcpy(s.gpr, st.gpr, sizeof s.gpr);
  s.eip = kCodeBase;
  s.eflags = st.eflags;
  uint16_t cs = ring0 ? kKcode : kUcode, ds = ring0 ? kKdata : kUdata;
  x86::load_flat_segments(s, cs, ds);
  s.ldt = Segment{0, 0, 0xFFFF, 0x0082};
  s.tr = x86::tss_segment(kTssSel, kTss);
  s.gdt = {kGdt, 0x37};
  s.idt = {kIdt, kVectors * 8 - 1};
  s.cr0 = 0x00000011;  // PE, ET
  s.cr2 = s.cr3 = s.cr4 = 0;
  vcpu_->set_state(s);

  auto t0 = std::chrono::steady_clock::now();
  {
    Watchdog dog(*vcpu_, timeout_s);
    for (;;) {
      Exit e = vcpu_->run();
      if (e.reason == ExitReason::Hlt) break;
      if (e.reason == ExitReason::Kicked || e.reason == ExitReason::IrqWindow) {
        if (dog.fired()) {
          v.problem = "timeout";
          break;
        }
        continue;
      }
      if (e.reason == ExitReason::Shutdown)
        v.problem = "shutdown (triple fault)";
      else if (e.reason == ExitReason::Error)
        v.problem = "engine error: " + e.error;
      else if (e.reason == ExitReason::Io)
        v.problem = "port access";
      else
        v.problem = "MMIO access";
      break;
    }
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.state = vcpu_->state();
  v.data.resize(kCheckedEnd - kCheckedBase);
  mem_.read(kCheckedBase, v.data);
  if (!v.problem.empty()) return out;
  uint32_t eip = out.state.eip;
  if (out.state.seg[CS].selector != kKcode || eip < kStubs + 1 || eip >= kStubs + kVectors * 16 ||
      (eip - kStubs) % 16 != 1) {
    v.problem = "stopped outside the handlers";
    return out;
  }
  v.vector = int((eip - kStubs) / 16);
  uint32_t esp = out.state.gpr[ESP];
  if (esp < kKernelStack - 0x40 || esp > kKernelStack) {
    v.problem = "ring-0 stack pointer out of place";
    return out;
  }
  out.frame.resize(kKernelStack - esp);
  mem_.read(esp, out.frame);
  // The frame: [error code] EIP CS EFLAGS ESP SS, pushed from ring 3.
  std::vector<uint32_t> f(out.frame.size() / 4);
  std::memcpy(f.data(), out.frame.data(), f.size() * 4);
  size_t k = has_error_code(v.vector) ? 1 : 0;
  if (f.size() != k + 5) {
    v.problem = "the exception frame is not one from ring 3";
    return out;
  }
  v.error = k ? f[0] : 0;
  v.eip = f[k];
  v.eflags = f[k + 2];
  std::memcpy(v.gpr, out.state.gpr, sizeof v.gpr);
  v.gpr[ESP] = f[k + 3];
  v.ok = true;
  return out;
}

std::string compare(const View& a, const View& b, const std::string& na, const std::string& nb, uint32_t ignored) {
  std::string d;
  char line[200];
  auto diff = [&](const char* what, uint32_t x, uint32_t y) {
    if (x == y) return;
    std::snprintf(line, sizeof line, "  %-8s %s %08x  %s %08x  (xor %08x)\n", what, na.c_str(), x, nb.c_str(), y,
                  x ^ y);
    d += line;
  };
  if (!a.ok || !b.ok) {
    if (a.ok != b.ok || a.problem != b.problem)
      d += "  end      " + na + ": " + (a.ok ? "normal" : a.problem) + "; " + nb + ": " +
           (b.ok ? "normal" : b.problem) + "\n";
    return d;
  }
  diff("vector", uint32_t(a.vector), uint32_t(b.vector));
  diff("error", a.error, b.error);
  diff("eip", a.eip, b.eip);
  diff("eflags", a.eflags & ~ignored, b.eflags & ~ignored);
  static const char* const names[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
  for (int r = 0; r < 8; ++r) diff(names[r], a.gpr[r], b.gpr[r]);
  int shown = 0;
  for (size_t k = 0; k < a.data.size() && k < b.data.size(); ++k) {
    if (a.data[k] == b.data[k]) continue;
    if (shown++ < 8) {
      std::snprintf(line, sizeof line, "  mem %05zx %s %02x  %s %02x\n", size_t(kCheckedBase + k), na.c_str(),
                    a.data[k], nb.c_str(), b.data[k]);
      d += line;
    }
  }
  if (shown > 8) d += "  (" + std::to_string(shown - 8) + " more bytes differ)\n";
  return d;
}

}  // namespace pxos::difftest

// libFuzzer target: random instruction bytes in a random real-mode state, or
// (flags bit 4) in flat 32-bit protected mode, on the software engine with its
// translator on (protected mode is where the translator's memory paths run).
// The input is
//   [flags] [8 general registers, u32 each] [CS IP SS DS ES FS GS, u16 each]
//   [EFLAGS u32] then the code, placed at CS:IP (protected mode: at IP).
// Memory outside the code holds HLT (F4h) and every interrupt vector points
// at a HLT, so stray control flow ends soon. A run is bounded: at most a few
// quanta of instructions (deterministic mode) and a few hundred exits. It
// must end in a defined exit (HLT, shutdown, an engine error with its
// message, or the bound); anything else, and any sanitizer report, is a bug.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "engine/descriptors.h"
#include "engine/soft/soft_vcpu.h"
#include "fuzz/fuzz_common.h"
#include "vm/bus.h"
#include "vm/memory.h"

using namespace pxos;

namespace {

// The bound: kMaxQuanta quanta of kQuantum instructions, a REP string
// instruction counting once per kRepChunk iterations. Random code that runs
// longer than that is nearly always a loop or a long REP, which adds no
// coverage, only time.
constexpr uint64_t kQuantum = 512;
constexpr uint32_t kRepChunk = 64;
constexpr int kMaxQuanta = 4;
constexpr int kMaxExits = 256;
constexpr uint32_t kHltAt = 0x500;

GuestMemory& memory() {
  static GuestMemory mem(GuestMemory::kMinRam);
  return mem;
}

// Flat 32-bit protected mode, as a Linux kernel runs: a GDT (null, code 08h, data
// 10h, all base 0 and limit 4 GiB) at 800h, an IDT at 1000h whose every
// interrupt gate leads to the HLT at kHltAt, every segment register loaded
// flat. EIP stays the input's IP (the code is placed there).
void enter_flat_protected_mode(GuestMemory& mem, CpuState& s) {
  constexpr uint32_t kGdt = 0x800, kIdt = 0x1000;
  auto put64 = [&mem](uint32_t a, uint64_t v) {
    mem.write32(a, uint32_t(v));
    mem.write32(a + 4, uint32_t(v >> 32));
  };
  for (unsigned k = 0; k < 3; ++k) put64(kGdt + 8 * k, x86::kFlatGdt[k]);
  for (uint32_t v = 0; v < 256; ++v) put64(kIdt + 8 * v, x86::gate_descriptor(0x08, kHltAt, x86::kIntGate));
  s.gdt = {kGdt, 3 * 8 - 1};
  s.idt = {kIdt, 256 * 8 - 1};
  s.cr0 |= 1;
  s.eflags &= ~flag::VM;
  x86::load_flat_segments(s, 0x08, 0x10);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  GuestMemory& mem = memory();
  std::memset(mem.ram_base(), 0xF4, mem.ram_size());
  for (uint32_t v = 0; v < 256; ++v) mem.write32(v * 4, kHltAt >> 4 << 16);  // 0050:0000
  mem.set_a20(true);

  const uint8_t flags = in.u8();
  CpuState s = reset_state();
  for (int g = 0; g < 8; ++g) s.gpr[g] = in.u32();
  if (!(flags & 1)) s.gpr[ESP] &= 0xFFFF;
  uint16_t cs = in.u16(), ip = in.u16();
  s.load_real_segment(CS, cs);
  s.eip = ip;
  for (Sreg r : {SS, DS, ES, FS, GS}) s.load_real_segment(r, in.u16());
  s.eflags = (in.u32() & 0x003F7FD5u) | flag::FIXED1;
  if (!(flags & 2)) s.eflags &= ~(flag::VM | flag::TF);
  if (flags & 4) mem.set_a20(false);
  s.cr0 &= ~1u;
  const bool pm = flags & 0x10;
  if (pm) enter_flat_protected_mode(mem, s);

  // The code at CS:IP (wrapping within the segment as real mode does).
  auto code = in.rest();
  for (size_t i = 0; i < code.size() && i < 0x10000; ++i)
    mem.write8(pm ? uint16_t(ip + i) : mem.real_linear(cs, uint16_t(ip + i)), code[i]);

  MmioBus mmio;
  SoftOptions opts;
  opts.deterministic = true;
  opts.quantum = kQuantum;
  opts.rep_chunk = kRepChunk;
  auto vcpu = make_soft_vcpu(mem, mmio, opts);
  vcpu->set_state(s);
  int quanta = 0;
  for (int exits = 0; exits < kMaxExits; ++exits) {
    Exit e = vcpu->run();
    switch (e.reason) {
      case ExitReason::Io:
        if (!e.io.is_write) std::memset(e.io.data.data(), 0xFF, e.io.data.size());
        continue;
      case ExitReason::Mmio:
        if (!e.mmio.is_write) std::memset(e.mmio.data.data(), 0xFF, e.mmio.data.size());
        continue;
      case ExitReason::Kicked:
        if (++quanta >= kMaxQuanta) return 0;
        // An interrupt now and then, when the CPU can take one.
        if ((flags & 8) && vcpu->can_inject()) vcpu->inject_interrupt(uint8_t(0x08 + quanta));
        continue;
      case ExitReason::IrqWindow:
        vcpu->request_irq_window(false);
        continue;
      case ExitReason::Hlt:
      case ExitReason::Shutdown:
        return 0;
      case ExitReason::Error:
        if (e.error.empty()) std::abort();  // an engine error must say what happened
        return 0;
      case ExitReason::Debug: std::abort();  // nothing set up debugging
    }
    std::abort();  // not a defined exit
  }
  (void)vcpu->state();
  return 0;
}

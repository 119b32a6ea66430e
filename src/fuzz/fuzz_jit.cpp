// libFuzzer target: the translator (engine/soft/jit/) against the interpreter. A random
// instruction stream runs on two software-engine cores, one translating (BlockCache's
// translation on) and one interpreting, in lockstep: the same deterministic quantum,
// each stop compared. Any difference aborts with a line saying what differed: the stop
// (HLT, port I/O and its data, shutdown, an engine error and its message), the
// instruction count, the architectural state as the guest sees it (registers, EIP,
// the flags as the CPU materialises them, segments, control registers, descriptor
// tables), the first exception taken, the x87 state, every byte of RAM.
// The input is
//   [mode] [8 general registers, u32 each] [EFLAGS u32] [SS DS ES FS GS, one byte each]
//   then the code, placed at 10000h (CS:IP = 1000:0000 in real mode, EIP 10000h in
//   protected mode, or CS base 10000h and IP 0 for a 16-bit protected-mode segment).
// mode bits:
//   0     flat protected mode (ring 0; a GDT with 32- and 16-bit code and flat data, an IDT)
//   1     a 32-bit code segment (CS.D; in real mode too, as a CPU left with such a cache)
//   2     (protected mode) paging: the low 4 MiB identity-mapped, one page not present
//         (30000h), one read-only (31000h) with CR0.WP set, nothing above 4 MiB
//   3..4  the registers (ESP too) masked: 0 as given, 1 to 18 bits, 2 to 16 bits, 3 to 8 bits
//   5     (real mode) the A20 gate off
//   6     (protected mode) the data segments 16-bit, limit FFFFh, base from their byte << 12
// Real mode: a data segment's selector is its byte << 8. Memory outside the code
// holds HLT (F4h) but for a fixed pattern at 20000h-3FFFFh; every
// interrupt vector leads to a HLT of its own (50:v in real mode, 500h + v in protected
// mode), so a fault ends the run with EIP saying which one.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "engine/descriptors.h"
#include "engine/soft/exec.h"
#include "fuzz/fuzz_common.h"

using namespace pxos;

namespace {

// The bound: kMaxQuanta quanta of kQuantum instructions (a REP string instruction
// counting once per kRepChunk iterations), and at most kMaxStops stops.
constexpr uint64_t kQuantum = 256;
constexpr uint32_t kRepChunk = 64;
constexpr int kMaxQuanta = 8;
constexpr int kMaxStops = 256;

constexpr uint32_t kRam = 0x210000;  // real mode's 1 MiB + 64 KiB, and the JIT snippets' data at 200000h
constexpr uint32_t kHlt = 0x500;     // 256 HLTs: vector v's handler at kHlt + v
constexpr uint32_t kGdt = 0x800, kIdt = 0x1000, kPageDir = 0x2000, kPageTable = 0x3000;
constexpr uint32_t kCode = 0x10000, kPattern = 0x20000, kPatternEnd = 0x40000;
constexpr uint32_t kAbsent = 0x30000, kReadOnly = 0x31000;
constexpr uint16_t kCode32Sel = 0x08, kDataSel = 0x10, kCode16Sel = 0x18;

struct Mode {
  bool pm, code32, paging, a20_off, data16;
  uint32_t mask;
};

Mode mode_of(uint8_t m) {
  static constexpr uint32_t kMasks[4] = {0xFFFFFFFF, 0x3FFFF, 0xFFFF, 0xFF};
  Mode o{};
  o.pm = m & 1;
  o.code32 = m & 2;
  o.paging = o.pm && (m & 4);
  o.mask = kMasks[(m >> 3) & 3];
  o.a20_off = !o.pm && (m & 0x20);
  o.data16 = o.pm && (m & 0x40);
  return o;
}

void put64(std::vector<uint8_t>& ram, uint32_t a, uint64_t v) { std::memcpy(&ram[a], &v, 8); }
void put32(std::vector<uint8_t>& ram, uint32_t a, uint32_t v) { std::memcpy(&ram[a], &v, 4); }

// RAM before the run but for the code: HLTs, the pattern, the tables of the mode.
// Built once per kind of mode (real, protected, paged).
const std::vector<uint8_t>& base_ram(const Mode& m) {
  static std::vector<uint8_t> images[3];
  std::vector<uint8_t>& ram = images[!m.pm ? 0 : m.paging ? 2 : 1];
  if (!ram.empty()) return ram;
  ram.assign(kRam, 0xF4);
  uint32_t x = 0x2545F491;
  for (uint32_t a = kPattern; a < kPatternEnd; a += 4) {
    x = x * 1103515245u + 12345u;
    put32(ram, a, x ^ (x >> 13));
  }
  if (!m.pm) {
    for (uint32_t v = 0; v < 256; ++v) put32(ram, 4 * v, (kHlt >> 4) << 16 | v);  // 0050:v
    return ram;
  }
  put64(ram, kGdt, 0);
  put64(ram, kGdt + kCode32Sel, x86::flat_descriptor(x86::kCode0));
  put64(ram, kGdt + kDataSel, x86::flat_descriptor(x86::kData0));
  put64(ram, kGdt + kCode16Sel, x86::segment_descriptor(kCode, 0xFFFF, x86::kCode0, 0));
  for (uint32_t v = 0; v < 256; ++v)
    put64(ram, kIdt + 8 * v, x86::gate_descriptor(kCode32Sel, kHlt + v, x86::kIntGate));
  if (m.paging) {
    constexpr uint32_t P = 1, W = 2;
    put32(ram, kPageDir, kPageTable | P | W);
    for (uint32_t k = 1; k < 1024; ++k) put32(ram, kPageDir + 4 * k, 0);
    for (uint32_t k = 0; k < 1024; ++k) put32(ram, kPageTable + 4 * k, k << 12 | P | W);
    put32(ram, kPageTable + (kAbsent >> 12) * 4, kAbsent);
    put32(ram, kPageTable + (kReadOnly >> 12) * 4, kReadOnly | P);
  }
  return ram;
}

CpuState initial_state(const Mode& m, fuzz::Input& in) {
  CpuState s;
  for (uint32_t& r : s.gpr) r = in.u32() & m.mask;
  s.eflags = (in.u32() & 0x00000CD5u) | flag::FIXED1;  // the arithmetic flags and DF; IF, TF, VM off
  uint8_t seg_bytes[5];
  for (uint8_t& b : seg_bytes) b = in.u8();
  const Sreg data[5] = {SS, DS, ES, FS, GS};
  if (!m.pm) {
    s.load_real_segment(CS, kCode >> 4);
    s.seg[CS].attrib = m.code32 ? 0x409B : 0x9B;
    s.eip = 0;
    for (int k = 0; k < 5; ++k) s.load_real_segment(data[k], uint16_t(seg_bytes[k] << 8));
    return s;
  }
  s.cr0 |= 1;
  if (m.paging) {
    s.cr0 |= 0x80010000u;  // PG, WP
    s.cr3 = kPageDir;
  }
  s.gdt = {kGdt, 4 * 8 - 1};
  s.idt = {kIdt, 256 * 8 - 1};
  x86::load_flat_segments(s, kCode32Sel, kDataSel);
  s.eip = kCode;
  if (!m.code32) {
    s.seg[CS] = Segment{kCode16Sel, kCode, 0xFFFF, 0x009B};
    s.eip = 0;
  }
  if (m.data16)
    for (int k = 0; k < 5; ++k) s.seg[data[k]] = Segment{kDataSel, uint32_t(seg_bytes[k]) << 12, 0xFFFF, 0x0093};
  return s;
}

// One of the two cores, on RAM of its own (kept from input to input: only its bytes
// are new, which spares the page faults of fresh memory).
struct Side {
  std::vector<uint8_t>& ram;
  soft::Core core;
  soft::RunControl ctl;
  Side(std::vector<uint8_t>& memory, std::span<const uint8_t> code, bool translate, const Mode& m, const CpuState& s)
      : ram(memory) {
    std::memcpy(ram.data(), base_ram(m).data(), kRam);
    std::memcpy(&ram[kCode], code.data(), std::min<size_t>(code.size(), 0x10000));
    core.attach(ram.data(), kRam, nullptr, nullptr);
    core.cache.set_translate(translate);
    core.cpu.rep_chunk = kRepChunk;
    if (m.a20_off) core.cpu.a20_mask = ~(1u << 20);
    core.load_state(s);
    core.cpu.tlb_flush();
    ctl.quantum = kQuantum;
  }
};

[[noreturn]] void differ(const char* what, uint64_t icount) {
  std::fprintf(stderr, "fuzz_jit: translated and interpreted runs differ: %s (at instruction %llu)\n", what,
               (unsigned long long)icount);
  std::abort();
}

void compare(Side& t, Side& i, soft::RunStop st, soft::RunStop si) {
  const soft::Cpu &a = t.core.cpu, &b = i.core.cpu;
  const uint64_t n = b.icount;
  if (st != si) differ("the stop", n);
  if (a.icount != b.icount) differ("the instruction count", n);
  if (st == soft::RunStop::Io && (a.io_port != b.io_port || a.io_size != b.io_size || a.io_write != b.io_write ||
                                  (a.io_write && std::memcmp(a.io_buf, b.io_buf, a.io_size))))
    differ("the port access", n);
  if (st == soft::RunStop::Error && a.error != b.error) differ("the engine error", n);
  CpuState sa = t.core.save_state(), sb = i.core.save_state();
  for (int k = 0; k < 8; ++k)
    if (sa.gpr[k] != sb.gpr[k]) differ("a general register", n);
  if (sa.eip != sb.eip) differ("EIP", n);
  if (sa.eflags != sb.eflags) differ("EFLAGS", n);
  if (!(sa == sb)) differ("segments, control or debug registers, descriptor tables", n);
  if (a.last_exception != b.last_exception) differ("the exception taken", n);
  uint8_t fa[108], fb[108];
  t.core.cpu.fpu.save(fa, true, false);
  i.core.cpu.fpu.save(fb, true, false);
  if (std::memcmp(fa, fb, sizeof fa)) differ("the x87 state", n);
  if (t.ram != i.ram) differ("memory", n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const Mode m = mode_of(in.u8());
  const CpuState s = initial_state(m, in);
  static std::vector<uint8_t> ram_t(kRam), ram_i(kRam);
  const std::span<const uint8_t> code = in.rest();
  auto translated = std::make_unique<Side>(ram_t, code, true, m, s);
  auto interpreted = std::make_unique<Side>(ram_i, code, false, m, s);
  if (!translated->core.cache.translating()) {
    std::fprintf(stderr, "fuzz_jit: this host gives the translator no executable memory\n");
    std::abort();
  }
  int quanta = 0;
  for (int stops = 0; stops < kMaxStops; ++stops) {
    soft::RunStop st = translated->core.run(translated->ctl);
    soft::RunStop si = interpreted->core.run(interpreted->ctl);
    compare(*translated, *interpreted, st, si);
    switch (si) {
      case soft::RunStop::Io:
        for (Side* side : {translated.get(), interpreted.get()}) {
          if (!side->core.cpu.io_write) std::memset(side->core.cpu.io_buf, 0xFF, sizeof side->core.cpu.io_buf);
          side->core.complete_in();
        }
        continue;
      case soft::RunStop::Kicked:
        if (++quanta >= kMaxQuanta) return 0;
        continue;
      case soft::RunStop::IrqWindow: continue;
      case soft::RunStop::Hlt:
      case soft::RunStop::Shutdown:
      case soft::RunStop::Error: return 0;
      case soft::RunStop::Debug: std::abort();  // nothing set up debugging
    }
  }
  return 0;
}

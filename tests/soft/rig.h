// The rigs of the software engine's tests, one family:
//   CoreRig   a soft::Core on RAM of its own (a byte vector), no devices: put code
//             and data in, run to HLT, read the CPU and the memory back. Suites
//             derive their helpers from it: FpuRig (fpu_test.cpp: real mode, x87
//             stack), the guest runner of soft_pm_tests.cpp, and PagedRig below.
//   PagedRig  a CoreRig in flat 32-bit protected mode with paging (the paging,
//             i686 and translator tests).
//   VcpuRig   the engine's public interface (make_soft_vcpu) on a GuestMemory, in
//             real mode: the exit protocol, injection, A20, MMIO and ROM.
// Descriptors and segment caches come from engine/descriptors.h.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "engine/descriptors.h"
#include "engine/engine.h"
#include "engine/soft/exec.h"
#include "engine/soft/soft_vcpu.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos::testing {

using soft::Fault;

// A soft::Core on `ram_size` bytes of RAM, in the core's power-up state.
struct CoreRig {
  std::vector<uint8_t> ram;
  soft::Core core;
  soft::Cpu& c = core.cpu;

  explicit CoreRig(uint32_t ram_size) : ram(ram_size) { core.attach(ram.data(), ram_size, nullptr, nullptr); }
  CoreRig(const CoreRig&) = delete;
  CoreRig& operator=(const CoreRig&) = delete;

  template <class T>
  T get(uint32_t a) const {
    T v;
    std::memcpy(&v, &ram[a], sizeof v);
    return v;
  }
  template <class T>
  void put(uint32_t a, T v) {
    std::memcpy(&ram[a], &v, sizeof v);
  }
  uint32_t r32(uint32_t a) const { return get<uint32_t>(a); }
  void w32(uint32_t a, uint32_t v) { put(a, v); }
  void load(uint32_t a, std::span<const uint8_t> bytes) { std::memcpy(&ram[a], bytes.data(), bytes.size()); }

  // Puts `code` at `at` and runs it from there (EIP = at, the rest of the state as
  // it is) until HLT. quantum: as deterministic mode, stop (Kicked) every `quantum`
  // instructions; the instruction counts at those stops go to `stops`.
  void run_at(uint32_t at, std::span<const uint8_t> code, uint64_t quantum = 0,
              std::vector<uint64_t>* stops = nullptr) {
    load(at, code);
    core.cache.new_epoch(c);  // new code over old blocks, as the monitor's writes between runs
    c.eip = at;
    soft::RunControl ctl;
    ctl.quantum = quantum;
    for (int k = 0; k < 10000; ++k) {
      soft::RunStop s = core.run(ctl);
      if (s == soft::RunStop::Hlt) return;
      ASSERT_EQ(s, soft::RunStop::Kicked) << "the snippet stopped unexpectedly";
      if (stops) stops->push_back(c.icount);
    }
    FAIL() << "the snippet did not halt";
  }
  // The fault one access raises, if any.
  template <class F>
  std::optional<Fault> fault_of(F&& f) {
    try {
      f();
    } catch (const Fault& e) {
      return e;
    }
    return std::nullopt;
  }
};

// PagedRig's memory map and page-table bits.
constexpr uint32_t kPagedRam = 16u << 20;
constexpr uint32_t kPageDir = 0x1000, kLowTable = 0x2000, kIdt = 0x3000, kGdt = 0x4000;
constexpr uint32_t kCode = 0x10000, kHandlers = 0x11000, kStackTop = 0x9000;
constexpr uint32_t P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;

// A CPU in 32-bit flat protected mode with paging: the low 4 MiB identity-mapped
// (4 KiB pages, user and writable), a GDT (x86::kFlatGdt: 08h code, 10h data, 1Bh
// user code, 23h user data) and an IDT whose vector k runs `mov bl, k; hlt` at
// kHandlers + 4k.
struct PagedRig : CoreRig {
  // translate: whether the core translates code to host code (jit/translate.cpp).
  explicit PagedRig(bool translate = true) : CoreRig(kPagedRam) {
    core.cache.set_translate(translate);
    w32(kPageDir, kLowTable | P | W | U);
    for (uint32_t k = 0; k < 1024; ++k) w32(kLowTable + 4 * k, (k << 12) | P | W | U);
    std::memcpy(&ram[kGdt], x86::kFlatGdt, sizeof x86::kFlatGdt);
    for (uint32_t v = 0; v < 32; ++v) {
      uint32_t h = kHandlers + 4 * v;
      ram[h] = 0xB3;  // mov bl, v
      ram[h + 1] = uint8_t(v);
      ram[h + 2] = 0xF4;  // hlt
      put(kIdt + 8 * v, x86::gate_descriptor(0x08, h, x86::kIntGate));
    }
    CpuState s;
    s.cr0 = 0x80000011;
    s.cr3 = kPageDir;
    s.gdt = {kGdt, sizeof x86::kFlatGdt - 1};
    s.idt = {kIdt, 32 * 8 - 1};
    x86::load_flat_segments(s, 0x08, 0x10);
    s.gpr[ESP] = kStackTop;
    s.eip = kCode;
    core.load_state(s);
  }
  // The PDE slot of `lin` gets a fresh page table at `table` (zeroed).
  void new_table(uint32_t lin, uint32_t table, uint32_t flags = P | W | U) {
    std::memset(&ram[table], 0, 4096);
    w32(kPageDir + (lin >> 22) * 4, table | flags);
  }
  uint32_t pte_addr(uint32_t lin) const {
    return (r32(kPageDir + (lin >> 22) * 4) & ~0xFFFu) + ((lin >> 12) & 1023) * 4;
  }
  void map(uint32_t lin, uint32_t phys, uint32_t flags) { w32(pte_addr(lin), phys | flags); }
  // CPL 3 for the memory path (as a far transfer would set it; no TLB flush).
  void to_cpl3() { c.set_cpl(3); }
  // Runs the bytes at kCode until HLT (quantum and stops as CoreRig::run_at).
  void run(const std::vector<uint8_t>& code, uint64_t quantum = 0, std::vector<uint64_t>* stops = nullptr) {
    run_at(kCode, code, quantum, stops);
  }
};

// The soft engine behind the Vcpu interface, on `ram` bytes of GuestMemory.
struct VcpuRig {
  explicit VcpuRig(uint64_t ram = 4u << 20, SoftOptions opts = {}) : mem(ram) {
    vcpu = make_soft_vcpu(mem, mmio, opts);
  }
  void load(uint32_t addr, const std::vector<uint8_t>& bytes) { ASSERT_TRUE(mem.write(addr, bytes)); }
  // Real mode at cs:ip, SS:SP = 0:0x7000.
  void start(uint16_t cs, uint16_t ip) {
    CpuState s = vcpu->state();
    s.load_real_segment(CS, cs);
    s.seg[CS].attrib = 0x9B;
    s.load_real_segment(SS, 0);
    s.gpr[ESP] = 0x7000;
    s.eip = ip;
    vcpu->set_state(s);
  }
  // Sets an IVT entry.
  void vector(uint8_t v, uint16_t cs, uint16_t ip) {
    mem.write16(v * 4u, ip);
    mem.write16(v * 4u + 2, cs);
  }
  Exit run() { return vcpu->run(); }
  // Runs until HLT, reading FFh from every port.
  CpuState run_to_hlt() {
    for (int k = 0; k < 100; ++k) {
      Exit e = vcpu->run();
      if (e.reason == ExitReason::Hlt) return vcpu->state();
      if (e.reason == ExitReason::Io) {
        if (!e.io.is_write) std::memset(e.io.data.data(), 0xFF, e.io.data.size());
        continue;
      }
      ADD_FAILURE() << "unexpected exit " << int(e.reason) << " " << e.error;
      break;
    }
    return vcpu->state();
  }
  GuestMemory mem;
  MmioBus mmio;
  std::unique_ptr<Vcpu> vcpu;
};

}  // namespace pxos::testing

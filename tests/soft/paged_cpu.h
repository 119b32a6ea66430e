// A soft::Core in 32-bit flat protected mode with paging, for tests that drive
// the core directly (soft_paging_tests.cpp, soft_jit_tests.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <vector>

#include "engine/soft/exec.h"

namespace pxos::testing {

using soft::Fault;

constexpr uint32_t kRam = 16u << 20;
constexpr uint32_t kPageDir = 0x1000, kLowTable = 0x2000, kIdt = 0x3000, kGdt = 0x4000;
constexpr uint32_t kCode = 0x10000, kHandlers = 0x11000, kStackTop = 0x9000;
constexpr uint32_t P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;

// A CPU in 32-bit flat protected mode with paging: the low 4 MiB identity-mapped
// (4 KiB pages, user and writable), a GDT (08h code, 10h data, 1Bh user code, 23h
// user data) and an IDT whose vector k runs `mov bl, k; hlt` at kHandlers + 4k.
struct Paged {
  std::vector<uint8_t> ram = std::vector<uint8_t>(kRam);
  soft::Core core;
  soft::Cpu& c = core.cpu;

  // translate: whether the core translates code to host code (jit/translate.cpp).
  explicit Paged(bool translate = true) {
    core.attach(ram.data(), kRam, nullptr, nullptr);
    core.cache.set_translate(translate);
    w32(kPageDir, kLowTable | P | W | U);
    for (uint32_t k = 0; k < 1024; ++k) w32(kLowTable + 4 * k, (k << 12) | P | W | U);
    const uint64_t gdt[] = {0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull, 0x00CFFA000000FFFFull,
                            0x00CFF2000000FFFFull};
    std::memcpy(&ram[kGdt], gdt, sizeof gdt);
    for (uint32_t v = 0; v < 32; ++v) {
      uint32_t h = kHandlers + 4 * v;
      ram[h] = 0xB3;  // mov bl, v
      ram[h + 1] = uint8_t(v);
      ram[h + 2] = 0xF4;  // hlt
      w32(kIdt + 8 * v, (0x08u << 16) | (h & 0xFFFF));
      w32(kIdt + 8 * v + 4, (h & 0xFFFF0000u) | 0x8E00);
    }
    CpuState s;
    s.cr0 = 0x80000011;
    s.cr3 = kPageDir;
    s.gdt = {kGdt, 5 * 8 - 1};
    s.idt = {kIdt, 32 * 8 - 1};
    for (int k = 0; k < 6; ++k) s.seg[k] = Segment{0x10, 0, 0xFFFFFFFF, 0xC093};
    s.seg[CS] = Segment{0x08, 0, 0xFFFFFFFF, 0xC09B};
    s.gpr[ESP] = kStackTop;
    s.eip = kCode;
    core.load_state(s);
  }
  uint32_t r32(uint32_t p) const {
    uint32_t v;
    std::memcpy(&v, &ram[p], 4);
    return v;
  }
  void w32(uint32_t p, uint32_t v) { std::memcpy(&ram[p], &v, 4); }
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
  // Runs the bytes at kCode until HLT.
  // quantum: as deterministic mode, stop (Kicked) every `quantum` instructions; the
  // instruction counts at those stops go to `stops`.
  void run(const std::vector<uint8_t>& code, uint64_t quantum = 0, std::vector<uint64_t>* stops = nullptr) {
    std::memcpy(&ram[kCode], code.data(), code.size());
    core.cache.new_epoch(c);  // new code over old blocks, as the monitor's writes between runs
    c.eip = kCode;
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

}  // namespace pxos::testing

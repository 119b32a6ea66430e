// The translator (engine/soft/jit/): 32-bit snippets (tests/soft/jit/*.asm, built
// by nasm) run twice on a flat, paged soft::Core, once translated and once through
// the thunks only, and must leave the same registers, flags, memory and instruction
// counts. The snippets cover every form the translator compiles and each way out of
// translated code: a TLB miss, a page crossing, a fault in the middle of a run (#PF,
// #GP from a segment limit), a write to the run's own code page, a Jcc decided by a
// flag setter earlier in the run, and block ends chained to the next block.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "engine/soft/exec.h"
#include "rig.h"

namespace pxos {
namespace {

using namespace pxos::testing;

// tests/soft/jit/NAME.asm, assembled (a missing file fails the test that wanted it).
std::vector<uint8_t> snippet(const std::string& name) {
  std::ifstream f(std::string(PXOS_JIT_SNIPPET_DIR) + "/" + name + ".bin", std::ios::binary);
  std::vector<uint8_t> code((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (code.empty()) ADD_FAILURE() << "snippet " << name << ".bin is missing (nasm builds it from tests/soft/jit)";
  return code;
}

struct Outcome {
  uint32_t r[8];
  uint32_t eip, flags;
  std::vector<uint8_t> ram;
  uint64_t icount, runs, resets;
  std::vector<uint64_t> stops;  // instruction counts at the quantum's stops
};

// How a snippet runs: `cpu` may edit the CPU first; `quantum` as RunControl's;
// `code_capacity`: the translator's code buffer in bytes (0: the default).
struct Setup {
  std::function<void(soft::Cpu&)> cpu = [](soft::Cpu&) {};
  uint64_t quantum = 0;
  size_t code_capacity = 0;
  bool real_mode = false;  // a *16.asm snippet: real mode at 0000:1000 (real16.inc)
};

// A CoreRig in real mode for the *16.asm snippets: every segment at 0 with a 64 KiB
// limit, SP = 9000h, data (bytes with their sign bits set and clear) at 2000h.
struct RealRig : CoreRig {
  explicit RealRig(bool translate) : CoreRig(1u << 20) {
    core.cache.set_translate(translate);
    for (int k = 0; k < 6; ++k) c.seg[k] = soft::SegCache{0, 0xFFFF, 0, 0x93};
    c.r[ESP] = 0x9000;
    for (uint32_t k = 0; k < 64; ++k) w32(0x2000 + 4 * k, 0xF1E27304u ^ (k * 0x3B8F1D27u));
  }
};

template <class Rig>
void run_on(Rig& m, Outcome& o, uint32_t at, const std::vector<uint8_t>& code, const Setup& setup) {
  m.run_at(at, code, setup.quantum, &o.stops);
  for (int k = 0; k < 8; ++k) o.r[k] = m.c.r[k];
  o.eip = m.c.eip;
  o.flags = m.c.get_flags();
  o.ram = m.ram;
  o.icount = m.c.icount;
  o.runs = m.core.cache.translator().runs();
  o.resets = m.core.cache.translator().resets();
}

// Runs `code` at kCode until HLT.
Outcome run(bool translate, const std::vector<uint8_t>& code, const Setup& setup = {}) {
  Outcome o;
  if (setup.real_mode) {
    auto m = std::make_unique<RealRig>(translate);
    setup.cpu(m->c);
    run_on(*m, o, 0x1000, code, setup);
    return o;
  }
  auto m = std::make_unique<PagedRig>(translate);
  if (setup.code_capacity) m->core.cache.set_code_capacity(m->c, setup.code_capacity);
  setup.cpu(m->c);
  // The TLB holds the data and stack pages already, so the snippets' accesses run in the
  // translated code rather than leaving it at their first TLB miss.
  for (uint32_t a : {0x200000u, 0x201000u, kStackTop - 4}) m->c.write_lin<uint32_t>(a, m->c.read_lin<uint32_t>(a));
  run_on(*m, o, kCode, code, setup);
  return o;
}

// The snippet translated and interpreted; returns the translated outcome.
Outcome same_both_ways(const std::vector<uint8_t>& code, const Setup& setup = {}) {
  Outcome t = run(true, code, setup), i = run(false, code, setup);
  if (!PagedRig().core.cache.translating()) {
    ADD_FAILURE() << "this host gives the translator no executable memory: nothing was compared";
    return t;
  }
  EXPECT_GT(t.runs, 0u) << "nothing was translated";
  EXPECT_EQ(i.runs, 0u);
  for (int k = 0; k < 8; ++k) EXPECT_EQ(t.r[k], i.r[k]) << "register " << k;
  EXPECT_EQ(t.eip, i.eip);
  EXPECT_EQ(t.flags, i.flags);
  EXPECT_EQ(t.icount, i.icount);
  EXPECT_EQ(t.stops, i.stops);
  EXPECT_TRUE(t.ram == i.ram) << "memory differs";
  return t;
}

// Data the snippets read (and the bytes around what they write): bytes with their sign
// bits set and clear, and at the end of the page (for an access that crosses it).
void fill_data(soft::Cpu& c) {
  for (uint32_t k = 0; k < 96; ++k) c.write_lin<uint32_t>(0x200000 + 4 * k, 0xF1E27304u ^ (k * 0x3B8F1D27u));
  c.write_lin<uint32_t>(0x200FFC, 0x89ABCDEF);
  c.write_lin<uint32_t>(0x201000, 0x76543210);
}

TEST(SoftJit, EveryFormMatchesTheInterpreter) {
  Outcome t = same_both_ways(snippet("forms"), {fill_data});
  EXPECT_GE(t.runs, 2u);  // the long first block and at least one of the short ones after a Jcc
}

TEST(SoftJit, EveryFlagSetterLeavesTheInterpretersFlags) {
  Outcome t = same_both_ways(snippet("flag_setters"));
  EXPECT_GE(t.runs, 23u);
}

TEST(SoftJit, MemoryDestinationsAndGroupForms) {
  Outcome t = same_both_ways(snippet("memory_dst"), {fill_data});
  EXPECT_GE(t.runs, 3u);
}

TEST(SoftJit, ShiftsByClAtEachWidth) {
  Outcome t = same_both_ways(snippet("shift_cl"));
  EXPECT_GE(t.runs, 10u);
}

TEST(SoftJit, CarryReadersCallsAndWordMoves) {
  Outcome t = same_both_ways(snippet("carry_calls_words"));
  EXPECT_GE(t.runs, 15u);
}

TEST(SoftJit, ChainedBlocksKeepTheInstructionCount) {
  const std::vector<uint8_t> code = snippet("chained");
  Outcome plain = same_both_ways(code);
  EXPECT_GT(plain.icount, 15000u);
  Outcome q = same_both_ways(code, {.quantum = 100});
  ASSERT_GT(q.stops.size(), 100u);
  for (uint64_t s : q.stops) EXPECT_EQ(s % 100, 0u) << "a stop off the quantum at " << s;
}

TEST(SoftJit, CodeBufferStartsOverWhenFull) {
  // 32 KiB of code buffer for 300 blocks run three times: every block is dropped and
  // translated again several times, with a deterministic quantum on top.
  Outcome t = same_both_ways(snippet("many_blocks"), {.quantum = 1000, .code_capacity = size_t{32} << 10});
  EXPECT_GE(t.resets, 3u);
  EXPECT_GT(t.runs, 600u);
}

TEST(SoftJit, PageFaultInTheMiddleOfARun) {
  const std::vector<uint8_t> code = snippet("page_fault");
  Outcome t = same_both_ways(code);
  EXPECT_EQ(t.r[EBX] & 0xFF, 14u);
  EXPECT_EQ(t.r[ECX], 3u);  // the instructions before the fault are done, the ones after it are not
  const uint8_t faulting[] = {0x8B, 0x1D, 0x00, 0x00, 0x50, 0x00};  // mov ebx, [0x500000]
  auto it = std::search(code.begin(), code.end(), std::begin(faulting), std::end(faulting));
  ASSERT_NE(it, code.end());
  uint32_t frame = t.r[ESP];
  auto at = [&](uint32_t a) {
    return uint32_t(t.ram[a] | t.ram[a + 1] << 8 | t.ram[a + 2] << 16 | t.ram[a + 3] << 24);
  };
  EXPECT_EQ(at(frame + 4), kCode + uint32_t(it - code.begin()));  // the faulting MOV's address
  EXPECT_EQ(at(frame + 12) & 0x8D5, 0x04u);  // EFLAGS of add eax, 2 (3: PF set), pushed with the frame
}

TEST(SoftJit, SegmentLimitFaultInTheMiddleOfARun) {
  Outcome t = same_both_ways(snippet("segment_limit"), {[](soft::Cpu& c) { c.seg[DS].limit = 0xFFFFF; }});
  EXPECT_EQ(t.r[EBX] & 0xFF, 13u);
  EXPECT_EQ(t.r[EDX], 0u);
}

TEST(SoftJit, FsIsCheckedAtEachAccess) {
  Outcome t = same_both_ways(snippet("fs_limit"), {[](soft::Cpu& c) {
                               c.seg[FS].base = 0x200000;
                               c.seg[FS].limit = 0xFFF;
                             }});
  EXPECT_EQ(t.r[EBX] & 0xFF, 13u);
  EXPECT_EQ(t.r[ESI], 0x1000u);
  EXPECT_EQ(t.ram[0x200014] | t.ram[0x200015] << 8 | t.ram[0x200016] << 16 | t.ram[0x200017] << 24, 0x11223347);
}

TEST(SoftJit, WriteToItsOwnBlockStopsTheRun) {
  Outcome t = same_both_ways(snippet("self_modifying"));
  EXPECT_EQ(t.r[ECX], 6u);  // 3 + 4 - 1: the MOVs the store replaced did not run
}

TEST(SoftJit, RealModeFormsMatchTheInterpreter) {
  Outcome t = same_both_ways(snippet("forms16"), {.real_mode = true});
  EXPECT_GE(t.runs, 4u);
  Outcome q = same_both_ways(snippet("forms16"), {.quantum = 60, .real_mode = true});
  EXPECT_GE(q.stops.size(), 3u);
}

TEST(SoftJit, OffTranslatesNothing) {
  Outcome i = run(false, snippet("simple"));
  EXPECT_EQ(i.runs, 0u);
  EXPECT_EQ(i.r[ECX], 3u);
}

}  // namespace
}  // namespace pxos

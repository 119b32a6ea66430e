// Differential tests: the 386 instructions the 80286 vectors cannot cover (32-bit
// operands, MOVZX/MOVSX, BT*, BSF/BSR, SHLD/SHRD, IMUL forms, SETcc, CMOVcc, XADD, ...) run
// on the soft engine and natively on the host CPU with the same random inputs.
// Only architecturally defined results and flags are compared.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "engine/engine.h"
#include "rig.h"

#if defined(__x86_64__)

namespace pxos {
namespace {

constexpr uint32_t kArith = flag::CF | flag::PF | flag::AF | flag::ZF | flag::SF | flag::OF;

// Runs `code` (then HLT) in 16-bit real mode with EAX/EBX/ECX/EDX and the flags given.
CpuState run_case(testing::VcpuRig& g, const std::vector<uint8_t>& code, uint32_t eax, uint32_t ebx, uint32_t ecx,
                  uint32_t edx, uint32_t flags) {
  std::vector<uint8_t> bytes = code;
  bytes.push_back(0xF4);
  g.mem.write(0x1000, bytes);
  CpuState s = g.vcpu->state();
  s.load_real_segment(CS, 0);
  s.load_real_segment(DS, 0);
  s.load_real_segment(SS, 0);
  s.gpr[ESP] = 0x8000;
  s.gpr[EAX] = eax;
  s.gpr[EBX] = ebx;
  s.gpr[ECX] = ecx;
  s.gpr[EDX] = edx;
  s.eflags = (flags & kArith) | flag::FIXED1;
  s.eip = 0x1000;
  g.vcpu->set_state(s);
  Exit e = g.vcpu->run();
  EXPECT_EQ(e.reason, ExitReason::Hlt);
  return g.vcpu->state();
}

struct HostResult {
  uint64_t a, b, c, d, flags;
};

// Runs `insn` on the host with RAX/RBX/RCX/RDX and the flags given (AT&T syntax).
#define HOST_RUN(insn, r, a0, b0, c0, d0, f0)                             \
  do {                                                                    \
    uint64_t ra = (a0), rb = (b0), rc = (c0), rd = (d0), fl = (f0);       \
    asm volatile("pushq %[f]\n\tpopfq\n\t" insn "\n\tpushfq\n\tpopq %[f]" \
                 : [f] "+r"(fl), "+a"(ra), "+b"(rb), "+c"(rc), "+d"(rd)   \
                 :                                                        \
                 : "cc", "memory");                                       \
    r = HostResult{ra, rb, rc, rd, fl};                                   \
  } while (0)

struct Case {
  const char* name;
  std::vector<uint8_t> guest;  // the guest encoding (16-bit code: 66h selects 32-bit operands)
  void (*host)(HostResult&, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
  uint32_t flag_mask;  // the flags that are defined for this instruction
  uint32_t reg_mask;   // registers to compare: bit 0 EAX, 1 EBX, 2 ECX, 3 EDX
  bool (*valid)(uint32_t a, uint32_t b, uint32_t c, uint32_t d) = nullptr;  // inputs this case accepts
};

#define HOSTFN(insn) \
  [](HostResult& r, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t f) { HOST_RUN(insn, r, a, b, c, d, f); }

constexpr uint32_t kAll = kArith;
constexpr uint32_t kNoAF = kArith & ~flag::AF;
constexpr uint32_t kCF = flag::CF;
constexpr uint32_t kCFOF = flag::CF | flag::OF;

const std::vector<Case>& cases() {
  static const std::vector<Case> k = {
      // 32-bit ALU, register forms (op r/m32, r32 with ModRM D8: rm = EAX, reg = EBX).
      {"add eax,ebx", {0x66, 0x01, 0xD8}, HOSTFN("addl %%ebx, %%eax"), kAll, 1},
      {"adc eax,ebx", {0x66, 0x11, 0xD8}, HOSTFN("adcl %%ebx, %%eax"), kAll, 1},
      {"sub eax,ebx", {0x66, 0x29, 0xD8}, HOSTFN("subl %%ebx, %%eax"), kAll, 1},
      {"sbb eax,ebx", {0x66, 0x19, 0xD8}, HOSTFN("sbbl %%ebx, %%eax"), kAll, 1},
      {"and eax,ebx", {0x66, 0x21, 0xD8}, HOSTFN("andl %%ebx, %%eax"), kNoAF, 1},
      {"or eax,ebx", {0x66, 0x09, 0xD8}, HOSTFN("orl %%ebx, %%eax"), kNoAF, 1},
      {"xor eax,ebx", {0x66, 0x31, 0xD8}, HOSTFN("xorl %%ebx, %%eax"), kNoAF, 1},
      {"cmp eax,ebx", {0x66, 0x39, 0xD8}, HOSTFN("cmpl %%ebx, %%eax"), kAll, 1},
      {"adc ax,bx", {0x11, 0xD8}, HOSTFN("adcw %%bx, %%ax"), kAll, 1},
      {"sbb al,bl", {0x18, 0xD8}, HOSTFN("sbbb %%bl, %%al"), kAll, 1},
      {"inc eax", {0x66, 0x40}, HOSTFN("incl %%eax"), kAll, 1},
      {"dec eax", {0x66, 0x48}, HOSTFN("decl %%eax"), kAll, 1},
      {"neg eax", {0x66, 0xF7, 0xD8}, HOSTFN("negl %%eax"), kAll, 1},
      {"not eax", {0x66, 0xF7, 0xD0}, HOSTFN("notl %%eax"), kAll, 1},
      // Shifts and rotates by CL (the count is masked to 5 bits on both).
      {"shl eax,cl",
       {0x66, 0xD3, 0xE0},
       HOSTFN("shll %%cl, %%eax"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"shr eax,cl",
       {0x66, 0xD3, 0xE8},
       HOSTFN("shrl %%cl, %%eax"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"sar eax,cl",
       {0x66, 0xD3, 0xF8},
       HOSTFN("sarl %%cl, %%eax"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"rol eax,cl",
       {0x66, 0xD3, 0xC0},
       HOSTFN("roll %%cl, %%eax"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"ror eax,cl",
       {0x66, 0xD3, 0xC8},
       HOSTFN("rorl %%cl, %%eax"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"rcl eax,cl",
       {0x66, 0xD3, 0xD0},
       HOSTFN("rcll %%cl, %%eax"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"rcr eax,cl",
       {0x66, 0xD3, 0xD8},
       HOSTFN("rcrl %%cl, %%eax"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"rcl ax,cl",
       {0xD3, 0xD0},
       HOSTFN("rclw %%cl, %%ax"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"rcr al,cl",
       {0xD2, 0xD8},
       HOSTFN("rcrb %%cl, %%al"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"rol al,cl",
       {0xD2, 0xC0},
       HOSTFN("rolb %%cl, %%al"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"ror ax,cl",
       {0xD3, 0xC8},
       HOSTFN("rorw %%cl, %%ax"),
       kCF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"sar al,cl",
       {0xD2, 0xF8},
       HOSTFN("sarb %%cl, %%al"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0 && (c & 31) < 8; }},
      {"shr ax,cl",
       {0xD3, 0xE8},
       HOSTFN("shrw %%cl, %%ax"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0 && (c & 31) <= 16; }},
      {"shl al,cl",
       {0xD2, 0xE0},
       HOSTFN("shlb %%cl, %%al"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0 && (c & 31) <= 8; }},
      {"sar eax,1", {0x66, 0xD1, 0xF8}, HOSTFN("sarl $1, %%eax"), kCFOF | flag::ZF | flag::SF | flag::PF, 1},
      {"ror eax,1", {0x66, 0xD1, 0xC8}, HOSTFN("rorl $1, %%eax"), kCFOF, 1},
      {"rcl eax,1", {0x66, 0xD1, 0xD0}, HOSTFN("rcll $1, %%eax"), kCFOF, 1},
      {"shl eax,1", {0x66, 0xD1, 0xE0}, HOSTFN("shll $1, %%eax"), kCFOF | flag::ZF | flag::SF | flag::PF, 1},
      {"shr eax,1", {0x66, 0xD1, 0xE8}, HOSTFN("shrl $1, %%eax"), kCFOF | flag::ZF | flag::SF | flag::PF, 1},
      {"rol eax,1", {0x66, 0xD1, 0xC0}, HOSTFN("roll $1, %%eax"), kCFOF, 1},
      {"rcr eax,1", {0x66, 0xD1, 0xD8}, HOSTFN("rcrl $1, %%eax"), kCFOF, 1},
      // SHLD/SHRD r/m32, r32, CL (count 1..31).
      {"shld eax,ebx,cl",
       {0x66, 0x0F, 0xA5, 0xD8},
       HOSTFN("shldl %%cl, %%ebx, %%eax"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"shrd eax,ebx,cl",
       {0x66, 0x0F, 0xAD, 0xD8},
       HOSTFN("shrdl %%cl, %%ebx, %%eax"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0; }},
      {"shld ax,bx,cl",
       {0x0F, 0xA5, 0xD8},
       HOSTFN("shldw %%cl, %%bx, %%ax"),
       kCF | flag::ZF | flag::SF | flag::PF,
       1,
       [](uint32_t, uint32_t, uint32_t c, uint32_t) { return (c & 31) != 0 && (c & 31) < 16; }},
      // Bit tests and scans.
      {"bt eax,ebx", {0x66, 0x0F, 0xA3, 0xD8}, HOSTFN("btl %%ebx, %%eax"), kCF, 1},
      {"bts eax,ebx", {0x66, 0x0F, 0xAB, 0xD8}, HOSTFN("btsl %%ebx, %%eax"), kCF, 1},
      {"btr eax,ebx", {0x66, 0x0F, 0xB3, 0xD8}, HOSTFN("btrl %%ebx, %%eax"), kCF, 1},
      {"btc eax,ebx", {0x66, 0x0F, 0xBB, 0xD8}, HOSTFN("btcl %%ebx, %%eax"), kCF, 1},
      {"btc ax,bx", {0x0F, 0xBB, 0xD8}, HOSTFN("btcw %%bx, %%ax"), kCF, 1},
      {"bsf eax,ebx",
       {0x66, 0x0F, 0xBC, 0xC3},
       HOSTFN("bsfl %%ebx, %%eax"),
       flag::ZF,
       1,
       [](uint32_t, uint32_t b, uint32_t, uint32_t) { return b != 0; }},
      {"bsr eax,ebx",
       {0x66, 0x0F, 0xBD, 0xC3},
       HOSTFN("bsrl %%ebx, %%eax"),
       flag::ZF,
       1,
       [](uint32_t, uint32_t b, uint32_t, uint32_t) { return b != 0; }},
      // Multiplies and divides.
      {"imul eax,ebx", {0x66, 0x0F, 0xAF, 0xC3}, HOSTFN("imull %%ebx, %%eax"), kCFOF, 1},
      {"imul eax,ebx,0x1234567",
       {0x66, 0x69, 0xC3, 0x67, 0x45, 0x23, 0x01},
       HOSTFN("imull $0x1234567, %%ebx, %%eax"),
       kCFOF,
       1},
      {"imul ax,bx,-5", {0x6B, 0xC3, 0xFB}, HOSTFN("imulw $-5, %%bx, %%ax"), kCFOF, 1},
      {"mul bl", {0xF6, 0xE3}, HOSTFN("mulb %%bl"), kCFOF, 1},
      {"imul bx", {0xF7, 0xEB}, HOSTFN("imulw %%bx"), kCFOF, 1 | 8},
      {"mul ebx", {0x66, 0xF7, 0xE3}, HOSTFN("mull %%ebx"), kCFOF, 1 | 8},
      {"imul ebx", {0x66, 0xF7, 0xEB}, HOSTFN("imull %%ebx"), kCFOF, 1 | 8},
      {"div ebx",
       {0x66, 0xF7, 0xF3},
       HOSTFN("divl %%ebx"),
       0,
       1 | 8,
       [](uint32_t a, uint32_t b, uint32_t, uint32_t d) { return b != 0 && ((uint64_t{d} << 32 | a) / b) >> 32 == 0; }},
      {"idiv ebx",
       {0x66, 0xF7, 0xFB},
       HOSTFN("idivl %%ebx"),
       0,
       1 | 8,
       [](uint32_t a, uint32_t b, uint32_t, uint32_t d) {
         int64_t n = int64_t(uint64_t{d} << 32 | a), q;
         if (int32_t(b) == 0 || (n == INT64_MIN && int32_t(b) == -1)) return false;
         q = n / int32_t(b);
         return q >= INT32_MIN && q <= INT32_MAX;
       }},
      // Moves and conversions.
      {"movzx eax,bl", {0x66, 0x0F, 0xB6, 0xC3}, HOSTFN("movzbl %%bl, %%eax"), kAll, 1},
      {"movsx eax,bx", {0x66, 0x0F, 0xBF, 0xC3}, HOSTFN("movswl %%bx, %%eax"), kAll, 1},
      {"movsx ax,bl", {0x0F, 0xBE, 0xC3}, HOSTFN("movsbw %%bl, %%ax"), kAll, 1},
      {"cwde", {0x66, 0x98}, HOSTFN("cwtl"), kAll, 1},
      {"cdq", {0x66, 0x99}, HOSTFN("cltd"), kAll, 1 | 8},
      {"bswap eax", {0x66, 0x0F, 0xC8}, HOSTFN("bswapl %%eax"), kAll, 1},
      {"xadd eax,ebx", {0x66, 0x0F, 0xC1, 0xD8}, HOSTFN("xaddl %%ebx, %%eax"), kAll, 1 | 2},
      {"cmpxchg ecx,ebx", {0x66, 0x0F, 0xB1, 0xD9}, HOSTFN("cmpxchgl %%ebx, %%ecx"), kAll, 1 | 2 | 4},
      // CMOVcc (i686) on random flags, every condition.
      {"cmovo eax,ebx", {0x66, 0x0F, 0x40, 0xC3}, HOSTFN("cmovol %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovno eax,ebx", {0x66, 0x0F, 0x41, 0xC3}, HOSTFN("cmovnol %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovb eax,ebx", {0x66, 0x0F, 0x42, 0xC3}, HOSTFN("cmovbl %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovae eax,ebx", {0x66, 0x0F, 0x43, 0xC3}, HOSTFN("cmovael %%ebx, %%eax"), kAll, 1 | 2},
      {"cmove eax,ebx", {0x66, 0x0F, 0x44, 0xC3}, HOSTFN("cmovel %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovne eax,ebx", {0x66, 0x0F, 0x45, 0xC3}, HOSTFN("cmovnel %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovbe eax,ebx", {0x66, 0x0F, 0x46, 0xC3}, HOSTFN("cmovbel %%ebx, %%eax"), kAll, 1 | 2},
      {"cmova eax,ebx", {0x66, 0x0F, 0x47, 0xC3}, HOSTFN("cmoval %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovs eax,ebx", {0x66, 0x0F, 0x48, 0xC3}, HOSTFN("cmovsl %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovns eax,ebx", {0x66, 0x0F, 0x49, 0xC3}, HOSTFN("cmovnsl %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovp eax,ebx", {0x66, 0x0F, 0x4A, 0xC3}, HOSTFN("cmovpl %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovnp eax,ebx", {0x66, 0x0F, 0x4B, 0xC3}, HOSTFN("cmovnpl %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovl eax,ebx", {0x66, 0x0F, 0x4C, 0xC3}, HOSTFN("cmovll %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovge eax,ebx", {0x66, 0x0F, 0x4D, 0xC3}, HOSTFN("cmovgel %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovle eax,ebx", {0x66, 0x0F, 0x4E, 0xC3}, HOSTFN("cmovlel %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovg eax,ebx", {0x66, 0x0F, 0x4F, 0xC3}, HOSTFN("cmovgl %%ebx, %%eax"), kAll, 1 | 2},
      {"cmovl ax,bx", {0x0F, 0x4C, 0xC3}, HOSTFN("cmovlw %%bx, %%ax"), kAll, 1 | 2},
      {"cmovnbe dx,cx", {0x0F, 0x47, 0xD1}, HOSTFN("cmovaw %%cx, %%dx"), kAll, 4 | 8},
      // SETcc on random flags, and SALC-free LAHF-style flag reads.
      {"setb al", {0x0F, 0x92, 0xC0}, HOSTFN("setb %%al"), kAll, 1},
      {"setbe al", {0x0F, 0x96, 0xC0}, HOSTFN("setbe %%al"), kAll, 1},
      {"setl al", {0x0F, 0x9C, 0xC0}, HOSTFN("setl %%al"), kAll, 1},
      {"setle al", {0x0F, 0x9E, 0xC0}, HOSTFN("setle %%al"), kAll, 1},
      {"setp al", {0x0F, 0x9A, 0xC0}, HOSTFN("setp %%al"), kAll, 1},
      {"seto al", {0x0F, 0x90, 0xC0}, HOSTFN("seto %%al"), kAll, 1},
      {"setns al", {0x0F, 0x99, 0xC0}, HOSTFN("setns %%al"), kAll, 1},
  };
  return k;
}

TEST(SoftDifferential, MatchesTheHostCpu) {
  testing::VcpuRig g(1u << 20);
  std::mt19937 rng(20261125);
  auto rnd = [&]() -> uint32_t {
    // Mix in edge values: 0, all ones, sign bits, small numbers.
    switch (rng() % 8) {
      case 0: return 0;
      case 1: return 0xFFFFFFFFu;
      case 2: return 0x80000000u;
      case 3: return 0x7FFFFFFFu;
      case 4: return rng() % 64;
      default: return uint32_t(rng());
    }
  };
  int compared = 0;
  for (const Case& c : cases()) {
    int failures = 0;
    for (int k = 0; k < 3000 && failures < 3; ++k) {
      uint32_t a = rnd(), b = rnd(), cx = rnd(), d = rnd();
      if (std::string_view(c.name).find("div") != std::string_view::npos) d = rng() % 4 == 0 ? d : 0;
      if (c.valid && !c.valid(a, b, cx, d)) continue;
      uint32_t f = uint32_t(rng()) & kArith;
      HostResult h;
      c.host(h, a, b, cx, d, f | 2);
      CpuState s = run_case(g, c.guest, a, b, cx, d, f);
      uint32_t got[4] = {s.gpr[EAX], s.gpr[EBX], s.gpr[ECX], s.gpr[EDX]};
      uint32_t want[4] = {uint32_t(h.a), uint32_t(h.b), uint32_t(h.c), uint32_t(h.d)};
      bool ok = (s.eflags & c.flag_mask) == (uint32_t(h.flags) & c.flag_mask);
      for (int r = 0; r < 4; ++r)
        if ((c.reg_mask >> r) & 1) ok = ok && got[r] == want[r];
      ++compared;
      if (!ok) {
        ++failures;
        ADD_FAILURE() << c.name << std::hex << " in: eax=" << a << " ebx=" << b << " ecx=" << cx << " edx=" << d
                      << " flags=" << f << "\n  soft: eax=" << got[0] << " ebx=" << got[1] << " ecx=" << got[2]
                      << " edx=" << got[3] << " flags=" << (s.eflags & c.flag_mask) << "\n  host: eax=" << want[0]
                      << " ebx=" << want[1] << " ecx=" << want[2] << " edx=" << want[3]
                      << " flags=" << (uint32_t(h.flags) & c.flag_mask);
      }
    }
  }
  EXPECT_GT(compared, 100000);
}

}  // namespace
}  // namespace pxos

#endif  // __x86_64__

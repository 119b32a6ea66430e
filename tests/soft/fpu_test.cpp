// Unit tests of the software engine's x87 (src/engine/soft/fpu.cpp): short
// instruction sequences run on a soft::Core in real mode (and 32-bit protected
// mode for the FNSAVE layout), checked against the SDM's rules and constants and
// against the host's C library. Code is assembled by the small helpers below:
// M(esc, reg, addr) is a memory form with a 16-bit absolute address, R(esc, modrm)
// a register form.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <array>
#include <cfenv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "engine/descriptors.h"
#include "engine/soft/exec.h"
#include "engine/soft/soft_vcpu.h"
#include "rig.h"
#include "vm/bus.h"
#include "vm/memory.h"

#if defined(__x86_64__) || defined(__i386__)

namespace pxos::soft {
namespace {

using Bytes = std::vector<uint8_t>;
Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
Bytes M(uint8_t esc, unsigned reg, uint16_t addr) {
  return {esc, uint8_t(0x06 | reg << 3), uint8_t(addr), uint8_t(addr >> 8)};
}
Bytes R(uint8_t esc, uint8_t modrm) { return {esc, modrm}; }

const Bytes kFninit = {0xDB, 0xE3};
const Bytes kFnclex = {0xDB, 0xE2};
const Bytes kFnstswAx = {0xDF, 0xE0};
const Bytes kFwait = {0x9B};
const Bytes kFld1 = {0xD9, 0xE8};
const Bytes kFldz = {0xD9, 0xEE};
const Bytes kFldpi = {0xD9, 0xEB};

F80 f80(long double v) {
  F80 r;
  std::memcpy(&r.mant, &v, 8);
  std::memcpy(&r.se, reinterpret_cast<const uint8_t*>(&v) + 8, 2);
  return r;
}
long double ld(const F80& r) {
  long double v = 0;
  std::memcpy(&v, &r.mant, 8);
  std::memcpy(reinterpret_cast<uint8_t*>(&v) + 8, &r.se, 2);
  return v;
}
const F80 kIndefinite{0xC000000000000000ull, 0xFFFF};

constexpr uint16_t IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32, SF = 64, ES = 128;
constexpr uint16_t C0 = 1 << 8, C1 = 1 << 9, C2 = 1 << 10, C3 = 1 << 14;
constexpr uint16_t kCc = C0 | C1 | C2 | C3;

// A real-mode CPU on 1 MiB of RAM: code at 0:1000, data at 0:2000, handlers at 0:3000.
struct FpuRig : testing::CoreRig {
  Fpu& f = core.cpu.fpu;

  FpuRig() : CoreRig(1u << 20) {
    CpuState s = reset_state();
    for (Segment& seg : s.seg) seg = Segment{0, 0, 0xFFFF, 0x93};
    s.seg[CS].attrib = 0x9B;
    s.gpr[ESP] = 0x8000;
    core.load_state(s);
  }
  void put80(uint32_t a, const F80& v) {
    put(a, v.mant);
    put(a + 8, v.se);
  }
  F80 get80(uint32_t a) const { return F80{get<uint64_t>(a), get<uint16_t>(a + 8)}; }
  // A real-mode interrupt handler for `vector` at 0:3000 + 40h * vector.
  void handler(uint8_t vector, const Bytes& code) {
    uint16_t at = uint16_t(0x3000 + 0x40 * vector);
    load(at, code);
    put<uint16_t>(vector * 4u, at);
    put<uint16_t>(vector * 4u + 2, 0);
  }
  // Runs `code` (HLT appended) from 0:1000 until the HLT.
  void run(Bytes code, uint32_t at = 0x1000) {
    code.push_back(0xF4);
    run_at(at, code);
  }
  // Sets the stack: st[0] is ST(0); the rest of the registers are empty.
  void stack(std::initializer_list<long double> st) {
    f.init();
    std::vector<long double> v(st);
    for (size_t k = v.size(); k-- > 0;) {
      f.set_top(f.top() - 1);
      f.st(0) = f80(v[k]);
      f.empty &= uint8_t(~(1u << f.top()));
    }
  }
  long double st(unsigned i) const { return ld(f.st(i)); }
};

// a / b as the host's C library rounds it in rounding mode `rc` (0 nearest, 1 down, 2 up, 3 chop).
long double host_div(long double a, long double b, unsigned rc) {
  static const int kModes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
  int old = std::fegetround();
  std::fesetround(kModes[rc]);
  volatile long double x = a, y = b;
  volatile long double q = x / y;
  std::fesetround(old);
  return q;
}

TEST(SoftFpu, PowerUpStateAndFninit) {
  FpuRig r;
  EXPECT_EQ(r.f.cw, 0x0040);  // SDM vol. 3 table 9-1
  EXPECT_EQ(r.f.sw, 0);
  EXPECT_EQ(r.f.tag_word(), 0x5555);
  r.put<uint16_t>(0x2000, 0xFFFF);
  r.put<uint16_t>(0x2002, 0xFFFF);
  // Linux's detection: FNINIT; FNSTSW; FNSTCW; the status word must be 0 and the control word 037Fh.
  r.run(kFninit + M(0xDD, 7, 0x2000) + M(0xD9, 7, 0x2002) + Bytes{0xB8, 0x34, 0x12} + kFnstswAx);
  EXPECT_EQ(r.get<uint16_t>(0x2000), 0);
  EXPECT_EQ(r.get<uint16_t>(0x2002), 0x037F);
  EXPECT_EQ(r.c.r[EAX] & 0xFFFF, 0u);
  EXPECT_EQ(r.f.tag_word(), 0xFFFF);
}

TEST(SoftFpu, LoadAndStoreEveryFormat) {
  FpuRig r;
  r.put<float>(0x2000, 1.5f);
  r.put<double>(0x2004, -3.141592653589793);
  r.put80(0x2010, f80(1.0L / 3));
  r.put<int16_t>(0x2020, -5);
  r.put<int32_t>(0x2022, 123456789);
  r.put<int64_t>(0x2026, INT64_MIN);
  const uint8_t bcd[10] = {0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80};  // -123456789012345678
  std::memcpy(&r.ram[0x2030], bcd, 10);
  r.run(kFninit + M(0xD9, 0, 0x2000) + M(0xDD, 0, 0x2004) + M(0xDB, 5, 0x2010) + M(0xDF, 0, 0x2020) +
        M(0xDB, 0, 0x2022) + M(0xDF, 5, 0x2026) + M(0xDF, 4, 0x2030));
  EXPECT_EQ(r.st(6), 1.5L);
  EXPECT_EQ(r.st(5), static_cast<long double>(-3.141592653589793));
  EXPECT_EQ(r.f.st(4), f80(1.0L / 3));
  EXPECT_EQ(r.st(3), -5.0L);
  EXPECT_EQ(r.st(2), 123456789.0L);
  EXPECT_EQ(r.st(1), -9223372036854775808.0L);
  EXPECT_EQ(r.st(0), -123456789012345678.0L);
  EXPECT_EQ(r.f.sw & 0x3F, 0);
  // And back, popping in reverse order.
  r.run(M(0xDF, 6, 0x2100) + M(0xDF, 7, 0x2110) + M(0xDB, 3, 0x2118) + M(0xDF, 3, 0x211C) + M(0xDB, 7, 0x2120) +
        M(0xDD, 3, 0x2130) + M(0xD9, 3, 0x2138));
  EXPECT_EQ(std::memcmp(&r.ram[0x2100], bcd, 10), 0);
  EXPECT_EQ(r.get<int64_t>(0x2110), INT64_MIN);
  EXPECT_EQ(r.get<int32_t>(0x2118), 123456789);
  EXPECT_EQ(r.get<int16_t>(0x211C), -5);
  EXPECT_EQ(r.get80(0x2120), f80(1.0L / 3));
  EXPECT_EQ(r.get<double>(0x2130), -3.141592653589793);
  EXPECT_EQ(r.get<float>(0x2138), 1.5f);
  EXPECT_EQ(r.f.tag_word(), 0xFFFF);
  EXPECT_EQ(r.f.sw & 0x3F, 0);
  // Non-popping FST/FIST and the rounding of a store: 1/3 to single is inexact.
  r.stack({1.0L / 3});
  r.run(M(0xD9, 2, 0x2200) + M(0xDD, 2, 0x2204) + M(0xDB, 2, 0x2210) + M(0xDF, 2, 0x2214));
  EXPECT_EQ(r.get<float>(0x2200), 1.0f / 3);
  EXPECT_EQ(r.get<double>(0x2204), 1.0 / 3);
  EXPECT_EQ(r.get<int32_t>(0x2210), 0);
  EXPECT_EQ(r.get<int16_t>(0x2214), 0);
  EXPECT_TRUE(r.f.sw & PE);
  EXPECT_FALSE(r.f.is_empty(0));
}

TEST(SoftFpu, IntegerAndBcdOverflowStoreTheIndefinite) {
  FpuRig r;
  r.stack({1e10L});
  r.run(M(0xDF, 2, 0x2000) + M(0xDB, 2, 0x2002));
  EXPECT_EQ(r.get<uint16_t>(0x2000), 0x8000);
  EXPECT_EQ(r.get<uint32_t>(0x2002), 0x80000000u);
  EXPECT_TRUE(r.f.sw & IE);
  r.stack({1e19L});
  r.run(M(0xDF, 6, 0x2010));
  const uint8_t indefinite[10] = {0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};
  EXPECT_EQ(std::memcmp(&r.ram[0x2010], indefinite, 10), 0);
  r.stack({std::nanl("")});
  r.run(M(0xDF, 7, 0x2020));
  EXPECT_EQ(r.get<uint64_t>(0x2020), 0x8000000000000000ull);
  // Unmasked IE: nothing is stored, nothing popped, ES set.
  r.stack({1e10L});
  r.f.cw = 0x037E;
  r.put<uint16_t>(0x2030, 0x1234);
  r.run(M(0xDF, 3, 0x2030));
  EXPECT_EQ(r.get<uint16_t>(0x2030), 0x1234);
  EXPECT_FALSE(r.f.is_empty(0));
  EXPECT_EQ(r.f.sw & (IE | ES), IE | ES);
}

TEST(SoftFpu, RoundingModes) {
  FpuRig r;
  r.put<uint16_t>(0x2000, 0);
  const long double in[2] = {2.5L, -2.5L};
  const long double want[4][2] = {{2, -2}, {2, -3}, {3, -2}, {2, -2}};  // nearest, down, up, chop
  for (unsigned rc = 0; rc < 4; ++rc) {
    for (unsigned k = 0; k < 2; ++k) {
      r.stack({in[k], in[k]});
      r.f.cw = uint16_t(0x037F | rc << 10);
      r.run(M(0xDF, 3, 0x2000) + R(0xD9, 0xFC));  // FISTP m16; FRNDINT of the copy
      EXPECT_EQ(r.st(0), want[rc][k]) << "rc " << rc;
      EXPECT_EQ(r.get<int16_t>(0x2000), int16_t(want[rc][k])) << "rc " << rc;
    }
  }
  // Division rounding under each mode, as the host rounds it.
  for (unsigned rc = 0; rc < 4; ++rc) {
    uint16_t cw = uint16_t(0x037F | rc << 10);
    r.stack({1, 3});
    r.f.cw = cw;
    r.run(R(0xD8, 0xF1));  // FDIV ST(0), ST(1)
    EXPECT_EQ(r.st(0), host_div(1, 3, rc));
    r.stack({-1, 3});
    r.f.cw = cw;
    r.run(R(0xD8, 0xF1));
    EXPECT_EQ(r.st(0), host_div(-1, 3, rc));
  }
  // Round up and round down give neighbours.
  r.stack({1, 3});
  r.f.cw = 0x0B7F;
  r.run(R(0xD8, 0xF1));
  uint64_t up = r.f.st(0).mant;
  r.stack({1, 3});
  r.f.cw = 0x077F;
  r.run(R(0xD8, 0xF1));
  EXPECT_EQ(up, r.f.st(0).mant + 1);
}

TEST(SoftFpu, PrecisionControl) {
  FpuRig r;
  const struct {
    uint16_t pc;
    uint64_t mant;
  } cases[] = {
      {0, 0xAAAAAB0000000000ull},  // 24 bits, rounded to nearest
      {2, 0xAAAAAAAAAAAAA800ull},  // 53 bits
      {3, 0xAAAAAAAAAAAAAAABull},  // 64 bits
  };
  for (auto& k : cases) {
    r.stack({1, 3});
    r.f.cw = uint16_t(0x007F | k.pc << 8);
    r.run(R(0xD8, 0xF1));
    EXPECT_EQ(r.f.st(0).mant, k.mant) << "pc " << k.pc;
    EXPECT_EQ(r.f.st(0).se, 0x3FFD);
    EXPECT_TRUE(r.f.sw & PE);
  }
  // FSQRT honours precision control too.
  r.stack({2});
  r.f.cw = 0x007F;
  r.run(R(0xD9, 0xFA));
  EXPECT_EQ(r.f.st(0).mant & 0xFFFFFFFFFFull, 0u);
}

TEST(SoftFpu, ArithmeticFormsAndOperandOrder) {
  FpuRig r;
  struct Case {
    Bytes code;
    unsigned at;  // ST index of the result after the instruction
    long double want;
    bool popped;
  };
  // ST(0) = 8, ST(1) = 2.
  const Case cases[] = {
      {R(0xD8, 0xC1), 0, 10, false}, {R(0xD8, 0xC9), 0, 16, false},   {R(0xD8, 0xE1), 0, 6, false},
      {R(0xD8, 0xE9), 0, -6, false}, {R(0xD8, 0xF1), 0, 4, false},    {R(0xD8, 0xF9), 0, 0.25, false},
      {R(0xDC, 0xC1), 1, 10, false}, {R(0xDC, 0xC9), 1, 16, false},   {R(0xDC, 0xE9), 1, -6, false},
      {R(0xDC, 0xE1), 1, 6, false},  {R(0xDC, 0xF9), 1, 0.25, false}, {R(0xDC, 0xF1), 1, 4, false},
      {R(0xDE, 0xC1), 0, 10, true},  {R(0xDE, 0xC9), 0, 16, true},    {R(0xDE, 0xE9), 0, -6, true},
      {R(0xDE, 0xE1), 0, 6, true},   {R(0xDE, 0xF9), 0, 0.25, true},  {R(0xDE, 0xF1), 0, 4, true},
  };
  for (const Case& k : cases) {
    r.stack({8, 2});
    r.run(k.code);
    EXPECT_EQ(r.st(k.at), k.want) << std::hex << int(k.code[0]) << " " << int(k.code[1]);
    EXPECT_EQ(r.f.is_empty(1), k.popped);
  }
  // Memory forms, ST(0) = 8 and the operand 2 in each format.
  r.put<float>(0x2000, 2);
  r.put<double>(0x2004, 2);
  r.put<int32_t>(0x200C, 2);
  r.put<int16_t>(0x2010, 2);
  const struct {
    uint8_t esc;
    uint16_t addr;
  } fmts[] = {{0xD8, 0x2000}, {0xDC, 0x2004}, {0xDA, 0x200C}, {0xDE, 0x2010}};
  const long double want[8] = {10, 16, 0, 0, 6, -6, 4, 0.25};
  for (auto& fm : fmts) {
    for (unsigned op : {0u, 1u, 4u, 5u, 6u, 7u}) {
      r.stack({8});
      r.run(M(fm.esc, op, fm.addr));
      EXPECT_EQ(r.st(0), want[op]) << std::hex << int(fm.esc) << " /" << op;
    }
  }
  // Division by zero, masked: infinity with ZE.
  r.stack({1, 0});
  r.run(R(0xD8, 0xF1));
  EXPECT_EQ(r.st(0), HUGE_VALL);
  EXPECT_TRUE(r.f.sw & ZE);
  // Overflow and underflow, masked.
  r.stack({1e4000L, 1e4000L});
  r.run(R(0xD8, 0xC9));
  EXPECT_EQ(r.st(0), HUGE_VALL);
  EXPECT_EQ(r.f.sw & (OE | PE), OE | PE);
  r.stack({1e-4000L, 1e-4000L});
  r.run(R(0xD8, 0xC9));
  EXPECT_EQ(r.st(0), 0.0L);
  EXPECT_EQ(r.f.sw & (UE | PE), UE | PE);
  // A denormal single operand: DE.
  r.put<uint32_t>(0x2020, 1);
  r.stack({1});
  r.run(M(0xD8, 0, 0x2020));
  EXPECT_TRUE(r.f.sw & DE);
  // A signalling NaN single: IE, and a quiet NaN comes out.
  r.put<uint32_t>(0x2024, 0x7F800001);
  r.run(kFninit + M(0xD9, 0, 0x2024));
  EXPECT_TRUE(r.f.sw & IE);
  EXPECT_TRUE(std::isnan(r.st(0)));
  EXPECT_EQ(r.f.st(0).mant >> 62, 3u);
}

TEST(SoftFpu, FpremPartialRemainder) {
  FpuRig r;
  r.stack({1e30L, 3});
  r.run(R(0xD9, 0xF8));  // one FPREM: the exponents differ by more than 63
  EXPECT_TRUE(r.f.sw & C2);
  // The loop a libm writes: FPREM until C2 clears (INC CX counts the passes).
  r.stack({1e30L, 3});
  r.c.r[ECX] = 0;
  r.run(Bytes{0x41} + R(0xD9, 0xF8) + kFnstswAx + Bytes{0x9E, 0x7A, 0xF8});
  EXPECT_GT(r.c.r[ECX] & 0xFFFF, 1u);
  EXPECT_FALSE(r.f.sw & C2);
  EXPECT_EQ(r.st(0), std::fmod(1e30L, 3.0L));
  // Quotient bits: 7 / 2 = 3 remainder 1: Q0 = C1, Q1 = C3, Q2 = C0.
  r.stack({7, 2});
  r.run(R(0xD9, 0xF8));
  EXPECT_EQ(r.st(0), 1);
  EXPECT_EQ(r.f.sw & (C0 | C1 | C3), C1 | C3);
  // FPREM1 rounds the quotient to nearest: 7 / 2 -> 4, remainder -1.
  r.stack({7, 2});
  r.run(R(0xD9, 0xF5));
  EXPECT_EQ(r.st(0), -1);
}

TEST(SoftFpu, FxamClasses) {
  FpuRig r;
  struct Case {
    F80 v;
    uint16_t cc;  // C3 C2 C0 (C1 is the sign)
  };
  const Case cases[] = {
      {f80(0.0L), C3},          {f80(-0.0L), C3 | C1},
      {F80{1, 0}, C3 | C2},  // denormal
      {f80(1.5L), C2},          {f80(-HUGE_VALL), C2 | C0 | C1},
      {f80(std::nanl("")), C0}, {F80{0x4000000000000000ull, 0x3FFF}, 0},  // unnormal: unsupported
  };
  for (const Case& k : cases) {
    r.stack({0});
    r.f.st(0) = k.v;
    r.run(R(0xD9, 0xE5));
    EXPECT_EQ(r.f.sw & kCc, k.cc) << std::hex << k.v.se << " " << k.v.mant;
  }
  r.run(kFninit + R(0xD9, 0xE5));  // empty
  EXPECT_EQ(r.f.sw & (C3 | C2 | C0), C3 | C0);
}

TEST(SoftFpu, CompareFlags) {
  FpuRig r;
  const struct {
    long double a, b;
    uint16_t cc;
  } cases[] = {{1, 2, C0}, {2, 1, 0}, {2, 2, C3}, {std::nanl(""), 1, C3 | C2 | C0}};
  for (auto& k : cases) {
    r.stack({k.a, k.b});
    r.run(R(0xD8, 0xD1));  // FCOM ST(1)
    EXPECT_EQ(r.f.sw & kCc, k.cc);
    EXPECT_EQ(bool(r.f.sw & IE), std::isnan(k.a));  // FCOM: IE on a quiet NaN
    r.stack({k.a, k.b});
    r.run(R(0xDD, 0xE1));  // FUCOM ST(1)
    EXPECT_EQ(r.f.sw & kCc, k.cc);
    EXPECT_FALSE(r.f.sw & IE);  // FUCOM: no IE on a quiet NaN
    r.stack({k.a, k.b});
    r.c.set_flags(flag::OF | flag::SF | flag::AF);
    r.run(R(0xDB, 0xF1));  // FCOMI ST(1)
    uint32_t fl = r.c.get_flags();
    EXPECT_EQ(bool(fl & flag::CF), bool(k.cc & C0));
    EXPECT_EQ(bool(fl & flag::PF), bool(k.cc & C2));
    EXPECT_EQ(bool(fl & flag::ZF), bool(k.cc & C3));
    EXPECT_EQ(fl & (flag::OF | flag::SF | flag::AF), 0u);
    r.stack({k.a, k.b});
    r.run(R(0xDF, 0xE9));  // FUCOMIP ST(1)
    EXPECT_EQ(bool(r.c.get_flags() & flag::ZF), bool(k.cc & C3));
    EXPECT_TRUE(r.f.is_empty(-1 & 7));
  }
  // FCOMPP pops both; FTST compares with zero; FICOM with an integer.
  r.stack({1, 2});
  r.run(R(0xDE, 0xD9));
  EXPECT_EQ(r.f.sw & kCc, C0);
  EXPECT_EQ(r.f.tag_word(), 0xFFFF);
  r.stack({-3});
  r.run(R(0xD9, 0xE4));
  EXPECT_EQ(r.f.sw & kCc, C0);
  r.put<int16_t>(0x2000, -3);
  r.run(M(0xDE, 2, 0x2000));
  EXPECT_EQ(r.f.sw & kCc, C3);
}

TEST(SoftFpu, Fcmov) {
  FpuRig r;
  const struct {
    Bytes code;
    uint32_t flags;
    bool moves;
  } cases[] = {
      {R(0xDA, 0xC1), flag::CF, true}, {R(0xDA, 0xC1), 0, false},        {R(0xDA, 0xC9), flag::ZF, true},
      {R(0xDA, 0xD1), flag::ZF, true}, {R(0xDA, 0xD9), flag::PF, true},  {R(0xDB, 0xC1), flag::CF, false},
      {R(0xDB, 0xC9), 0, true},        {R(0xDB, 0xD1), flag::CF, false}, {R(0xDB, 0xD9), 0, true},
  };
  for (auto& k : cases) {
    r.stack({1, 2});
    r.c.set_flags(k.flags);
    r.run(k.code);
    EXPECT_EQ(r.st(0), k.moves ? 2 : 1) << std::hex << int(k.code[1]);
  }
}

TEST(SoftFpu, StackUnderflowAndOverflow) {
  FpuRig r;
  r.run(kFninit + R(0xD8, 0xC1));  // FADD ST(0), ST(1) on an empty stack
  EXPECT_EQ(r.f.sw & (IE | SF | C1), IE | SF);
  EXPECT_FALSE(r.f.is_empty(0));
  EXPECT_EQ(r.f.st(0), kIndefinite);
  Bytes nine;
  for (int k = 0; k < 9; ++k) nine = nine + kFld1;
  r.run(kFninit + nine);
  EXPECT_EQ(r.f.sw & (IE | SF | C1), IE | SF | C1);
  EXPECT_EQ(r.f.st(0), kIndefinite);
  EXPECT_EQ(r.st(1), 1);
  // Unmasked: the stack stays as it was.
  r.stack({});
  r.f.cw = 0x037E;
  r.run(M(0xDD, 3, 0x2000));  // FSTP m64 of an empty ST(0)
  EXPECT_EQ(r.f.sw & (IE | SF | ES), IE | SF | ES);
  EXPECT_EQ(r.f.top(), 0u);
}

TEST(SoftFpu, FunctionsAndConstants) {
  FpuRig r;
  r.run(kFninit + kFldpi);
  EXPECT_EQ(r.f.st(0), (F80{0xC90FDAA22168C235ull, 0x4000}));
  r.f.cw = 0x077F;  // round down
  r.run(kFldpi);
  EXPECT_EQ(r.f.st(0), (F80{0xC90FDAA22168C234ull, 0x4000}));
  const uint8_t consts[] = {0xE8, 0xE9, 0xEA, 0xEC, 0xED, 0xEE};
  const long double cvals[] = {1, std::log2(10.0L), std::log2(std::exp(1.0L)), std::log10(2.0L), std::log(2.0L), 0};
  for (unsigned k = 0; k < 6; ++k) {
    r.run(kFninit + R(0xD9, consts[k]));
    EXPECT_NEAR(double(r.st(0)), double(cvals[k]), 1e-15);
  }
  r.stack({2});
  r.run(R(0xD9, 0xFA));
  EXPECT_EQ(r.st(0), std::sqrt(2.0L));
  r.stack({0.5L});
  r.run(R(0xD9, 0xFE));
  EXPECT_NEAR(double(r.st(0)), std::sin(0.5), 1e-15);
  r.stack({0.5L});
  r.run(R(0xD9, 0xFF));
  EXPECT_NEAR(double(r.st(0)), std::cos(0.5), 1e-15);
  r.stack({0.5L});
  r.run(R(0xD9, 0xFB));  // FSINCOS: ST(0) = cos, ST(1) = sin
  EXPECT_NEAR(double(r.st(0)), std::cos(0.5), 1e-15);
  EXPECT_NEAR(double(r.st(1)), std::sin(0.5), 1e-15);
  r.stack({0.5L});
  r.run(R(0xD9, 0xF2));  // FPTAN: pushes 1.0
  EXPECT_EQ(r.st(0), 1);
  EXPECT_NEAR(double(r.st(1)), std::tan(0.5), 1e-15);
  r.stack({0x1p64L});
  r.run(R(0xD9, 0xFE));  // out of range: C2, operand unchanged
  EXPECT_TRUE(r.f.sw & C2);
  EXPECT_EQ(r.st(0), 0x1p64L);
  r.stack({8, 3});
  r.run(R(0xD9, 0xF1));  // FYL2X: 3 * log2(8)
  EXPECT_EQ(r.st(0), 9);
  EXPECT_TRUE(r.f.is_empty(1));
  r.stack({1, 1});
  r.run(R(0xD9, 0xF3));  // FPATAN: atan(1 / 1)
  EXPECT_NEAR(double(r.st(0)), std::atan(1.0), 1e-15);
  r.stack({0.5L});
  r.run(R(0xD9, 0xF0));  // F2XM1
  EXPECT_NEAR(double(r.st(0)), std::sqrt(2.0) - 1, 1e-15);
  r.stack({1, 3});
  r.run(R(0xD9, 0xFD));  // FSCALE
  EXPECT_EQ(r.st(0), 8);
  EXPECT_EQ(r.st(1), 3);
  r.stack({10});
  r.run(R(0xD9, 0xF4));  // FXTRACT: ST(0) = significand, ST(1) = exponent
  EXPECT_EQ(r.st(0), 1.25L);
  EXPECT_EQ(r.st(1), 3);
  r.stack({0.25L, 2});
  r.run(R(0xD9, 0xF9));  // FYL2XP1: 2 * log2(1.25)
  EXPECT_NEAR(double(r.st(0)), 2 * std::log2(1.25), 1e-15);
  r.stack({-2.5L});
  r.run(R(0xD9, 0xE0) + R(0xD9, 0xC0) + R(0xD9, 0xE0));  // FCHS, FLD ST(0), FCHS
  EXPECT_EQ(r.st(0), -2.5L);
  EXPECT_EQ(r.st(1), 2.5L);
  r.run(R(0xD9, 0xE1));  // FABS
  EXPECT_EQ(r.st(0), 2.5L);
  r.stack({1, 2, 3});
  r.run(R(0xD9, 0xCA) + R(0xDD, 0xD9) + R(0xD9, 0xF7) + R(0xD9, 0xF6));  // FXCH ST(2), FSTP ST(1), FINCSTP, FDECSTP
  EXPECT_EQ(r.st(0), 3);
  EXPECT_EQ(r.st(1), 1);
  r.run(R(0xDD, 0xC1));  // FFREE ST(1)
  EXPECT_TRUE(r.f.is_empty(1));
}

TEST(SoftFpu, DeviceNotAvailable) {
  FpuRig r;
  r.handler(7, {0x0F, 0x06, 0x43, 0xCF});  // CLTS; INC BX; IRET
  r.c.cr0 |= 8;                            // TS
  r.run(kFninit + kFld1);
  EXPECT_EQ(r.c.r[EBX], 1u);
  EXPECT_EQ(r.st(0), 1);
  EXPECT_FALSE(r.c.cr0 & 8);
  // WAIT: #NM only with MP as well.
  r.c.cr0 |= 8;
  r.run(kFwait);
  EXPECT_EQ(r.c.r[EBX], 1u);
  r.c.cr0 |= 8 | 2;
  r.run(kFwait);
  EXPECT_EQ(r.c.r[EBX], 2u);
  // EM: every ESC raises #NM (the handler clears EM).
  r.handler(7, {0x43, 0x0F, 0x20, 0xC0, 0x25, 0xFB, 0xFF, 0x0F, 0x22, 0xC0, 0xCF});
  r.c.cr0 = (r.c.cr0 & ~8u) | 4;
  r.run(kFwait + kFnstswAx);
  EXPECT_EQ(r.c.r[EBX], 3u);
}

TEST(SoftFpu, UnmaskedExceptionRaisesMathFaultAtTheNextWaitingInstruction) {
  FpuRig r;
  // #MF handler: INC BX; MOV BP, SP; MOV SI, [BP]; FNCLEX; IRET
  r.handler(16, {0x43, 0x89, 0xE5, 0x8B, 0x76, 0x00, 0xDB, 0xE2, 0xCF});
  r.c.cr0 |= 0x20;  // NE
  r.put<uint16_t>(0x2000, 0x037B);
  // 1000 FNINIT, 1002 FLDCW, 1006 FLDZ, 1008 FLD1, 100A FDIV, 100C FNSTSW AX, 100E MOV DI, AX, 1010 FWAIT
  r.run(kFninit + M(0xD9, 5, 0x2000) + kFldz + kFld1 + R(0xD8, 0xF1) + kFnstswAx + Bytes{0x89, 0xC7} + kFwait);
  EXPECT_EQ(r.c.r[EBX], 1u);
  EXPECT_EQ(r.c.r[ESI] & 0xFFFF, 0x1010u);  // the FWAIT, not the FDIV
  EXPECT_EQ(r.c.r[EDI] & (ZE | ES | 0x8000), ZE | ES | 0x8000u);
  EXPECT_EQ(r.st(0), 1);  // unmasked ZE: the destination is unchanged
  EXPECT_EQ(r.f.fip, 0x100Au);
  EXPECT_EQ(r.f.fop, 0x0F1);
  EXPECT_FALSE(r.f.sw & ES);
  // The same with CR0.NE = 0: FERR# for the monitor, no #MF.
  r.c.cr0 &= ~0x20u;
  r.f.ferr = false;
  r.run(kFninit + M(0xD9, 5, 0x2000) + kFldz + kFld1 + R(0xD8, 0xF1) + kFwait + kFld1);
  EXPECT_EQ(r.c.r[EBX], 1u);
  EXPECT_TRUE(r.f.ferr);
  EXPECT_TRUE(r.f.sw & ES);
  // FLDCW unmasking a flag already set makes it pending.
  r.c.cr0 |= 0x20;
  r.run(kFninit + kFld1 + kFldz + R(0xD8, 0xF9) + M(0xD9, 5, 0x2000) + kFld1);
  EXPECT_EQ(r.c.r[EBX], 2u);
}

// FNSAVE, FNINIT's effect, FRSTOR: the state comes back whole.
void save_restore(FpuRig& r, const Bytes& prefix, const Bytes& fnsave, const Bytes& frstor, unsigned env) {
  r.stack({1.5L, -2, 1e300L});
  r.f.cw = 0x0A7F;
  r.put<float>(0x2000, 3);
  r.run(prefix + M(0xD8, 0, 0x2000));  // FADD m32 sets the pointers
  Fpu before = r.f;
  r.run(fnsave);
  EXPECT_EQ(r.f.cw, 0x037F);
  EXPECT_EQ(r.f.tag_word(), 0xFFFF);
  unsigned w = env == 28 ? 4 : 2;
  EXPECT_EQ(r.get<uint16_t>(0x2100), 0x0A7F);
  EXPECT_EQ(r.get<uint16_t>(0x2100 + w), before.sw);
  EXPECT_EQ(r.get<uint16_t>(0x2100 + 2 * w), before.tag_word());
  EXPECT_EQ(r.get80(0x2100 + env), f80(4.5L));
  EXPECT_EQ(r.get80(0x2100 + env + 20), f80(1e300L));
  r.run(frstor);
  EXPECT_EQ(r.f.cw, before.cw);
  EXPECT_EQ(r.f.sw, before.sw);
  EXPECT_EQ(r.f.empty, before.empty);
  EXPECT_EQ(r.f.fip + 16u * r.f.fcs, before.fip + 16u * before.fcs);
  EXPECT_EQ(r.f.fdp + 16u * r.f.fds, before.fdp + 16u * before.fds);
  EXPECT_EQ(r.f.fop, before.fop);
  for (unsigned k = 0; k < 8; ++k) EXPECT_EQ(r.f.reg[k], before.reg[k]) << k;
}

TEST(SoftFpu, FnsaveFrstorRealMode16And32) {
  FpuRig r;
  save_restore(r, {}, M(0xDD, 6, 0x2100), M(0xDD, 4, 0x2100), 14);
  EXPECT_EQ(r.get<uint16_t>(0x2106), 0x1000);  // FIP, linear
  EXPECT_EQ(r.get<uint16_t>(0x2108), 0x006);   // FOP (D8 /0 mod 0 rm 6)
  EXPECT_EQ(r.get<uint16_t>(0x210A), 0x2000);  // FDP
  save_restore(r, {}, Bytes{0x66} + M(0xDD, 6, 0x2100), Bytes{0x66} + M(0xDD, 4, 0x2100), 28);
  EXPECT_EQ(r.get<uint32_t>(0x210C) & 0xFFFF, 0x1000u);
  EXPECT_EQ(r.get<uint32_t>(0x2110), 0x006u);
  EXPECT_EQ(r.get<uint32_t>(0x2114) & 0xFFFF, 0x2000u);
  // FNSTENV/FLDENV: the environment alone; FNSTENV masks every exception.
  r.stack({1});
  r.f.cw = 0x0360;
  r.run(M(0xD9, 6, 0x2200));
  EXPECT_EQ(r.f.cw, 0x037F);
  EXPECT_EQ(r.get<uint16_t>(0x2200), 0x0360);
  r.run(M(0xD9, 4, 0x2200));
  EXPECT_EQ(r.f.cw, 0x0360);
}

TEST(SoftFpu, FnsaveFrstorProtectedMode32) {
  FpuRig r;
  CpuState s = r.core.save_state();
  s.cr0 |= 1;
  s.seg[CS] = x86::flat_code(0x08);
  for (int k : {int(DS), int(pxos::ES), int(SS)}) s.seg[k] = x86::flat_data(0x10);
  r.core.load_state(s);
  ASSERT_TRUE(r.c.code32);
  auto m32 = [](uint8_t esc, unsigned reg, uint32_t a) {
    return Bytes{esc, uint8_t(0x05 | reg << 3), uint8_t(a), uint8_t(a >> 8), uint8_t(a >> 16), uint8_t(a >> 24)};
  };
  r.stack({1.5L, -2});
  r.put<float>(0x2000, 3);
  r.run(m32(0xD8, 0, 0x2000));
  Fpu before = r.f;
  r.run(m32(0xDD, 6, 0x2100));
  EXPECT_EQ(r.get<uint32_t>(0x210C), 0x1000u);                 // FIP offset
  EXPECT_EQ(r.get<uint32_t>(0x2110), 0x08u | (0x005u << 16));  // FCS, FOP
  EXPECT_EQ(r.get<uint32_t>(0x2114), 0x2000u);                 // FDP
  EXPECT_EQ(r.get<uint16_t>(0x2118), 0x10u);                   // FDS
  EXPECT_EQ(r.get80(0x2100 + 28), f80(4.5L));
  r.run(m32(0xDD, 4, 0x2100));
  EXPECT_EQ(r.f.fcs, before.fcs);
  EXPECT_EQ(r.f.fip, before.fip);
  EXPECT_EQ(r.f.fds, before.fds);
  EXPECT_EQ(r.f.fop, before.fop);
  for (unsigned k = 0; k < 8; ++k) EXPECT_EQ(r.f.reg[k], before.reg[k]);
  EXPECT_EQ(r.f.sw, before.sw);
  // The 16-bit protected-mode layout: CS and DS selectors, no opcode.
  r.run(Bytes{0x66} + m32(0xD9, 6, 0x2200));
  EXPECT_EQ(r.get<uint16_t>(0x2206), 0x1000u);
  EXPECT_EQ(r.get<uint16_t>(0x2208), 0x08u);
  EXPECT_EQ(r.get<uint16_t>(0x220C), 0x10u);
}

TEST(SoftFpu, FaultOnTheOperandLeavesTheStateUnchanged) {
  FpuRig r;
  r.handler(13, {0xF4});  // #GP: stop there
  r.stack({1, 2});
  r.run(Bytes{0xD9, 0xEE} + kFld1 + R(0xD8, 0xC1));
  Fpu before = r.f;
  r.run(M(0xDD, 0, 0xFFFC));  // FLD m64 past the 64 KiB limit
  EXPECT_EQ(r.c.eip, 0x3000u + 0x40 * 13 + 1);
  EXPECT_EQ(r.f.sw, before.sw);
  EXPECT_EQ(r.f.empty, before.empty);
  EXPECT_EQ(r.f.fip, before.fip);
  EXPECT_EQ(r.f.fop, before.fop);
  r.run(M(0xDD, 6, 0xFFC0));  // FNSAVE: 94 bytes do not fit
  EXPECT_EQ(r.f.cw, before.cw);
  EXPECT_EQ(r.f.empty, before.empty);
  for (unsigned k = 0; k < 8; ++k) EXPECT_EQ(r.f.reg[k], before.reg[k]);
}

// Vcpu::fpu_state / set_fpu_state: the image the KVM engine hands to its
// software assist carries the whole x87 state.
TEST(SoftFpu, StateImageBetweenVcpus) {
  GuestMemory mem(1u << 20);
  MmioBus mmio;
  auto a = make_soft_vcpu(mem, mmio);
  auto b = make_soft_vcpu(mem, mmio);
  // FNINIT; FLDPI; FLD1; FDIV ST(0), ST(1); FSQRT; HLT
  mem.write(0x1000, std::vector<uint8_t>{0xDB, 0xE3, 0xD9, 0xEB, 0xD9, 0xE8, 0xD8, 0xF1, 0xD9, 0xFA, 0xF4});
  CpuState s = a->state();
  s.load_real_segment(CS, 0);
  s.eip = 0x1000;
  a->set_state(s);
  ASSERT_EQ(a->run().reason, ExitReason::Hlt);
  FpuImage img{}, back{};
  ASSERT_TRUE(a->fpu_state(img));
  ASSERT_TRUE(b->set_fpu_state(img));
  ASSERT_TRUE(b->fpu_state(back));
  EXPECT_EQ(img, back);
  uint16_t cw, sw, tw;
  std::memcpy(&cw, &img[0], 2);
  std::memcpy(&sw, &img[4], 2);
  std::memcpy(&tw, &img[8], 2);
  EXPECT_EQ(cw, 0x037F);
  EXPECT_EQ((sw >> 11) & 7, 6);         // two pushes
  EXPECT_EQ(tw, 0x0FFF);                // R6, R7 valid
  EXPECT_EQ(img[28 + 9] & 0x7F, 0x3F);  // ST(0) = sqrt(1/pi): exponent 3FFEh
  EXPECT_EQ(std::memcmp(&img[38], "\x35\xC2\x68\x21\xA2\xDA\x0F\xC9\x00\x40", 10), 0);  // ST(1) = pi
  uint32_t fip;
  std::memcpy(&fip, &img[12], 4);
  EXPECT_EQ(fip, 0x1008u);  // FSQRT
}

// Every register form of D8-DF on random states (random values among them
// zeros, infinities, NaNs, denormals and unsupported encodings; random empty
// registers, TOP, precision and rounding; half the time some exceptions
// unmasked, which the host's FNSAVE records without trapping): the stack,
// the tags, the status word and EFLAGS must come out as the host CPU's own
// x87 leaves them. The host runs FRSTOR; the instruction; FNSAVE.
class HostX87 {
 public:
  HostX87() {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    code_ = p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
  }
  ~HostX87() {
    if (code_) munmap(code_, 4096);
  }
  bool ok() const { return code_ != nullptr; }
  // Runs `insn` with `flags` (updated), the image updated in place (a memory
  // operand [rdi + 108] follows it).
  // False when the page cannot be made executable.
  bool run(const Bytes& insn, uint8_t* image, uint64_t& flags) {
    // push rsi; popfq; frstor [rdi]; insn; fnsave [rdi]; pushfq; pop rax; ret
    Bytes code = Bytes{0x56, 0x9D, 0xDD, 0x27} + insn + Bytes{0xDD, 0x37, 0x9C, 0x58, 0xC3};
    if (mprotect(code_, 4096, PROT_READ | PROT_WRITE) != 0) return false;
    std::memcpy(code_, code.data(), code.size());
    if (mprotect(code_, 4096, PROT_READ | PROT_EXEC) != 0) return false;
    auto fn = reinterpret_cast<uint64_t (*)(uint8_t*, uint64_t)>(code_);
    flags = fn(image, flags);
    return true;
  }

 private:
  uint8_t* code_ = nullptr;
};

F80 random_value(std::mt19937_64& rng) {
  uint64_t m = rng() | (1ull << 63);
  uint16_t sign = (rng() & 1) ? 0x8000 : 0;
  switch (rng() % 12) {
    case 0: return F80{0, sign};                                           // zero
    case 1: return F80{1ull << 63, uint16_t(sign | 0x7FFF)};               // infinity
    case 2: return F80{m | (1ull << 62), uint16_t(sign | 0x7FFF)};         // QNaN
    case 3: return F80{(m & ~(1ull << 62)) | 1, uint16_t(sign | 0x7FFF)};  // SNaN
    case 4: return F80{m >> 1, sign};                                      // denormal
    case 5: return F80{m, sign};                                           // pseudo-denormal
    case 6: return F80{m >> 1, uint16_t(sign | 0x3FFF)};                   // unnormal
    case 7: return F80{m, uint16_t(sign | (0x7FFE - rng() % 4))};          // near overflow
    case 8: return F80{m, uint16_t(sign | (1 + rng() % 4))};               // near underflow
    case 9: return f80((long double)(int64_t(rng() % 2001) - 1000));       // small integers
    default: return F80{m, uint16_t(sign | (0x3FFF - 70 + rng() % 140))};
  }
}

// The condition codes an instruction defines (the others are left undefined by the SDM).
uint16_t defined_cc(uint8_t op, uint8_t modrm) {
  unsigned reg = (modrm >> 3) & 7;
  unsigned esc = op & 7;
  bool compare = ((esc == 0 || esc == 4 || esc == 6) && (reg == 2 || reg == 3)) ||
                 (esc == 5 && (reg == 4 || reg == 5)) || (esc == 2 && modrm == 0xE9);
  if (compare) return kCc;
  // FCOMI/FUCOMI: C0 C2 C3 unchanged. C1 is "set to 0" (SDM); AMD CPUs leave it
  // as it was when IE is raised, so it is not compared with the host.
  if ((esc == 3 || esc == 7) && (reg == 5 || reg == 6)) return C0 | C2 | C3;
  if (op == 0xD9 && (modrm == 0xE4 || modrm == 0xE5 || modrm == 0xF5 || modrm == 0xF8 || modrm == 0xD0)) return kCc;
  if (op == 0xD9 && (modrm == 0xF2 || modrm == 0xFB || modrm == 0xFE || modrm == 0xFF)) return C1 | C2;
  if (op == 0xDB && modrm == 0xE3) return kCc;                                                     // FNINIT
  if (op == 0xDB && (modrm == 0xE2 || modrm == 0xE0 || modrm == 0xE1 || modrm == 0xE4)) return 0;  // FNCLEX, NOPs
  if ((op == 0xDD || op == 0xDF) && reg == 0) return 0;                                            // FFREE, FFREEP
  return C1;
}

TEST(SoftFpu, RandomRegisterFormsMatchTheHost) {
  HostX87 host;
  ASSERT_TRUE(host.ok()) << "cannot map a page for the host's code";
  // The forms the engine accepts (#UD ones are skipped): a #UD handler sets BL.
  std::vector<std::array<uint8_t, 2>> forms;
  {
    FpuRig r;
    r.handler(6, {0xB3, 0x01, 0xF4});  // MOV BL, 1; HLT
    for (unsigned op = 0xD8; op <= 0xDF; ++op)
      for (unsigned modrm = 0xC0; modrm <= 0xFF; ++modrm) {
        if (op == 0xDF && modrm == 0xE0) continue;  // FNSTSW AX: the host's AX is not compared
        r.c.r[EBX] = 0;
        r.stack({1, 2});
        r.run({uint8_t(op), uint8_t(modrm)});
        if ((r.c.r[EBX] & 0xFF) == 0) forms.push_back({uint8_t(op), uint8_t(modrm)});
      }
  }
  EXPECT_GT(forms.size(), 400u);
  std::mt19937_64 rng(12345);
  FpuRig r;
  unsigned compared = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const auto& insn = forms[rng() % forms.size()];
    // A random state, as a 32-bit FNSAVE image.
    Fpu st;
    // Half the time some exceptions unmasked (none pending: the flags set are masked ones).
    uint16_t masks = (iter & 1) ? uint16_t(rng() & 0x3F) : 0x3F;
    st.cw = uint16_t(0x0040 | masks | (std::array<uint16_t, 3>{0, 2, 3}[rng() % 3] << 8) | (rng() % 4) << 10);
    st.sw = uint16_t((rng() & masks) | (rng() & kCc));
    st.set_top(unsigned(rng() % 8));
    st.empty = uint8_t(rng() & rng());  // mostly full
    for (F80& v : st.reg) v = random_value(rng);
    uint8_t img[108], host_img[108], soft_img[108];
    st.save(img, true, false);
    std::memcpy(host_img, img, sizeof img);
    uint64_t flags_in = 0x202 | (rng() & (flag::CF | flag::PF | flag::ZF | flag::OF | flag::SF | flag::AF));
    uint64_t host_flags = flags_in;
    ASSERT_TRUE(host.run({insn[0], insn[1]}, host_img, host_flags))
        << "cannot make a page executable for the host's code";
    r.f.restore(img, true, false);
    r.c.set_flags(uint32_t(flags_in));
    r.run({insn[0], insn[1]});
    r.f.save(soft_img, true, false);
    uint16_t hs, ss, htw, stw;
    std::memcpy(&hs, host_img + 4, 2);
    std::memcpy(&ss, soft_img + 4, 2);
    std::memcpy(&htw, host_img + 8, 2);
    std::memcpy(&stw, soft_img + 8, 2);
    uint16_t mask = uint16_t(0xB8FF | defined_cc(insn[0], insn[1]));  // B, TOP, ES, SF, flags, the defined C bits
    // A compare with an unmasked IE or DE: the SDM (Intel) sets no condition
    // codes (nor FCOMI's ZF PF CF); AMD CPUs set them to unordered.
    bool fcomi = (insn[0] == 0xDB || insn[0] == 0xDF) && insn[1] >= 0xE8 && insn[1] <= 0xF7;
    bool vendor = (defined_cc(insn[0], insn[1]) == kCc || fcomi) && (hs & ~st.cw & (IE | DE));
    if (vendor) mask &= uint16_t(~(C0 | C2 | C3));
    char what[160];
    std::snprintf(what, sizeof what,
                  "%02X %02X, iteration %d: before cw %04X sw %04X tw %04X, after host tw %04X soft tw %04X", insn[0],
                  insn[1], iter, st.cw, st.sw, st.tag_word(), htw, stw);
    ASSERT_EQ(hs & mask, ss & mask) << what;
    ASSERT_EQ(htw, stw) << what;
    ASSERT_EQ(std::memcmp(host_img + 28, soft_img + 28, 80), 0) << what;
    uint32_t fl_mask = vendor ? flag::OF | flag::SF | flag::AF : 0x8D5;
    ASSERT_EQ(host_flags & fl_mask, r.c.get_flags() & fl_mask) << what;
    ++compared;
  }
  EXPECT_EQ(compared, 20000u);
}

// The memory forms (loads, stores, arithmetic and compares with every operand
// format) the same way, on random operands: also the bytes stored must match.
TEST(SoftFpu, RandomMemoryFormsMatchTheHost) {
  HostX87 host;
  ASSERT_TRUE(host.ok()) << "cannot map a page for the host's code";
  // [BX + 108] in 16-bit code, [RDI + 108] on the host: ModRM mod 01, rm 111.
  std::vector<std::array<uint8_t, 2>> forms;
  {
    FpuRig r;
    r.handler(6, {0xB3, 0x01, 0xF4});  // MOV BL, 1; HLT
    for (unsigned op = 0xD8; op <= 0xDF; ++op)
      for (unsigned reg = 0; reg < 8; ++reg) {
        bool control = (op == 0xD9 && reg >= 4) || (op == 0xDD && reg >= 4);  // environment, CW, SW
        if (control) continue;
        r.c.r[EBX] = 0x2000;
        r.stack({1, 2});
        r.run({uint8_t(op), uint8_t(0x47 | reg << 3), 108});
        if ((r.c.r[EBX] & 0xFF) != 1) forms.push_back({uint8_t(op), uint8_t(0x47 | reg << 3)});
      }
  }
  EXPECT_EQ(forms.size(), 64u - 8 - 6);  // all but the 8 control forms and 6 reserved ones
  std::mt19937_64 rng(98765);
  FpuRig r;
  for (int iter = 0; iter < 20000; ++iter) {
    const auto& insn = forms[rng() % forms.size()];
    Fpu st;
    // Half the time some exceptions unmasked (none pending: the flags set are masked ones).
    uint16_t masks = (iter & 1) ? uint16_t(rng() & 0x3F) : 0x3F;
    st.cw = uint16_t(0x0040 | masks | (std::array<uint16_t, 3>{0, 2, 3}[rng() % 3] << 8) | (rng() % 4) << 10);
    st.sw = uint16_t((rng() & masks) | (rng() & kCc));
    st.set_top(unsigned(rng() % 8));
    st.empty = uint8_t(rng() & rng());
    for (F80& v : st.reg) v = random_value(rng);
    // The operand: a value in one of the formats, or random bits.
    uint8_t data[16];
    for (auto& b : data) b = uint8_t(rng());
    F80 v = random_value(rng);
    switch (rng() % 6) {
      case 0: std::memcpy(data, &v.mant, 8), std::memcpy(data + 8, &v.se, 2); break;
      case 1: {
        float x = float(ld(v));
        std::memcpy(data, &x, 4);
        break;
      }
      case 2: {
        double x = double(ld(v));
        std::memcpy(data, &x, 8);
        break;
      }
      case 3: {
        int64_t x = int64_t(rng() % 200001) - 100000;
        std::memcpy(data, &x, 8);
        break;
      }
      case 4:
        for (int k = 0; k < 9; ++k) data[k] = uint8_t((rng() % 10) << 4 | rng() % 10);
        break;
      default: break;
    }
    uint8_t img[124], host_img[124], soft_img[108];
    st.save(img, true, false);
    std::memcpy(img + 108, data, 16);
    std::memcpy(host_img, img, sizeof img);
    uint64_t flags_in = 0x202 | (rng() & (flag::CF | flag::PF | flag::ZF | flag::OF | flag::SF | flag::AF));
    uint64_t host_flags = flags_in;
    ASSERT_TRUE(host.run({insn[0], insn[1], 108}, host_img, host_flags))
        << "cannot make a page executable for the host's code";
    r.f.restore(img, true, false);
    std::memcpy(&r.ram[0x2000 + 108], data, 16);
    r.c.set_flags(uint32_t(flags_in));
    r.c.r[EBX] = 0x2000;
    r.run({insn[0], insn[1], 108});
    r.f.save(soft_img, true, false);
    uint16_t hs, ss, htw, stw;
    std::memcpy(&hs, host_img + 4, 2);
    std::memcpy(&ss, soft_img + 4, 2);
    std::memcpy(&htw, host_img + 8, 2);
    std::memcpy(&stw, soft_img + 8, 2);
    unsigned reg = (insn[1] >> 3) & 7;
    bool compare = (insn[0] % 2 == 0) && (reg == 2 || reg == 3);
    uint16_t mask = uint16_t(0xB8FF | (compare ? kCc : C1));
    if (compare && (hs & ~st.cw & (IE | DE))) mask &= uint16_t(~kCc);  // see RandomRegisterFormsMatchTheHost
    char what[160];
    std::snprintf(what, sizeof what, "%02X /%u, iteration %d: before cw %04X sw %04X tw %04X, operand %02X%02X%02X%02X",
                  insn[0], reg, iter, st.cw, st.sw, st.tag_word(), data[3], data[2], data[1], data[0]);
    ASSERT_EQ(hs & mask, ss & mask) << what;
    ASSERT_EQ(htw, stw) << what;
    ASSERT_EQ(std::memcmp(host_img + 28, soft_img + 28, 80), 0) << what;
    ASSERT_EQ(std::memcmp(host_img + 108, &r.ram[0x2000 + 108], 16), 0) << what;
    ASSERT_EQ(host_flags & 0x8D5, r.c.get_flags() & 0x8D5) << what;
  }
}

}  // namespace
}  // namespace pxos::soft

#else
TEST(SoftFpu, NeedsAnX86Host) { GTEST_SKIP() << "the soft engine's x87 runs on the host's x87"; }
#endif

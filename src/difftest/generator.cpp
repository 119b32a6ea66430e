// The generator of random ring-3 instruction sequences (see program.h).
//
// Every instruction records which status flags it reads, which it defines
// and which it leaves undefined (Intel SDM vol. 2, each instruction's
// "Flags Affected"). An instruction that would read an undefined flag gets a
// CMP in front that defines all six; the flags still undefined at the end
// are not compared.
#include <cstdio>
#include <iterator>
#include <random>
#include <stdexcept>

#include "difftest/program.h"

namespace pxos::difftest {
namespace {

constexpr uint32_t CF = 0x001, PF = 0x004, AF = 0x010, ZF = 0x040, SF = 0x080, OF = 0x800;
constexpr uint32_t ALL = kStatusFlags;

// The flags each condition code (the low nibble of Jcc/SETcc/CMOVcc) reads.
constexpr uint32_t kCondReads[16] = {OF, OF, CF, CF, ZF,      ZF,      CF | ZF,      CF | ZF,
                                     SF, SF, PF, PF, SF | OF, SF | OF, ZF | SF | OF, ZF | SF | OF};
const char* const kCondName[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                   "s", "ns", "p", "np", "l", "ge", "le", "g"};

// Registers that generated code may write (ESP is the stack, EBP the data pointer).
constexpr int kSafe[6] = {0, 1, 2, 3, 6, 7};

struct Insn {
  std::vector<uint8_t> b;
  std::string text;
  uint32_t reads = 0;      // flags read
  uint32_t defines = 0;    // flags written with defined values
  uint32_t undefines = 0;  // flags left undefined
  int push = 0;            // dwords pushed (negative: popped)
};

// A memory operand (or a register, when reg >= 0).
struct Operand {
  int reg = -1;
  int mod = 0, rm = 0;
  bool sib = false;
  uint8_t sib_byte = 0;
  int disp_size = 0;  // 0, 1 or 4
  uint32_t disp = 0;
  std::string text;
};

class Gen {
 public:
  Gen(uint64_t seed, uint64_t excluded) : rng_(seed), excluded_(excluded) {}

  Program run(int length);

 private:
  uint32_t rnd(uint32_t n) { return uint32_t(rng_() % n); }
  bool chance(int percent) { return rnd(100) < uint32_t(percent); }
  int safe_reg() { return kSafe[rnd(6)]; }
  int size() { return (int[]){8, 16, 32, 32}[rnd(4)]; }

  static void u32(std::vector<uint8_t>& b, uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
  }
  static void imm(std::vector<uint8_t>& b, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b.push_back(uint8_t(v >> (8 * i)));
  }
  static const char* reg_name(int r, int sz) {
    static const char* const n8[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    static const char* const n16[8] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    static const char* const n32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    return sz == 8 ? n8[r] : sz == 16 ? n16[r] : n32[r];
  }

  // A memory operand inside the checked area; `setup` gets any instruction
  // that must run first (masking an index register).
  Operand mem(Insn& setup);
  Operand reg_operand(int r, int sz) {
    Operand o;
    o.reg = r;
    o.mod = 3;
    o.rm = r;
    o.text = reg_name(r, sz);
    return o;
  }
  // A destination: a writable register or memory.
  Operand dest(Insn& in, int sz) {
    if (chance(40)) return mem(in);
    return reg_operand(sz == 8 ? int(rnd(8)) : safe_reg(), sz);
  }
  Operand source(Insn& in, int sz) {
    if (chance(35)) return mem(in);
    return reg_operand(int(rnd(8)), sz);
  }
  static void modrm(std::vector<uint8_t>& b, const Operand& o, int regfield) {
    b.push_back(uint8_t(o.mod << 6 | (regfield & 7) << 3 | o.rm));
    if (o.sib) b.push_back(o.sib_byte);
    if (o.disp_size == 1) b.push_back(uint8_t(o.disp));
    if (o.disp_size == 4) u32(b, o.disp);
  }
  static void osize(std::vector<uint8_t>& b, int sz) {
    if (sz == 16) b.push_back(0x66);
  }
  // The prefixes of an instruction whose operands are chosen: the segment
  // override that mem() picked, if any, then the operand size.
  void pre(std::vector<uint8_t>& b, int sz) {
    flush_segment(b);
    osize(b, sz);
  }
  void flush_segment(std::vector<uint8_t>& b) {
    if (segment_) b.push_back(segment_);
    segment_ = 0;
  }
  // "and r32, imm32" (defines SF ZF PF, clears CF OF, AF undefined).
  static void and_imm(Insn& in, int r, uint32_t v) {
    in.b.push_back(0x81);
    in.b.push_back(uint8_t(0xE0 | r));
    u32(in.b, v);
    in.defines |= CF | OF | SF | ZF | PF;
    in.undefines |= AF;
  }
  static void or_imm(Insn& in, int r, uint32_t v, int sz) {
    osize(in.b, sz);
    in.b.push_back(sz == 8 ? 0x80 : 0x81);
    in.b.push_back(uint8_t(0xC8 | r));
    imm(in.b, v, sz / 8);
    in.defines |= CF | OF | SF | ZF | PF;
    in.undefines |= AF;
  }
  static void mov_imm32(Insn& in, int r, uint32_t v) {
    in.b.push_back(uint8_t(0xB8 + r));
    u32(in.b, v);
  }
  static void settle(uint32_t& undef, const Insn& in) { undef = (undef & ~in.defines) | in.undefines; }

  Insn alu();
  Insn incdec();
  Insn unary();
  Insn test();
  Insn mul();
  Insn div();
  Insn shift();
  Insn shiftd();
  Insn bt();
  Insn bitscan();
  Insn cmov();
  Insn setcc();
  Insn xadd_cmpxchg();
  Insn cmpxchg8b();
  Insn bswap();
  Insn xchg();
  Insn mov();
  Insn movx();
  Insn lea();
  Insn push_pop(int depth);
  Insn flags_ops();
  Insn convert();
  Insn string_op();
  Insn bcd();
  Insn misc();
  Insn nopl();
  Insn any(int depth, bool stack_ok);
  Insn ending();

  std::mt19937_64 rng_;
  uint64_t excluded_;
  uint8_t segment_ = 0;  // a segment override for the next instruction
};

Operand Gen::mem(Insn& setup) {
  Operand o;
  char t[64];
  switch (rnd(6)) {
    case 0:  // [ebp + disp8]
      o.mod = 1, o.rm = 5, o.disp_size = 1, o.disp = rnd(0x78);
      std::snprintf(t, sizeof t, "[ebp+%#x]", o.disp);
      break;
    case 1:  // [ebp + disp32]
      o.mod = 2, o.rm = 5, o.disp_size = 4, o.disp = rnd(0xF00);
      std::snprintf(t, sizeof t, "[ebp+%#x]", o.disp);
      break;
    case 2:  // [disp32]
      o.mod = 0, o.rm = 5, o.disp_size = 4, o.disp = kDataBase + rnd(0xF00);
      std::snprintf(t, sizeof t, "[%#x]", o.disp);
      break;
    case 3: {  // [ebp + index*scale + disp8], index masked first
      int idx = safe_reg(), scale = int(rnd(4));
      and_imm(setup, idx, 0x3F);
      o.mod = 1, o.rm = 4, o.sib = true, o.sib_byte = uint8_t(scale << 6 | idx << 3 | 5);
      o.disp_size = 1, o.disp = rnd(0x78);
      std::snprintf(t, sizeof t, "[ebp+%s*%d+%#x]", reg_name(idx, 32), 1 << scale, o.disp);
      break;
    }
    case 4:  // [esp + disp8]
      o.mod = 1, o.rm = 4, o.sib = true, o.sib_byte = 0x24, o.disp_size = 1, o.disp = rnd(0x78);
      std::snprintf(t, sizeof t, "[esp+%#x]", o.disp);
      break;
    default: {  // [index*scale + disp32]
      int idx = safe_reg(), scale = int(rnd(4));
      and_imm(setup, idx, 0x3F);
      o.mod = 0, o.rm = 4, o.sib = true, o.sib_byte = uint8_t(scale << 6 | idx << 3 | 5);
      o.disp_size = 4, o.disp = kDataBase + rnd(0xE00);
      std::snprintf(t, sizeof t, "[%s*%d+%#x]", reg_name(idx, 32), 1 << scale, o.disp);
      break;
    }
  }
  o.text = t;
  if (chance(15)) {  // a segment override (all flat; not CS: writes through it fault)
    static const uint8_t prefixes[5] = {0x26, 0x36, 0x3E, 0x64, 0x65};
    static const char* const names[5] = {"es:", "ss:", "ds:", "fs:", "gs:"};
    int k = int(rnd(5));
    segment_ = prefixes[k];
    o.text = names[k] + o.text;
  }
  return o;
}

Insn Gen::alu() {
  static const char* const names[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
  Insn in;
  int op = int(rnd(8)), sz = size();
  bool mem_dest = false;
  std::vector<uint8_t> b;
  char t[96];
  osize(b, sz);
  int w = sz == 8 ? 0 : 1;
  switch (rnd(4)) {
    case 0: {  // rm, reg
      Operand d = dest(in, sz);
      mem_dest = d.reg < 0;
      int s = int(rnd(8));
      b.push_back(uint8_t(op * 8 + w));
      modrm(b, d, s);
      std::snprintf(t, sizeof t, "%s %s, %s", names[op], d.text.c_str(), reg_name(s, sz));
      break;
    }
    case 1: {  // reg, rm
      int d = sz == 8 ? int(rnd(8)) : safe_reg();
      Operand s = source(in, sz);
      b.push_back(uint8_t(op * 8 + 2 + w));
      modrm(b, s, d);
      std::snprintf(t, sizeof t, "%s %s, %s", names[op], reg_name(d, sz), s.text.c_str());
      break;
    }
    case 2: {  // accumulator, imm
      uint32_t v = uint32_t(rng_());
      b.push_back(uint8_t(op * 8 + 4 + w));
      imm(b, v, sz / 8);
      std::snprintf(t, sizeof t, "%s %s, imm", names[op], reg_name(0, sz));
      break;
    }
    default: {  // rm, imm (80/81/83)
      Operand d = dest(in, sz);
      mem_dest = d.reg < 0;
      uint32_t v = uint32_t(rng_());
      bool imm8 = sz != 8 && chance(50);
      b.push_back(sz == 8 ? 0x80 : imm8 ? 0x83 : 0x81);
      modrm(b, d, op);
      imm(b, v, sz == 8 || imm8 ? 1 : sz / 8);
      std::snprintf(t, sizeof t, "%s %s, imm%s", names[op], d.text.c_str(), imm8 ? "8" : "");
      break;
    }
  }
  if (segment_) b.insert(b.begin(), segment_), segment_ = 0;
  bool lock = mem_dest && op != 7 && chance(15);  // LOCK: a memory destination, not CMP
  if (lock) b.insert(b.begin(), 0xF0);
  in.b.insert(in.b.end(), b.begin(), b.end());
  in.text = std::string(lock ? "lock " : "") + t;
  in.reads |= (op == 2 || op == 3) ? CF : 0;
  if (op == 1 || op == 4 || op == 6) {
    in.defines = CF | OF | SF | ZF | PF;
    in.undefines = AF;
  } else {
    in.defines = ALL;
    in.undefines = 0;
  }
  return in;
}

Insn Gen::incdec() {
  Insn in;
  int sz = size(), op = int(rnd(2));
  char t[64];
  if (sz != 8 && chance(40)) {
    int r = safe_reg();
    pre(in.b, sz);
    in.b.push_back(uint8_t(0x40 + op * 8 + r));
    std::snprintf(t, sizeof t, "%s %s", op ? "dec" : "inc", reg_name(r, sz));
  } else {
    Operand d = dest(in, sz);
    pre(in.b, sz);
    in.b.push_back(sz == 8 ? 0xFE : 0xFF);
    modrm(in.b, d, op);
    std::snprintf(t, sizeof t, "%s %s", op ? "dec" : "inc", d.text.c_str());
  }
  in.text = t;
  in.defines = ALL & ~CF;
  return in;
}

Insn Gen::unary() {
  Insn in;
  int sz = size(), neg = int(rnd(2));
  Operand d = dest(in, sz);
  pre(in.b, sz);
  in.b.push_back(sz == 8 ? 0xF6 : 0xF7);
  modrm(in.b, d, 2 + neg);
  in.text = std::string(neg ? "neg " : "not ") + d.text;
  if (neg) in.defines = ALL;
  return in;
}

Insn Gen::test() {
  Insn in;
  int sz = size(), w = sz == 8 ? 0 : 1;
  char t[64];
  switch (rnd(3)) {
    case 0: {
      Operand d = source(in, sz);
      int s = int(rnd(8));
      pre(in.b, sz);
      in.b.push_back(uint8_t(0x84 + w));
      modrm(in.b, d, s);
      std::snprintf(t, sizeof t, "test %s, %s", d.text.c_str(), reg_name(s, sz));
      break;
    }
    case 1:
      pre(in.b, sz);
      in.b.push_back(uint8_t(0xA8 + w));
      imm(in.b, uint32_t(rng_()), sz / 8);
      std::snprintf(t, sizeof t, "test %s, imm", reg_name(0, sz));
      break;
    default: {
      Operand d = source(in, sz);
      pre(in.b, sz);
      in.b.push_back(uint8_t(0xF6 + w));
      modrm(in.b, d, 0);
      imm(in.b, uint32_t(rng_()), sz / 8);
      std::snprintf(t, sizeof t, "test %s, imm", d.text.c_str());
      break;
    }
  }
  in.text = t;
  in.defines = CF | OF | SF | ZF | PF;
  in.undefines = AF;
  return in;
}

Insn Gen::mul() {
  Insn in;
  char t[64];
  switch (rnd(3)) {
    case 0: {  // MUL/IMUL r/m (one operand)
      int sz = size(), op = 4 + int(rnd(2));
      Operand s = source(in, sz);
      pre(in.b, sz);
      in.b.push_back(sz == 8 ? 0xF6 : 0xF7);
      modrm(in.b, s, op);
      std::snprintf(t, sizeof t, "%s %s (%d)", op == 4 ? "mul" : "imul", s.text.c_str(), sz);
      break;
    }
    case 1: {  // IMUL r, r/m
      int sz = chance(50) ? 16 : 32, d = safe_reg();
      Operand s = source(in, sz);
      pre(in.b, sz);
      in.b.push_back(0x0F);
      in.b.push_back(0xAF);
      modrm(in.b, s, d);
      std::snprintf(t, sizeof t, "imul %s, %s", reg_name(d, sz), s.text.c_str());
      break;
    }
    default: {  // IMUL r, r/m, imm
      int sz = chance(50) ? 16 : 32, d = safe_reg();
      bool imm8 = chance(50);
      Operand s = source(in, sz);
      pre(in.b, sz);
      in.b.push_back(imm8 ? 0x6B : 0x69);
      modrm(in.b, s, d);
      imm(in.b, uint32_t(rng_()), imm8 ? 1 : sz / 8);
      std::snprintf(t, sizeof t, "imul %s, %s, imm%s", reg_name(d, sz), s.text.c_str(), imm8 ? "8" : "");
      break;
    }
  }
  in.text = t;
  in.defines = CF | OF;
  in.undefines = SF | ZF | AF | PF;
  return in;
}

Insn Gen::div() {
  Insn in;
  int sz = size(), sign = int(rnd(2));
  char t[64];
  if (sz == 8) {
    static const int d8[4] = {1, 3, 5, 7};  // CL BL CH BH
    int d = d8[rnd(4)];
    in.b.insert(in.b.end(), {0x0F, uint8_t(sign ? 0xBE : 0xB6), 0xC0});  // movzx/movsx eax, al
    or_imm(in, d, 1, 8);
    if (sign) in.b.insert(in.b.end(), {0x80, uint8_t(0xE0 | d), 0x7F});  // and r8, 7Fh
    in.b.insert(in.b.end(), {0xF6, uint8_t(0xF0 | sign << 3 | d)});
    std::snprintf(t, sizeof t, "%s %s", sign ? "idiv" : "div", reg_name(d, 8));
  } else {
    static const int dr[4] = {1, 3, 6, 7};  // ECX EBX ESI EDI
    int d = dr[rnd(4)];
    if (sign) {
      pre(in.b, sz);
      in.b.push_back(0x99);  // cwd/cdq
    } else {
      in.b.insert(in.b.end(), {0x31, 0xD2});  // xor edx, edx
    }
    or_imm(in, d, 1, sz);
    if (sign) {
      pre(in.b, sz);
      in.b.insert(in.b.end(), {0x81, uint8_t(0xE0 | d)});
      imm(in.b, sz == 16 ? 0x7FFF : 0x7FFFFFFF, sz / 8);
    }
    pre(in.b, sz);
    in.b.insert(in.b.end(), {0xF7, uint8_t(0xF0 | sign << 3 | d)});
    std::snprintf(t, sizeof t, "%s %s", sign ? "idiv" : "div", reg_name(d, sz));
  }
  in.text = t;
  in.defines = 0;
  in.undefines = ALL;
  return in;
}

Insn Gen::shift() {
  static const char* const names[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
  Insn in;
  int sz = size(), op = int(rnd(7));
  if (op == 6) op = 7;
  int how = int(rnd(3));  // 0: by 1, 1: imm8, 2: CL
  uint32_t count = how == 0 ? 1 : chance(80) ? rnd(33) : rnd(256);
  if (how == 2) in.b.insert(in.b.end(), {0xB1, uint8_t(count)});  // mov cl, count
  Operand d = dest(in, sz);
  if (d.reg == 1 && sz == 8 && how == 2) d = reg_operand(3, 8);  // not CL itself
  pre(in.b, sz);
  int w = sz == 8 ? 0 : 1;
  in.b.push_back(uint8_t((how == 0 ? 0xD0 : how == 1 ? 0xC0 : 0xD2) + w));
  modrm(in.b, d, op);
  if (how == 1) in.b.push_back(uint8_t(count));
  char t[64];
  std::snprintf(t, sizeof t, "%s %s, %u%s", names[op], d.text.c_str(), count, how == 2 ? " (cl)" : "");
  in.text = t;
  uint32_t mc = count & 31;
  if (mc == 0) return in;
  if (op <= 3) {  // rotates
    in.reads = op >= 2 ? CF : 0;
    in.defines = CF | (mc == 1 ? OF : 0);
    in.undefines = mc == 1 ? 0 : OF;
  } else {
    in.defines = CF | SF | ZF | PF | (mc == 1 ? OF : 0);
    in.undefines = AF | (mc == 1 ? 0 : OF);
    if (op != 7 && mc >= uint32_t(sz)) {  // SHL/SHR: CF undefined
      in.defines &= ~CF;
      in.undefines |= CF;
    }
  }
  return in;
}

Insn Gen::shiftd() {
  Insn in;
  int sz = chance(70) ? 32 : 16, right = int(rnd(2)), by_cl = int(rnd(2));
  uint32_t count = sz == 16 ? rnd(16) : rnd(32);
  if (by_cl) in.b.insert(in.b.end(), {0xB1, uint8_t(count)});
  Operand d = dest(in, sz);
  int s = safe_reg();
  pre(in.b, sz);
  in.b.push_back(0x0F);
  in.b.push_back(uint8_t((right ? 0xAC : 0xA4) + by_cl));
  modrm(in.b, d, s);
  if (!by_cl) in.b.push_back(uint8_t(count));
  char t[64];
  std::snprintf(t, sizeof t, "%s %s, %s, %u", right ? "shrd" : "shld", d.text.c_str(), reg_name(s, sz), count);
  in.text = t;
  if (count == 0) return in;
  in.defines = CF | SF | ZF | PF | (count == 1 ? OF : 0);
  in.undefines = AF | (count == 1 ? 0 : OF);
  return in;
}

Insn Gen::bt() {
  static const char* const names[4] = {"bt", "bts", "btr", "btc"};
  Insn in;
  int sz = chance(50) ? 16 : 32, op = int(rnd(4));
  char t[64];
  if (chance(50)) {  // bit offset in a register
    int s = safe_reg();
    Operand d = dest(in, sz);
    if (d.reg < 0) and_imm(in, s, 0xFF);  // memory: keep the offset near
    if (d.reg == s) d = reg_operand(s == 0 ? 3 : 0, sz);
    pre(in.b, sz);
    in.b.insert(in.b.end(), {0x0F, uint8_t(0xA3 + op * 8)});
    modrm(in.b, d, s);
    std::snprintf(t, sizeof t, "%s %s, %s", names[op], d.text.c_str(), reg_name(s, sz));
  } else {
    Operand d = dest(in, sz);
    pre(in.b, sz);
    in.b.insert(in.b.end(), {0x0F, 0xBA});
    modrm(in.b, d, 4 + op);
    uint8_t bit = uint8_t(rnd(256));
    in.b.push_back(bit);
    std::snprintf(t, sizeof t, "%s %s, %u", names[op], d.text.c_str(), bit);
  }
  in.text = t;
  in.defines = CF;
  in.undefines = OF | SF | AF | PF;
  return in;
}

Insn Gen::bitscan() {
  Insn in;
  int sz = chance(50) ? 16 : 32, rev = int(rnd(2)), d = safe_reg();
  Operand s = source(in, sz);
  uint32_t bit = 1u << rnd(uint32_t(sz));
  if (s.reg >= 0) {
    if (s.reg == 4 || s.reg == 5) s = reg_operand(safe_reg(), sz);
    or_imm(in, s.reg, bit, sz);
  } else {  // or [mem], bit
    pre(in.b, sz);
    in.b.push_back(0x81);
    modrm(in.b, s, 1);
    imm(in.b, bit, sz / 8);
  }
  pre(in.b, sz);
  in.b.insert(in.b.end(), {0x0F, uint8_t(0xBC + rev)});
  modrm(in.b, s, d);
  in.text = std::string(rev ? "bsr " : "bsf ") + reg_name(d, sz) + ", " + s.text;
  in.defines = ZF;
  in.undefines = CF | OF | SF | AF | PF;
  return in;
}

Insn Gen::cmov() {
  Insn in;
  int sz = chance(30) ? 16 : 32, cc = int(rnd(16)), d = safe_reg();
  Operand s = source(in, sz);
  pre(in.b, sz);
  in.b.insert(in.b.end(), {0x0F, uint8_t(0x40 + cc)});
  modrm(in.b, s, d);
  in.text = std::string("cmov") + kCondName[cc] + " " + reg_name(d, sz) + ", " + s.text;
  in.reads = kCondReads[cc];
  return in;
}

Insn Gen::setcc() {
  Insn in;
  int cc = int(rnd(16));
  Operand d = dest(in, 8);
  flush_segment(in.b);
  in.b.insert(in.b.end(), {0x0F, uint8_t(0x90 + cc)});
  modrm(in.b, d, 0);
  in.text = std::string("set") + kCondName[cc] + " " + d.text;
  in.reads = kCondReads[cc];
  return in;
}

Insn Gen::xadd_cmpxchg() {
  Insn in;
  int sz = size(), x = int(rnd(2)), s = sz == 8 ? int(rnd(8)) : safe_reg();
  Operand d = dest(in, sz);
  bool lock = d.reg < 0 && chance(30);
  if (lock) in.b.push_back(0xF0);
  pre(in.b, sz);
  in.b.insert(in.b.end(), {0x0F, uint8_t((x ? 0xC0 : 0xB0) + (sz == 8 ? 0 : 1))});
  modrm(in.b, d, s);
  in.text = std::string(lock ? "lock " : "") + (x ? "xadd " : "cmpxchg ") + d.text + ", " + reg_name(s, sz);
  in.defines = ALL;
  return in;
}

Insn Gen::cmpxchg8b() {
  Insn in;
  Operand m = mem(in);
  flush_segment(in.b);
  in.b.insert(in.b.end(), {0x0F, 0xC7});
  modrm(in.b, m, 1);
  in.text = "cmpxchg8b " + m.text;
  in.defines = ZF;
  return in;
}

Insn Gen::bswap() {
  Insn in;
  int r = safe_reg();
  in.b.insert(in.b.end(), {0x0F, uint8_t(0xC8 + r)});
  in.text = std::string("bswap ") + reg_name(r, 32);
  return in;
}

Insn Gen::xchg() {
  Insn in;
  int sz = size();
  if (sz != 8 && chance(30)) {
    int r = safe_reg();
    pre(in.b, sz);
    in.b.push_back(uint8_t(0x90 + r));
    in.text = std::string("xchg ") + reg_name(0, sz) + ", " + reg_name(r, sz);
    return in;
  }
  int s = sz == 8 ? int(rnd(8)) : safe_reg();
  Operand d = dest(in, sz);
  pre(in.b, sz);
  in.b.push_back(sz == 8 ? 0x86 : 0x87);
  modrm(in.b, d, s);
  in.text = "xchg " + d.text + ", " + reg_name(s, sz);
  return in;
}

Insn Gen::mov() {
  Insn in;
  int sz = size(), w = sz == 8 ? 0 : 1;
  switch (rnd(4)) {
    case 0: {
      Operand d = dest(in, sz);
      int s = int(rnd(8));
      pre(in.b, sz);
      in.b.push_back(uint8_t(0x88 + w));
      modrm(in.b, d, s);
      in.text = "mov " + d.text + ", " + reg_name(s, sz);
      break;
    }
    case 1: {
      int d = sz == 8 ? int(rnd(8)) : safe_reg();
      Operand s = source(in, sz);
      pre(in.b, sz);
      in.b.push_back(uint8_t(0x8A + w));
      modrm(in.b, s, d);
      in.text = std::string("mov ") + reg_name(d, sz) + ", " + s.text;
      break;
    }
    case 2: {
      int d = sz == 8 ? int(rnd(8)) : safe_reg();
      pre(in.b, sz);
      in.b.push_back(uint8_t((sz == 8 ? 0xB0 : 0xB8) + d));
      imm(in.b, uint32_t(rng_()), sz / 8);
      in.text = std::string("mov ") + reg_name(d, sz) + ", imm";
      break;
    }
    default: {
      Operand d = dest(in, sz);
      pre(in.b, sz);
      in.b.push_back(uint8_t(0xC6 + w));
      modrm(in.b, d, 0);
      imm(in.b, uint32_t(rng_()), sz / 8);
      in.text = "mov " + d.text + ", imm";
      break;
    }
  }
  return in;
}

Insn Gen::movx() {
  Insn in;
  int sign = int(rnd(2)), from16 = int(rnd(2)), sz = chance(30) ? 16 : 32, d = safe_reg();
  if (sz == 16) from16 = 0;
  Operand s = source(in, from16 ? 16 : 8);
  pre(in.b, sz);
  in.b.insert(in.b.end(), {0x0F, uint8_t((sign ? 0xBE : 0xB6) + from16)});
  modrm(in.b, s, d);
  in.text = std::string(sign ? "movsx " : "movzx ") + reg_name(d, sz) + ", " + s.text;
  return in;
}

// LEA never touches memory: any base, index and displacement will do.
Insn Gen::lea() {
  Insn in;
  int sz = chance(20) ? 16 : 32, d = safe_reg();
  pre(in.b, sz);
  in.b.push_back(0x8D);
  int mod = int(rnd(3)), base = int(rnd(8)), index = int(rnd(8)), scale = int(rnd(4));
  bool use_sib = chance(60);
  uint32_t disp = uint32_t(rng_());
  if (use_sib) {
    in.b.push_back(uint8_t(mod << 6 | d << 3 | 4));
    in.b.push_back(uint8_t(scale << 6 | index << 3 | base));
    if (mod == 0 && base == 5) imm(in.b, disp, 4);
  } else {
    if (base == 4) base = 0;
    in.b.push_back(uint8_t(mod << 6 | d << 3 | base));
    if (mod == 0 && base == 5) imm(in.b, disp, 4);
  }
  if (mod == 1) imm(in.b, disp, 1);
  if (mod == 2) imm(in.b, disp, 4);
  char t[80];
  std::snprintf(t, sizeof t, "lea %s, mod %d base %s index %s*%d", reg_name(d, sz), mod, reg_name(base, 32),
                use_sib && index != 4 ? reg_name(index, 32) : "-", 1 << scale);
  in.text = t;
  return in;
}

Insn Gen::push_pop(int depth) {
  Insn in;
  bool pop = depth > 0 && (depth > 60 || chance(45));
  int sz = chance(15) ? 16 : 32;
  int words = sz == 16 ? 1 : 2;  // in halves of a dword, rounded below
  pre(in.b, sz);
  if (!pop) {
    switch (rnd(4)) {
      case 0: {
        int r = int(rnd(8));
        in.b.push_back(uint8_t(0x50 + r));
        in.text = std::string("push ") + reg_name(r, sz);
        break;
      }
      case 1:
        in.b.push_back(0x6A);
        in.b.push_back(uint8_t(rnd(256)));
        in.text = "push imm8";
        break;
      case 2:
        in.b.push_back(0x68);
        imm(in.b, uint32_t(rng_()), sz / 8);
        in.text = "push imm";
        break;
      default: {
        Insn setup;
        Operand m = mem(setup);
        if (!setup.b.empty()) {  // keep it simple: no index setup in a push
          m.mod = 1, m.rm = 5, m.sib = false, m.disp_size = 1, m.disp = rnd(0x78);
          m.text = "[ebp+disp8]";
        }
        flush_segment(in.b);
        in.b.push_back(0xFF);
        modrm(in.b, m, 6);
        in.text = "push " + m.text;
        break;
      }
    }
    in.push = words;
  } else {
    if (chance(70)) {
      int r = safe_reg();
      in.b.push_back(uint8_t(0x58 + r));
      in.text = std::string("pop ") + reg_name(r, sz);
    } else {
      Operand m;
      m.mod = 1, m.rm = 5, m.disp_size = 1, m.disp = rnd(0x78);
      if (chance(30)) m.rm = 4, m.sib = true, m.sib_byte = 0x24;  // [esp+disp8]: ESP after the pop
      in.b.push_back(0x8F);
      modrm(in.b, m, 0);
      in.text = m.rm == 4 ? "pop [esp+disp8]" : "pop [ebp+disp8]";
    }
    in.push = -words;
  }
  return in;
}

Insn Gen::flags_ops() {
  Insn in;
  switch (rnd(9)) {
    case 0: in.b = {0xF8}, in.text = "clc", in.defines = CF; break;
    case 1: in.b = {0xF9}, in.text = "stc", in.defines = CF; break;
    case 2: in.b = {0xF5}, in.text = "cmc", in.reads = CF, in.defines = CF; break;
    case 3: in.b = {0xFC}, in.text = "cld"; break;
    case 4: in.b = {0xFD}, in.text = "std"; break;
    case 5: in.b = {0x9F}, in.text = "lahf", in.reads = SF | ZF | AF | PF | CF; break;
    case 6: in.b = {0x9E}, in.text = "sahf", in.defines = SF | ZF | AF | PF | CF; break;
    case 7:  // pushfd; pop reg
      in.b = {0x9C, uint8_t(0x58 + safe_reg())}, in.text = "pushfd; pop r", in.reads = ALL;
      break;
    default: {  // push imm; popfd: status flags and DF
      in.b = {0x68};
      imm(in.b, (uint32_t(rng_()) & (ALL | 0x400)) | 2, 4);
      in.b.push_back(0x9D);
      in.text = "push imm; popfd";
      in.defines = ALL;
      break;
    }
  }
  return in;
}

Insn Gen::convert() {
  Insn in;
  int sz = chance(50) ? 16 : 32, op = int(rnd(2));
  pre(in.b, sz);
  in.b.push_back(uint8_t(0x98 + op));
  in.text = op ? (sz == 16 ? "cwd" : "cdq") : (sz == 16 ? "cbw" : "cwde");
  return in;
}

Insn Gen::string_op() {
  static const char* const names[8] = {"?", "?", "movs", "cmps", "?", "stos", "lods", "scas"};
  Insn in;
  int kind = (int[]){2, 3, 5, 6, 7}[rnd(5)];
  int sz = size(), w = sz == 8 ? 0 : 1;
  uint32_t count = rnd(9);
  bool down = chance(30);
  in.b.push_back(down ? 0xFD : 0xFC);
  mov_imm32(in, 6, kDataBase + 0x100 + rnd(0x700));  // esi
  mov_imm32(in, 7, kDataBase + 0x100 + rnd(0x700));  // edi
  mov_imm32(in, 1, count);                           // ecx
  int rep = int(rnd(3));                             // 0: none, 1: REP/REPE, 2: REPNE
  if (rep == 2 && kind != 3 && kind != 7) rep = 1;
  if (rep) in.b.push_back(rep == 1 ? 0xF3 : 0xF2);
  pre(in.b, sz);
  in.b.push_back(uint8_t(0xA0 + kind * 2 + w));
  char t[64];
  std::snprintf(t, sizeof t, "%s%s%d (ecx %u, %s)",
                rep == 1   ? "rep "
                : rep == 2 ? "repne "
                           : "",
                names[kind], sz, count, down ? "std" : "cld");
  in.text = t;
  if ((kind == 3 || kind == 7) && (!rep || count)) in.defines = ALL;
  return in;
}

Insn Gen::bcd() {
  Insn in;
  switch (rnd(6)) {
    case 0: in.b = {0x27}, in.text = "daa"; break;
    case 1: in.b = {0x2F}, in.text = "das"; break;
    case 2: in.b = {0x37}, in.text = "aaa"; break;
    case 3: in.b = {0x3F}, in.text = "aas"; break;
    case 4: in.b = {0xD4, uint8_t(1 + rnd(255))}, in.text = "aam imm"; break;
    default: in.b = {0xD5, uint8_t(rnd(256))}, in.text = "aad imm"; break;
  }
  uint8_t op = in.b[0];
  if (op == 0x27 || op == 0x2F) {
    in.reads = CF | AF;
    in.defines = CF | AF | SF | ZF | PF;
    in.undefines = OF;
  } else if (op == 0x37 || op == 0x3F) {
    in.reads = AF;
    in.defines = AF | CF;
    in.undefines = OF | SF | ZF | PF;
  } else {
    in.defines = SF | ZF | PF;
    in.undefines = OF | AF | CF;
  }
  return in;
}

Insn Gen::misc() {
  Insn in;
  switch (rnd(3)) {
    case 0: {  // call next; pop r: EIP into a register
      in.b = {0xE8, 0, 0, 0, 0, uint8_t(0x58 + safe_reg())};
      in.text = "call $+5; pop r";
      break;
    }
    case 1: {  // xlat with EBX pointing into the data page
      mov_imm32(in, 3, kDataBase + rnd(0xE00));
      in.b.push_back(0xD7);
      in.text = "xlat";
      break;
    }
    default: {  // mov r32, sreg (ES CS SS DS: FS and GS differ in a host process)
      int r = safe_reg(), s = int(rnd(4));
      in.b = {0x8C, uint8_t(0xC0 | s << 3 | r)};
      in.text = "mov r32, sreg";
      break;
    }
  }
  return in;
}

// NOP r/m32 (0F 1F /0): the P6's multi-byte NOP.
Insn Gen::nopl() {
  Insn in;
  Operand m = mem(in);
  flush_segment(in.b);
  in.b.insert(in.b.end(), {0x0F, 0x1F});
  modrm(in.b, m, 0);
  in.text = "nop " + m.text;
  return in;
}

// The instruction classes, with their weights and names (for --exclude).
struct ClassInfo {
  const char* name;
  int weight;
  bool uses_stack;
};
constexpr ClassInfo kClasses[] = {
    {"alu", 4, false},  {"incdec", 1, false},  {"unary", 1, false},   {"test", 1, false},      {"mul", 1, false},
    {"div", 1, false},  {"shift", 2, false},   {"shiftd", 1, false},  {"bt", 1, false},        {"bitscan", 1, false},
    {"cmov", 1, false}, {"setcc", 1, false},   {"xadd", 1, false},    {"cmpxchg8b", 1, false}, {"bswap", 1, false},
    {"xchg", 1, false}, {"mov", 1, false},     {"movx", 1, false},    {"lea", 1, false},       {"stack", 1, true},
    {"flags", 1, true}, {"string", 1, false},  {"convert", 1, false}, {"bcd", 1, false},       {"misc", 1, true},
    {"nopl", 1, false}, {"badlock", 0, false},
};

// "badlock" (weight 0) is no instruction class: it lets programs end with
// LOCK on a register destination (#UD).
constexpr uint64_t kBadLock = 1ull << (std::size(kClasses) - 1);

Insn Gen::any(int depth, bool stack_ok) {
  segment_ = 0;
  int total = 0;
  for (const ClassInfo& c : kClasses) total += c.weight;
  for (;;) {
    int pick = int(rnd(uint32_t(total))), k = 0;
    while (pick >= kClasses[k].weight) pick -= kClasses[k++].weight;
    if (excluded_ & (1ull << k)) continue;
    if (kClasses[k].uses_stack && !stack_ok) continue;
    switch (k) {
      case 0: return alu();
      case 1: return incdec();
      case 2: return unary();
      case 3: return test();
      case 4: return mul();
      case 5: return div();
      case 6: return shift();
      case 7: return shiftd();
      case 8: return bt();
      case 9: return bitscan();
      case 10: return cmov();
      case 11: return setcc();
      case 12: return xadd_cmpxchg();
      case 13: return cmpxchg8b();
      case 14: return bswap();
      case 15: return xchg();
      case 16: return mov();
      case 17: return movx();
      case 18: return lea();
      case 19: return push_pop(depth);
      case 20: return flags_ops();
      case 21: return string_op();
      case 22: return convert();
      case 23: return bcd();
      case 24: return misc();
      default: return nopl();
    }
  }
}

// The last chunk of some programs: an exception both engines must raise.
Insn Gen::ending() {
  Insn in;
  switch (rnd(4)) {
    case 0: {  // #DE
      int d = (int[]){1, 3, 6, 7}[rnd(4)];
      in.b = {uint8_t(0x31), uint8_t(0xC0 | d << 3 | d), 0xF7, uint8_t(0xF0 | d)};
      in.text = "div by zero (#DE)";
      break;
    }
    case 1:
      if (chance(50) || (excluded_ & kBadLock))
        in.b = {0x0F, 0x0B}, in.text = "ud2 (#UD)";
      else
        in.b = {0xF0, 0x01, 0xD8}, in.text = "lock add eax, ebx (#UD)";
      break;
    case 2: in.b = {0xFA}, in.text = "cli at CPL 3 (#GP)"; break;
    default:  // mov ds, a selector past the GDT limit: #GP(selector)
      in.b = {0x66, 0xB8, 0x3B, 0x00, 0x8E, 0xD8};
      in.text = "mov ds, 3Bh (#GP(38h))";
      break;
  }
  in.undefines = 0;
  return in;
}

Program Gen::run(int length) {
  Program p;
  uint32_t undef = 0;  // the initial flags are known
  int depth = 0;
  // Puts a CMP that defines all six status flags in front of `in`.
  auto define_all = [&](Insn& in) {
    in.b.insert(in.b.begin(), {0x39, uint8_t(0xC0 | rnd(8) << 3 | rnd(8))});
    in.text = "cmp; " + in.text;
  };
  for (int k = 0; k < length; ++k) {
    Chunk c;
    if (chance(8)) {  // a Jcc over an instruction
      int cc = int(rnd(16));
      Insn j;
      j.reads = kCondReads[cc];
      if (j.reads & undef) {
        define_all(j);
        undef = 0;
      }
      Insn skipped = any(depth, false);
      if (skipped.reads & undef) define_all(skipped);  // runs only with the skipped part
      if (chance(30)) {
        j.b.insert(j.b.end(), {0x0F, uint8_t(0x80 + cc)});
        imm(j.b, uint32_t(skipped.b.size()), 4);
      } else {
        j.b.insert(j.b.end(), {uint8_t(0x70 + cc), uint8_t(skipped.b.size())});
      }
      c.bytes = j.b;
      c.bytes.insert(c.bytes.end(), skipped.b.begin(), skipped.b.end());
      c.text = std::string("j") + kCondName[cc] + " over {" + skipped.text + "}";
      undef |= skipped.undefines;  // ran or not: what either path leaves undefined
    } else {
      Insn in = any(depth, true);
      if (in.reads & undef) {
        define_all(in);
        undef = 0;
      }
      settle(undef, in);
      depth += in.push;
      c.bytes = in.b;
      c.text = in.text;
    }
    p.chunks.push_back(std::move(c));
    p.undefined_after.push_back(undef);
  }
  if (chance(15)) {
    Insn e = ending();
    p.chunks.push_back({e.b, e.text});
    p.undefined_after.push_back(undef);
  }
  return p;
}

}  // namespace

std::vector<uint8_t> Program::code(size_t n) const {
  std::vector<uint8_t> out;
  for (size_t k = 0; k < n && k < chunks.size(); ++k)
    out.insert(out.end(), chunks[k].bytes.begin(), chunks[k].bytes.end());
  out.push_back(0xF4);  // HLT at CPL 3: #GP(0), the end of the run
  return out;
}

Program generate(uint64_t seed, int length, uint64_t excluded) { return Gen(seed, excluded).run(length); }

uint64_t class_mask(const std::string& names) {
  uint64_t m = 0;
  size_t start = 0;
  while (start <= names.size()) {
    size_t end = names.find(',', start);
    if (end == std::string::npos) end = names.size();
    std::string one = names.substr(start, end - start);
    bool found = false;
    for (size_t k = 0; k < std::size(kClasses); ++k)
      if (one == kClasses[k].name) m |= 1ull << k, found = true;
    if (!found && !one.empty()) throw std::invalid_argument("unknown instruction class " + one);
    start = end + 1;
  }
  return m;
}

std::string class_names() {
  std::string s;
  for (const ClassInfo& c : kClasses) s += std::string(s.empty() ? "" : ",") + c.name;
  return s;
}

}  // namespace pxos::difftest

// A small x86-64 assembler: the handful of instruction forms the translator
// (translate.cpp) emits, encoded by the Intel SDM's rules (REX, ModRM, SIB,
// disp8/disp32). Memory operands are [base + disp] or [base + index*scale + disp]
// with 64-bit registers.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/soft/ops.h"

namespace pxos::soft::jit {

enum Reg : uint8_t { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

// Host condition codes, numbered as in Jcc/SETcc/CMOVcc (the guest's are the same).
enum Cond : uint8_t { O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G };

struct Mem {
  Reg base;
  int32_t disp = 0;
  int8_t index = -1;  // a Reg, or -1: none
  uint8_t scale = 0;  // log2
};

// A forward jump to be patched when its target is known.
struct Label {
  std::vector<size_t> uses;  // offsets of rel32 fields
  long at = -1;
};

class X64 {
 public:
  std::vector<uint8_t> code;

  size_t size() const { return code.size(); }
  void byte(uint8_t b) { code.push_back(b); }
  void u32(uint32_t v) {
    uint8_t b[4];
    std::memcpy(b, &v, 4);
    code.insert(code.end(), b, b + 4);
  }
  void u64(uint64_t v) {
    uint8_t b[8];
    std::memcpy(b, &v, 8);
    code.insert(code.end(), b, b + 8);
  }

  // ---- encodings ------------------------------------------------------------------
  // REX prefix (emitted when any bit is needed, or `force` for byte registers SPL..DIL).
  void rex(bool w, unsigned reg, unsigned index, unsigned base, bool force = false) {
    uint8_t r = uint8_t(0x40 | (w ? 8 : 0) | ((reg >> 3) << 2) | ((index >> 3) << 1) | (base >> 3));
    if (r != 0x40 || force) byte(r);
  }
  // Opcode bytes, then ModRM (+SIB, disp) for a memory operand.
  void op_mem(std::initializer_list<uint8_t> opc, unsigned reg, Mem m, bool w = false, bool byte_reg = false) {
    rex(w, reg, m.index < 0 ? 0 : unsigned(m.index), m.base, byte_reg && reg >= 4);
    for (uint8_t o : opc) byte(o);
    unsigned mod = m.disp == 0 && (m.base & 7) != 5 ? 0 : (m.disp >= -128 && m.disp <= 127) ? 1 : 2;
    if (m.index < 0 && (m.base & 7) != 4) {
      byte(uint8_t(mod << 6 | (reg & 7) << 3 | (m.base & 7)));
    } else if (m.index < 0) {  // base RSP or R12: a SIB byte without index
      byte(uint8_t(mod << 6 | (reg & 7) << 3 | 4));
      byte(uint8_t(0x24));
    } else {
      byte(uint8_t(mod << 6 | (reg & 7) << 3 | 4));
      byte(uint8_t(m.scale << 6 | (m.index & 7) << 3 | (m.base & 7)));
    }
    if (mod == 1) byte(uint8_t(int8_t(m.disp)));
    if (mod == 2) u32(uint32_t(m.disp));
  }
  // Opcode bytes, then ModRM for two registers (reg field, r/m field).
  void op_rr(std::initializer_list<uint8_t> opc, unsigned reg, unsigned rm, bool w = false, bool byte_regs = false) {
    rex(w, reg, 0, rm, byte_regs && ((reg & 0xC) == 4 || (rm & 0xC) == 4));
    for (uint8_t o : opc) byte(o);
    byte(uint8_t(0xC0 | (reg & 7) << 3 | (rm & 7)));
  }

  // ---- instructions ----------------------------------------------------------------
  void mov_load(Reg r, Mem m) { op_mem({0x8B}, r, m); }  // mov r32, [m]
  void mov_load64(Reg r, Mem m) { op_mem({0x8B}, r, m, true); }
  void mov_store(Mem m, Reg r) { op_mem({0x89}, r, m); }  // mov [m], r32
  void mov_store64(Mem m, Reg r) { op_mem({0x89}, r, m, true); }
  void cmp8_imm(Mem m, uint8_t v) {  // cmp byte [m], imm8
    op_mem({0x80}, unsigned(AluOp::Cmp), m);
    byte(v);
  }
  void mov_store8(Mem m, Reg r) { op_mem({0x88}, r, m, false, true); }
  void mov_store16(Mem m, Reg r) {
    byte(0x66);
    op_mem({0x89}, r, m);
  }
  void mov_store16_imm(Mem m, uint16_t v) {
    byte(0x66);
    op_mem({0xC7}, 0, m);
    byte(uint8_t(v));
    byte(uint8_t(v >> 8));
  }
  void mov_store_imm(Mem m, uint32_t v) {
    op_mem({0xC7}, 0, m);
    u32(v);
  }
  void mov_store8_imm(Mem m, uint8_t v) {
    op_mem({0xC6}, 0, m);
    byte(v);
  }
  void movzx8_load(Reg r, Mem m) { op_mem({0x0F, 0xB6}, r, m); }
  void movzx16_load(Reg r, Mem m) { op_mem({0x0F, 0xB7}, r, m); }
  void movsx8_load(Reg r, Mem m) { op_mem({0x0F, 0xBE}, r, m); }
  void movsx16_load(Reg r, Mem m) { op_mem({0x0F, 0xBF}, r, m); }
  void mov_rr(Reg d, Reg s) { op_rr({0x89}, s, d); }
  void mov_rr16(Reg d, Reg s) {  // the low 16 bits of d only
    byte(0x66);
    op_rr({0x89}, s, d);
  }
  void mov_rr8(Reg d, Reg s) { op_rr({0x88}, s, d, false, true); }  // the low byte of d only
  void setcc_r(Cond c, Reg d) { op_rr({0x0F, uint8_t(0x90 | c)}, 0, d, false, true); }
  void push(Reg r) {
    rex(false, 0, 0, r);
    byte(uint8_t(0x50 | (r & 7)));
  }
  void pop(Reg r) {
    rex(false, 0, 0, r);
    byte(uint8_t(0x58 | (r & 7)));
  }
  void mov_ri(Reg d, uint32_t v) {
    rex(false, 0, 0, d);
    byte(uint8_t(0xB8 | (d & 7)));
    u32(v);
  }
  void mov_ri64(Reg d, uint64_t v) {
    rex(true, 0, 0, d);
    byte(uint8_t(0xB8 | (d & 7)));
    u64(v);
  }
  void lea(Reg d, Mem m) { op_mem({0x8D}, d, m); }  // 32-bit result
  void lea64(Reg d, Mem m) { op_mem({0x8D}, d, m, true); }
  // The eight ALU operations: op d, s (01+8*op /r), op d, [m] (03+8*op /r), op d, imm (83 or 81 /op).
  void alu_rr(AluOp op, Reg d, Reg s, bool w = false) { op_rr({uint8_t(unsigned(op) << 3 | 1)}, s, d, w); }
  void alu_rm(AluOp op, Reg d, Mem m, bool w = false) { op_mem({uint8_t(unsigned(op) << 3 | 3)}, d, m, w); }
  void alu_ri(AluOp op, Reg d, uint32_t v, bool w = false) {
    if (int32_t(v) >= -128 && int32_t(v) <= 127) {
      op_rr({0x83}, unsigned(op), d, w);
      byte(uint8_t(v));
    } else {
      op_rr({0x81}, unsigned(op), d, w);
      u32(v);
    }
  }
  void alu_mi(AluOp op, Mem m, uint32_t v) {  // op dword [m], imm32
    op_mem({0x81}, unsigned(op), m);
    u32(v);
  }
  void alu_mi64(AluOp op, Mem m, uint32_t v) {  // op qword [m], imm32 (sign-extended)
    op_mem({0x81}, unsigned(op), m, true);
    u32(v);
  }
  void test_rr(Reg a, Reg b, bool w = false) { op_rr({0x85}, b, a, w); }
  void shift_ri(ShiftOp op, Reg d, uint8_t n) {  // C1 /op ib
    op_rr({0xC1}, unsigned(op), d);
    byte(n);
  }
  void shift_cl(ShiftOp op, Reg d) { op_rr({0xD3}, unsigned(op), d); }  // D3 /op: by CL
  void shift_cl_s(ShiftOp op, Reg d, unsigned size) {                   // D2/D3 /op at a width
    if (size == 2) byte(0x66);
    op_rr({uint8_t(size == 1 ? 0xD2 : 0xD3)}, unsigned(op), d, false, size == 1);
  }
  void imul_rr(Reg d, Reg s) { op_rr({0x0F, 0xAF}, d, s); }
  void imul_rri(Reg d, Reg s, uint32_t v) {
    op_rr({0x69}, d, s);
    u32(v);
  }
  void movzx8_rr(Reg d, Reg s) { op_rr({0x0F, 0xB6}, d, s, false, true); }
  void movzx16_rr(Reg d, Reg s) { op_rr({0x0F, 0xB7}, d, s); }
  void movsx8_rr(Reg d, Reg s) { op_rr({0x0F, 0xBE}, d, s, false, true); }
  void movsx16_rr(Reg d, Reg s) { op_rr({0x0F, 0xBF}, d, s); }
  void setcc_mem(Cond c, Mem m) { op_mem({0x0F, uint8_t(0x90 | c)}, 0, m); }
  void cmov_rr(Cond c, Reg d, Reg s) { op_rr({0x0F, uint8_t(0x40 | c)}, d, s); }
  void jmp_mem(Mem m) { op_mem({0xFF}, 4, m); }  // jmp qword [m]
  void jmp_reg(Reg r) {
    rex(false, 0, 0, r);
    byte(0xFF);
    byte(uint8_t(0xE0 | (r & 7)));
  }

  // Sized register forms (1, 2 or 4 bytes): 66h for words; byte forms name the low byte of
  // each register (REX where that is SPL..DIL).
  void alu_rr_s(AluOp op, Reg d, Reg s, unsigned size) {
    if (size == 2) byte(0x66);
    op_rr({uint8_t(unsigned(op) << 3 | (size == 1 ? 0 : 1))}, s, d, false, size == 1);
  }
  void alu_ri_s(AluOp op, Reg d, uint32_t v, unsigned size) {
    if (size == 4) return alu_ri(op, d, v);
    if (size == 2) byte(0x66);
    op_rr({uint8_t(size == 1 ? 0x80 : 0x83)}, unsigned(op), d, false, size == 1);
    byte(uint8_t(v));  // 83: sign-extended imm8, callers pass -1 or 1
  }
  void test_rr_s(Reg a, Reg b, unsigned size) {
    if (size == 2) byte(0x66);
    op_rr({uint8_t(size == 1 ? 0x84 : 0x85)}, b, a, false, size == 1);
  }
  void shift_ri_s(ShiftOp op, Reg d, uint8_t n, unsigned size) {
    if (size == 2) byte(0x66);
    op_rr({uint8_t(size == 1 ? 0xC0 : 0xC1)}, unsigned(op), d, false, size == 1);
    byte(n);
  }
  // d = s zero-extended from its low `size` bytes.
  void zext(Reg d, Reg s, unsigned size) {
    if (size == 4) return mov_rr(d, s);
    op_rr({0x0F, uint8_t(size == 1 ? 0xB6 : 0xB7)}, d, s, false, size == 1);
  }

  // Sized moves (1, 2 or 4 bytes): a load zero-extends into the 32-bit register.
  void load(Reg r, Mem m, unsigned size) {
    if (size == 1) return movzx8_load(r, m);
    if (size == 2) return movzx16_load(r, m);
    mov_load(r, m);
  }
  void store(Mem m, Reg r, unsigned size) {
    if (size == 1) return mov_store8(m, r);
    if (size == 2) return mov_store16(m, r);
    mov_store(m, r);
  }
  void store_imm(Mem m, uint32_t v, unsigned size) {
    if (size == 1) return mov_store8_imm(m, uint8_t(v));
    if (size == 2) return mov_store16_imm(m, uint16_t(v));
    mov_store_imm(m, v);
  }

  // Jumps to labels (rel32, patched by bind()).
  void jcc(Cond c, Label& l) {
    byte(0x0F);
    byte(uint8_t(0x80 | c));
    ref(l);
  }
  void jmp(Label& l) {
    byte(0xE9);
    ref(l);
  }
  void bind(Label& l) {
    l.at = long(code.size());
    for (size_t u : l.uses) patch(u, l.at);
    l.uses.clear();
  }

 private:
  void ref(Label& l) {
    size_t at = code.size();
    u32(0);
    if (l.at >= 0)
      patch(at, l.at);
    else
      l.uses.push_back(at);
  }
  void patch(size_t field, long target) {
    int32_t rel = int32_t(target - long(field + 4));
    std::memcpy(&code[field], &rel, 4);
  }
};

}  // namespace pxos::soft::jit

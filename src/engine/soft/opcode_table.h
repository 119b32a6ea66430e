// The opcode table (opcodes.inc) as compile-time data: for each opcode (0x100 | byte
// for 0F xx) what the decoder reads (format, ends_block, lock) and what the block
// builder's passes read (kind, operands, width, op): specialize.cpp and jit/forms.cpp
// derive their answers from these columns instead of from opcode numbers. The
// handlers, the table's third column, are in decode.cpp's own table.
#pragma once

#include <array>
#include <cstdint>

#include "engine/soft/cpu.h"
#include "engine/soft/ops.h"

namespace pxos::soft {

// The bytes after the opcode (opcodes.inc's header says what each means).
enum class Format : uint8_t { N, M, MIb, MIz, Ib, Iz, Iw, IwIb, Ap, Ob, Jb, Jz, GRP3, Prefix, Undefined };

// What an instruction is, for the passes that specialise or translate it.
enum class Kind : uint8_t {
  Plain,   // neither pass looks at it
  Alu,     // ADD..CMP, the operation in the op column (00-3F)
  Group1,  // ADD..CMP r/m, imm, the operation in ModRM.reg (80-83)
  Test,
  Mov,
  Movzx,
  Movsx,
  Lea,
  Imul,   // IMUL with two or three operands
  Shift,  // group 2: the operation in ModRM.reg
  Inc,
  Dec,
  Push,
  Pop,
  Jcc,  // the condition in the opcode's low four bits, as for Cmov and Setcc
  Cmov,
  Setcc,
  Jmp,  // near, relative
  Call,
  Ret,        // near
  Loop,       // LOOP (E2; LOOPE/LOOPNE also read ZF and stay Plain)
  Jcxz,       // JCXZ/JECXZ
  MovOffset,  // MOV AL/eAX, moffs and back (A0-A3)
  Group3,     // F6/F7: TEST/NOT/NEG/MUL/IMUL/DIV/IDIV by ModRM.reg
  Group4,     // FE: INC/DEC r/m8 by ModRM.reg
  Lods,
  Stos,
  Group5,  // FF: INC/DEC r/m (/0 /1) and the transfers and PUSH, by ModRM.reg
};

// The operands, in the opcode map's letters.
enum class Operands : uint8_t {
  None,
  EG,   // r/m, reg
  GE,   // reg, r/m
  EI,   // r/m, imm
  GEI,  // reg, r/m, imm
  E1,   // r/m, 1
  ECL,  // r/m, CL
  E,    // r/m
  AI,   // AL/eAX, imm
  R,    // the register in the opcode's low three bits
  RI,   // that register, imm
  I,    // imm
  J,    // a relative target
};

// The operand size: byte, word, or word/dword by the operand-size attribute.
enum class Width : uint8_t { B, W, V };

struct OpInfo {
  Format format = Format::Undefined;
  uint16_t ends_block = 0;  // 1: always; ends_for(...): for those ModRM.reg values
  Kind kind = Kind::Plain;
  Operands operands = Operands::None;
  Width width = Width::V;
  uint8_t lock = 0;  // bit n: LOCK allowed when ModRM.reg is n and the operand is in memory
  AluOp op = AluOp::Add;

  unsigned bytes(bool op32) const { return width == Width::B ? 1 : width == Width::W ? 2 : op32 ? 4 : 2; }
};

namespace opcode_table {

// The lock column's values.
inline constexpr uint8_t kAnyReg = 0xFF;
template <class... N>
constexpr uint8_t regs(N... n) {
  return uint8_t(((1u << n) | ...));
}
constexpr uint8_t all_regs_but(int n) { return uint8_t(~(1u << n)); }
// The ends_block column's value for an opcode that ends its block only with some ModRM.reg values.
template <class... N>
constexpr uint16_t ends_for(N... n) {
  return uint16_t(0x100 | regs(n...));
}

constexpr std::array<OpInfo, 512> build() {
  using enum Format;
  using enum Kind;
  using enum Operands;
  using enum Width;
  using enum AluOp;
  std::array<OpInfo, 512> t{};
#define X(opcode, format, handler, ends, ...) t[opcode] = OpInfo{format, ends, __VA_ARGS__};
#include "engine/soft/opcodes.inc"
#undef X
  for (int p : {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}) t[p].format = Prefix;
  return t;
}

}  // namespace opcode_table

inline constexpr std::array<OpInfo, 512> kOpcodes = opcode_table::build();

// The table's line for a decoded instruction.
inline const OpInfo& op_info(const Insn& i) { return kOpcodes[i.map << 8 | i.op]; }

}  // namespace pxos::soft

// The forms the translator compiles (Insn::jit): which form an instruction has
// (classify, from its line of the opcode table and its decoded operands), and what
// each form reads from and leaves in the lazy flags, what memory it uses. The run
// finder (translate.cpp) and the emitter (emit.cpp) both go by these. A form covers
// every operand size the instruction has (8, 16 or 32 bits: operand_size()), and
// 16-bit addresses as well as 32-bit ones.
#pragma once

#include <cstdint>

#include "engine/soft/cpu.h"
#include "engine/soft/ops.h"

namespace pxos::soft::jit {

// The forms (Insn::jit). The ALU forms carry the operation (AluOp) in their low 3 bits.
enum Form : uint8_t {
  kNone = 0,
  kMovRR_EG,     // 88/89 /r, register: rm = reg
  kMovRR_GE,     // 8A/8B /r, register: reg = rm
  kMovRI,        // B0+r ib, B8+r iw/id
  kMovLoad,      // 8A/8B /r, memory
  kMovStore,     // 88/89 /r, memory
  kMovStoreImm,  // C6/C7 /0, memory
  kLea,          // 8D /r
  kTestRR,       // 84/85 /r, register
  kTestRI,       // A8/A9 (AL/eAX, imm)
  kImulRR,       // 0F AF, register (32-bit)
  kImulRM,       // 0F AF, memory (32-bit)
  kImulRRI,      // 69/6B, register (32-bit)
  kImulRMI,      // 69/6B, memory (32-bit)
  kShiftImm,     // C0/C1 /4 /5 /6 /7 (SHL SHR SAL SAR), register, count below the operand's width
  kShift1,       // D0/D1 /4 /5 /6 /7, register
  kShiftCL,      // D2/D3 /4 /5 /6 /7, register (a count of 0 or past the width: the interpreter)
  kMovzx8RR,     // 32-bit destination
  kMovzx16RR,
  kMovsx8RR,
  kMovsx16RR,
  kMovzx8Load,
  kMovzx16Load,
  kMovsx8Load,
  kMovsx16Load,
  kPush,            // 50+r
  kPop,             // 58+r
  kSetcc,           // 0F 9x, register
  kCmovRR,          // 0F 4x, register
  kCmovRM,          // 0F 4x, memory
  kJcc,             // 7x / 0F 8x: the block's last instruction
  kJmpRel,          // EB / E9: the block's last instruction
  kCallRel,         // E8: the block's last instruction
  kRet,             // C3: the block's last instruction
  kLoop,            // E2 (count in CX or ECX by the address size): the block's last instruction
  kJcxz,            // E3: the block's last instruction
  kIncR,            // 40+r
  kDecR,            // 48+r
  kCmpMR,           // 38/39 /r, memory
  kCmpMI,           // 80/81/83 /7, memory
  kTestEI,          // F6/F7 /0 /1: TEST r/m, imm (register or memory)
  kNot,             // F6/F7 /2 (register or memory)
  kNeg,             // F6/F7 /3 (register or memory)
  kIncDecE,         // FE/FF /0 /1: INC/DEC r/m (register or memory)
  kLods,            // AC/AD without REP
  kStos,            // AA/AB without REP
  kAluEG = 0x40,    // + op: 00/01/08/09/... (E = E op G), register
  kAluGE = 0x48,    // + op: 02/03/0A/0B/... (G = G op E), register
  kAluEI = 0x50,    // + op: 80/81/83 and 04/05/0C/0D/... (rm = 0), register
  kAluLoad = 0x58,  // + op: 02/03/0A/0B/..., memory
  kAluMR = 0x60,    // + op: 00/01/08/09/... with a memory destination (not CMP)
  kAluMI = 0x68,    // + op: 80/81/83 with a memory destination (not CMP)
};

// The form of instruction i, once the specialisation pass has run (it makes AL/eAX, imm
// an E,I form with rm = 0); kNone: the translator leaves it alone.
uint8_t classify(const Insn& i);

// The operation of an ALU form (>= kAluEG).
inline AluOp alu_op(uint8_t form) { return AluOp(form & 7); }
// The operand size of instruction i in bytes: 1, 2 or 4 (MOVZX/MOVSX: the destination's).
unsigned operand_size(const Insn& i);
// The size of the memory operand of a memory form.
unsigned memory_size(const Insn& i);

// The lazy-flag kind a run's latest flag setter left (L_NONE: none in this run yet): a
// LazyOp in the low 4 bits, kCarryIn for ADC/SBB (their flags the host cannot recompute
// with one instruction: the carry-in is part of the result), and the operand size.
using FlagKind = uint8_t;
inline constexpr FlagKind kCarryIn = 0x10;
inline constexpr FlagKind kAdc = kCarryIn | L_ADD, kSbb = kCarryIn | L_SUB;
inline FlagKind sized(FlagKind k, unsigned size) { return FlagKind(k | (size == 2 ? 0x20 : size == 1 ? 0x40 : 0)); }
inline unsigned kind_size(FlagKind k) { return k & 0x20 ? 2 : k & 0x40 ? 1 : 4; }
inline unsigned kind_op(FlagKind k) { return k & 0x1F; }  // a LazyOp, kAdc or kSbb

// Shift count of a kShiftImm/kShift1 instruction (0: no change, flags included).
unsigned shift_count(const Insn& i);
// Whether a flag reader can test condition `cc` from a setter of kind `k` in host flags.
bool cond_ok(FlagKind k, unsigned cc);
// The flag kind after instruction i (given the kind before it).
FlagKind kind_after(const Insn& i, FlagKind k);
// Forms with a memory operand (Insn::seg), and those that use the stack (SS).
bool memory_form(const Insn& i);
bool stack_form(uint8_t f);
// The segment instruction i accesses (8: none), and whether it writes there.
unsigned segment_of(const Insn& i);
bool writes_memory(const Insn& i);
// Flag readers (Jcc, SETcc, CMOVcc): their setter must be in the run and decide them (cond_ok).
bool reads_flags(const Insn& i);

}  // namespace pxos::soft::jit

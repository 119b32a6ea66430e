// The forms the translator compiles (Insn::jit): which form an instruction has
// (classify, from its line of the opcode table and its decoded operands), and what
// each form reads from and leaves in the lazy flags, what memory it uses. The run
// finder (translate.cpp) and the emitter (emit.cpp) both go by these.
#pragma once

#include <cstdint>

#include "engine/soft/cpu.h"
#include "engine/soft/ops.h"

namespace pxos::soft::jit {

// The forms (Insn::jit). The ALU forms carry the operation (AluOp) in their low 3 bits.
enum Form : uint8_t {
  kNone = 0,
  kMovRR_EG,      // 89 /r, register: rm = reg
  kMovRR_GE,      // 8B /r, register: reg = rm
  kMovRI,         // B8+r id
  kMovLoad,       // 8B /r, memory
  kMovStore,      // 89 /r, memory
  kMovStoreImm,   // C7 /0, memory
  kMovLoad8,      // 8A /r, memory
  kMovStore8,     // 88 /r, memory
  kMovStoreImm8,  // C6 /0, memory
  kLea,           // 8D /r
  kTestRR,        // 85 /r, register
  kImulRR,        // 0F AF, register
  kImulRM,        // 0F AF, memory
  kImulRRI,       // 69/6B, register
  kImulRMI,       // 69/6B, memory
  kShiftImm,      // C1 /4 /5 /6 /7 (SHL SHR SAL SAR), register
  kShift1,        // D1 /4 /5 /6 /7, register
  kMovzx8RR,
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
  kJcc,             // 7x / 0F 8x with a 32-bit operand: the block's last instruction
  kJmpRel,          // EB / E9, 32-bit operand: the block's last instruction
  kCallRel,         // E8, 32-bit operand: the block's last instruction
  kRet,             // C3, 32-bit operand: the block's last instruction
  kIncR,            // 40+r
  kDecR,            // 48+r
  kMovLoad16,       // 8B /r with a 16-bit operand, memory
  kMovStore16,      // 89 /r with a 16-bit operand, memory
  kMovStoreImm16,   // C7 /0 with a 16-bit operand, memory
  kCmpMR,           // 39 /r, memory
  kCmpMI,           // 81/83 /7, memory
  kAluEG = 0x40,    // + op: 01/09/11/19/21/29/31/39, register
  kAluGE = 0x48,    // + op: 03/0B/13/1B/23/2B/33/3B, register
  kAluEI = 0x50,    // + op: 81/83 and 05/0D/15/1D/25/2D/35/3D (rm = 0), register
  kAluLoad = 0x58,  // + op: 03/0B/13/1B/23/2B/33/3B, memory
};

// The form of instruction i, once the specialisation pass has run (it makes AL/eAX, imm
// an E,I form with rm = 0); kNone: the translator leaves it alone.
uint8_t classify(const Insn& i);

// The operation of an ALU form (>= kAluEG).
inline AluOp alu_op(uint8_t form) { return AluOp(form & 7); }

// The lazy-flag kind a run's latest flag setter left (L_NONE: none in this run yet):
// a LazyOp, or one of these, stored as their low bits but whose flags the host cannot
// recompute with one instruction (the carry-in is part of the result).
using FlagKind = uint8_t;
inline constexpr FlagKind kAdc = 0x10 | L_ADD, kSbb = 0x10 | L_SUB;

// Shift count of a kShiftImm/kShift1 instruction (0: no change, flags included).
unsigned shift_count(const Insn& i);
// Whether a flag reader can test condition `cc` from a setter of kind `k` in host flags.
bool cond_ok(FlagKind k, unsigned cc);
// The flag kind after instruction i (given the kind before it).
FlagKind kind_after(const Insn& i, FlagKind k);
// Forms with a memory operand (Insn::seg), and those that use the stack (SS).
bool memory_form(uint8_t f);
bool stack_form(uint8_t f);
// The operand size of a MOV form.
unsigned move_size(uint8_t f);
// Flag readers (Jcc, SETcc, CMOVcc): their setter must be in the run and decide them (cond_ok).
bool reads_flags(const Insn& i);
// ADC, SBB (CF in), INC, DEC (CF kept): the latest setter must be in the run.
bool reads_cf(const Insn& i);

}  // namespace pxos::soft::jit

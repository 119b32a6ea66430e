// Fast paths for the hottest forms of 32-bit code (fast.cpp).
#pragma once

#include "engine/soft/cpu.h"

namespace pxos::soft {

struct OpInfo;

// Swaps in a specialised thunk for instruction i (of the opcode table's line t) when
// one fits its decoded operands: MOV/MOVZX/MOVSX, the ALU ops, IMUL and CMOVcc with a
// 32-bit-addressed memory operand or between registers, shifts of a register, LEA,
// PUSH/POP of a register, SETcc of a register, Jcc. Insn::fn stays the generic handler:
// the thunk falls back to it for anything but the common case (specialize.cpp runs this).
void fast_specialize(const OpInfo& t, Insn& i);

// Runs instruction `in` through its generic handler (Insn::fn) with EIP and the
// instruction count made exact, then goes on to the next instruction's thunk: the
// way out of a fast thunk, or of translated code (jit/translate.cpp), for any case
// it does not handle inline.
void run_generic(Cpu& c, const Insn* in);

}  // namespace pxos::soft

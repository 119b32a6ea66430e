// Decode-time fast paths for the hottest forms of 32-bit code (fast.cpp).
#pragma once

#include "engine/soft/cpu.h"

namespace pxos::soft {

// Swaps in a specialised thunk for opcode `opc` (0x100 | byte for 0F xx) when one fits
// the decoded operands: MOV/MOVZX/MOVSX and the ALU ops with a 32-bit-addressed memory
// operand, MOV between registers. Insn::fn stays the generic handler: the thunk
// falls back to it for anything but the common case.
void fast_specialize(unsigned opc, Insn& i);

// Runs instruction `in` through its generic handler (Insn::fn) with EIP and the
// instruction count made exact, then goes on to the next instruction's thunk: the
// way out of a fast thunk, or of translated code (jit/translate.cpp), for any case
// it does not handle inline.
void run_generic(Cpu& c, const Insn* in);

}  // namespace pxos::soft

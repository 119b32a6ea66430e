// Decode-time fast paths for the hottest forms of 32-bit code (fast.cpp).
#pragma once

#include "engine/soft/cpu.h"

namespace pxos::soft {

// Swaps in a specialised thunk for opcode `opc` (0x100 | byte for 0F xx) when one fits
// the decoded operands: MOV/MOVZX/MOVSX and the ALU ops with a 32-bit-addressed memory
// operand, MOV between registers. Insn::fn stays the generic handler: the thunk
// falls back to it for anything but the common case.
void fast_specialize(unsigned opc, Insn& i);

}  // namespace pxos::soft

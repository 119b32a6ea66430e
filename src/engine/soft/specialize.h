// The block builder's first pass over each decoded instruction (exec.cpp).
#pragma once

#include "engine/soft/cpu.h"

namespace pxos::soft {

// Swaps in the handler and thunk specialised for the instruction's operation and
// operands, chosen by its line of the opcode table (kind, operands, width, op): the
// ALU and Jcc handlers with the operation fixed (alu.cpp, control.cpp), then the fast
// thunks (fast.cpp). An instruction of kind Plain keeps its generic handler.
void specialize(Insn& i);

}  // namespace pxos::soft

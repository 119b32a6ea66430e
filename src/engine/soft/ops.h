// The x86's operation numbers, as the encoding carries them: shared by the
// interpreter (alu_op.h, the handlers and fast thunks) and the translator's
// assembler (jit/x64.h), which encodes the host's instructions with them.
#pragma once

#include <cstdint>

namespace pxos::soft {

// The eight classic ALU operations: bits 3-5 of opcodes 00-3F, the ModRM reg field of 80-83.
enum class AluOp : uint8_t { Add, Or, Adc, Sbb, And, Sub, Xor, Cmp };

// Shifts and rotates: the ModRM reg field of C0, C1 and D0-D3 (Sal: the undocumented alias of Shl).
enum class ShiftOp : uint8_t { Rol, Ror, Rcl, Rcr, Shl, Shr, Sal, Sar };

}  // namespace pxos::soft

// The decoder: bytes -> Insn, driven by the table in opcodes.inc.
#pragma once

#include "engine/soft/cpu.h"

namespace pxos::soft {

enum class DecodeResult { Ok, NeedMore, TooLong };

// Decodes one instruction from p[0..avail). code32: the CS.D bit. lock_ud: a LOCK
// prefix on an instruction that cannot take it decodes as #UD (else it is ignored).
// NeedMore: the instruction continues past `avail` bytes. `out` is decoded in place: it holds
// the instruction only when the result is Ok.
DecodeResult decode(const uint8_t* p, unsigned avail, bool code32, Insn& out, bool lock_ud = true);

}  // namespace pxos::soft

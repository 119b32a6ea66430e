// POST, the power-on self test.
#pragma once

#include "bios/context.h"
#include "bios/rom.h"
#include "engine/engine.h"

namespace pxos {

// Fills the vector table (services at their ROM stubs, IRQs at the handlers
// of rom_code.asm, `code`) and the BIOS data area, programs the PC's chips
// through their ports, clears the screen, and sets up the boot stack in
// `cpu`.
void power_on_self_test(BiosContext& bios, const rom::CodeEntries& code, CpuState& cpu);

}  // namespace pxos

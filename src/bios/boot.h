// INT 19h (bootstrap loader) and INT 18h (no bootable device).
#pragma once

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

// Loads the first sector of the first drive (floppy A:, else hard disk 80h)
// at 0000:7C00 and returns there with DL = the drive; INT 18h when it
// cannot.
void handle_19(BiosContext& bios, BiosCall& c);
// Says that there is no bootable device, and halts the CPU for good.
void handle_18(BiosContext& bios, BiosCall& c);

}  // namespace pxos

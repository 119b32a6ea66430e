// INT 11h (equipment list) and INT 12h (conventional memory size), from
// the words POST left in the BDA.
#pragma once

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_11(BiosContext& bios, BiosCall& c);
void handle_12(BiosContext& bios, BiosCall& c);

}  // namespace pxos

// INT 17h: printer ports.
#pragma once

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_17(BiosContext& bios, BiosCall& c);

}  // namespace pxos

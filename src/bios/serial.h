// INT 14h: serial ports, one function per subfunction in serial.cpp.
#pragma once

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_14(BiosContext& bios, BiosCall& c);

}  // namespace pxos

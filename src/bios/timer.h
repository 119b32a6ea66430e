// INT 1Ah: time of day, one function per subfunction in timer.cpp; and the
// CMOS access that it and POST share.
#pragma once

#include <cstdint>

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_1A(BiosContext& bios, BiosCall& c);

// A CMOS register, through ports 70h/71h as a guest would (0 without ports).
uint8_t cmos_read(BiosContext& bios, uint8_t index);
void cmos_write(BiosContext& bios, uint8_t index, uint8_t value);

}  // namespace pxos

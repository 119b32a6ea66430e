// INT 10h's palette services, one function per subfunction in
// video_palette.cpp: AH=0Bh (CGA background/border and palette) and AX=10xxh
// (attribute controller palette registers, overscan, blink, colour paging,
// DAC registers and the pel mask, grey-scale summing), all through the VGA's
// ports as a BIOS's OUT instructions would.
#pragma once

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_100B(BiosContext& bios, BiosCall& c);
void handle_1010(BiosContext& bios, BiosCall& c);

}  // namespace pxos

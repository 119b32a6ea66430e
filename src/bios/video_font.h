// INT 10h AH=11h, the character generator: text fonts loaded into the VGA's
// plane 2 (AL=00h-04h, and 10h-14h, which also fit the rows to the font),
// the graphics fonts at INT 1Fh and INT 43h (AL=20h-24h), and where the
// ROM's fonts are (AL=30h). The ROM holds 8x8, 8x14 and 8x16 fonts
// (bios/rom.h); each mode set points INT 43h at the one its mode uses.
#pragma once

#include <cstdint>

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_1011(BiosContext& bios, BiosCall& c);

// The offset in segment F000h of the ROM font `height` rows high (8, 14; any
// other: 16).
uint16_t video_rom_font(int height);
// For a mode set: INT 1Fh at the upper half of the 8x8 font, INT 43h at the
// ROM font of `height` rows, the BDA's character height.
void video_set_font_vectors(BiosContext& bios, int height);
// The ROM font of `height` rows into character block `block` (0-7) of plane 2,
// as a text mode set loads 8x16 into block 0. Nothing without a card.
void video_load_text_font(BiosContext& bios, int height, uint8_t block);

}  // namespace pxos

// INT 10h AH=1Ah (display combination), AH=1Bh (functionality and state
// information) and AH=1Ch (save and restore the video state), and the ROM
// table AH=1Bh points at.
#pragma once

#include <cstdint>
#include <span>

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

// BDA 0040:008Ah at POST: the display combination "VGA with a colour display".
inline constexpr uint8_t kDccVgaColour = 0x0B;

void handle_101A(BiosContext& bios, BiosCall& c);
void handle_101B(BiosContext& bios, BiosCall& c);
void handle_101C(BiosContext& bios, BiosCall& c);

// The static functionality table (16 bytes at rom::kVideoTables).
void video_write_rom_tables(std::span<uint8_t> rom);

}  // namespace pxos

// INT 10h AH=4Fh: the VESA BIOS Extensions (VBE 3.0 as far as listed below),
// over the Bochs/QEMU DISPI interface (devices/vbe.h), which the BIOS programs
// through its ports as a guest would, and the VGA's DAC ports for the palette.
// Without a DISPI interface on the ports every call returns with AX as it
// came (AL is not 4Fh: "not supported") and is logged as unimplemented.
//
// AL: 00h controller information (VbeInfoBlock: 'VESA', 0300h, strings and the
//     mode list in the ROM at F000:kVbeTables; the VBE 2.0 fields when the
//     caller put 'VBE2' there), 01h mode information (ModeInfoBlock), 02h set
//     mode (bit 14 the linear framebuffer, bit 15 keep video memory; modes
//     below 100h: the text modes 0-3 and 7), 03h current mode, 05h bank
//     switch (window A only), 06h logical scan line, 07h display start, 08h
//     DAC width (6 bits only: a request for another width returns 014Fh with
//     BH = 6), 09h palette data (primary palette, through the VGA DAC).
//     04h save/restore state, 0Ah the protected-mode interface and any other
//     subfunction return 014Fh ("failed").
// Results: AX = 004Fh for success, 014Fh for failure.
//
// Modes (all with the linear framebuffer at 0xE0000000 and window A at A000h):
//   standard VESA numbers        8 bpp  15 bpp 16 bpp 24 bpp
//     640x480                    101h   110h   111h   112h
//     800x600                    103h   113h   114h   115h
//     1024x768                   105h   116h   117h   118h
//     1280x1024                  107h   119h   11Ah   11Bh
//   pxOS's own numbers           8 bpp  15 bpp 16 bpp 24 bpp 32 bpp
//     640x480 .. 1280x1024                                   140h-143h
//     1280x720                   150h   151h   152h   153h   154h
//     1920x1080                  160h   161h   162h   163h   164h
// The list is the same whatever the video memory; a mode that does not fit it
// is reported unsupported (attribute bit 0 clear) and refused by 02h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

struct VbeMode {
  uint16_t number;
  uint16_t width, height;
  uint8_t bpp;
};
std::span<const VbeMode> vbe_modes();
std::optional<VbeMode> vbe_find_mode(uint16_t number);

// The ROM's VBE tables (the OEM strings and the full mode list) at
// rom::kVbeTables; the information block points at them.
void vbe_write_rom_tables(std::span<uint8_t> rom);

// INT 10h AH=4Fh (bios/video.cpp's switch dispatches here).
void handle_104F(BiosContext& bios, BiosCall& c);

}  // namespace pxos

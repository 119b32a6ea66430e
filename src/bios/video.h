// INT 10h: video services for the text and graphics modes, one function per subfunction
// in video.cpp; and what POST and the boot messages need of them.
#pragma once

#include <cstdint>
#include <string_view>

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

// Every call ends by pointing the VGA's CRTC at the active page and cursor.
void handle_10(BiosContext& bios, BiosCall& c);

// Text mode `mode` (0/1 40x25, 2/3 80x25 colour, 7 80x25 monochrome): the
// card's registers, palette and 8x16 font, the BDA, and (with `clear`) a
// blank screen.
void video_set_mode(BiosContext& bios, uint8_t mode, bool clear = true);
// Points the VGA's CRTC (through its ports) at the active page and cursor.
void video_sync_crtc(BiosContext& bios);
// Text on the active page, as teletype output (AH=0Eh) prints it, also
// echoed to the host: the BIOS's own messages.
void video_print(BiosContext& bios, std::string_view s);

}  // namespace pxos

// INT 15h AH=C2h: the IBM PS/2 pointing-device interface, one function per
// subfunction in mouse.cpp (SeaBIOS's mouse.c and the IBM PS/2 technical
// reference describe the same interface):
//   C200h BH=0/1 disable/enable (enable needs a handler: else AH=05h)
//   C201h reset: BL = AAh, BH = the device ID
//   C202h sample rate BH = 0..6 (10, 20, 40, 60, 80, 100, 200 per second)
//   C203h resolution BH = 0..3 (1, 2, 4, 8 counts per mm)
//   C204h the device ID in BH
//   C205h initialize: BH = the packet size (1..8 bytes, 3 for a mouse), then
//         reset
//   C206h BH=0 status (BL flags, CL resolution, DL rate), BH=1/2 scaling
//         1:1 / 2:1
//   C207h ES:BX = the far handler (0000:0000 removes it)
// Errors: CF set and AH = 01h invalid function, 02h invalid input, 03h
// interface error (no answer), 04h resend (the mouse refused), 05h no handler.
//
// The services drive the mouse through the keyboard controller's ports, as
// a guest's own driver would (64h D4h, then the byte on 60h), with the
// keyboard and both interrupts off for the exchange and the command byte
// set again after it from the BIOS's own copy (SystemState; SeaBIOS's
// aux_command does the same). Mouse bytes still waiting in the controller's
// buffer are dropped; a key waiting there makes the call wait (halt until
// INT 09h has taken it, then come again), so no key is lost, unless the
// guest never takes it (IRQ 1 masked): after 100 tries (about 5 s when only
// the timer wakes the CPU) it is dropped.
//
// The IRQ 12 handler is guest code (bios/rom_code.asm, int74): it reads
// each byte, gathers a packet in the EBDA and far-calls the handler with
// status, X, Y and 0 pushed, as the interface specifies.
#pragma once

#include <cstdint>

#include "bios/call.h"
#include "bios/context.h"
#include "bios/system.h"

namespace pxos {

// The EBDA's pointing-device fields (IBM PS/2; SeaBIOS keeps them there too).
namespace ebda {
inline constexpr uint16_t kMouseHandler = 0x22;  // dword: the far handler, offset then segment
inline constexpr uint16_t kMouseFlags1 = 0x26;   // bits 2-0: index of the next packet byte
inline constexpr uint16_t kMouseFlags2 = 0x27;   // bits 2-0: packet size - 1; bit 7: handler installed
inline constexpr uint16_t kMouseData = 0x28;     // 8 bytes: the packet being gathered
inline constexpr uint8_t kHandlerInstalled = 0x80;
}  // namespace ebda

// The equipment word's bit for a pointing device (INT 11h).
inline constexpr uint16_t kEquipmentMouse = 0x0004;

void handle_15C2(BiosContext& bios, SystemState& system, BiosCall& c);

}  // namespace pxos

// The layout of the BIOS ROM (segment F000h) and the code stubs in it.
//
// Every BIOS vector points at an 8-byte stub:
//   +0  OUT F5h, AL     trap to the monitor, which services the call
//   +2  IRET            back to the caller, with FLAGS from the stack
//   +3  STI; HLT; CLI   the monitor sends a call here to wait for an event
//   +6  JMP +0          ... and then traps again with the same vector
// The monitor tells the vector from the trapping IP, so no register is
// touched on the way in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pxos::rom {

inline constexpr uint16_t kSegment = 0xF000;
inline constexpr uint8_t kTrapPort = 0xF5;

inline constexpr uint16_t kPostEntry = 0x0100;  // OUT F5h (POST); STI; INT 19h
inline constexpr uint16_t kHaltLoop = 0x0180;   // CLI; HLT; JMP -3
inline constexpr uint16_t kStubBase = 0x1000;   // 256 stubs of kStubSize bytes
inline constexpr uint16_t kStubSize = 8;
inline constexpr uint16_t kStubIret = 2;        // offset of IRET in a stub
inline constexpr uint16_t kStubWait = 3;        // offset of the wait loop
inline constexpr uint16_t kDisketteParams = 0xEFC7;  // INT 1Eh table, IBM address
// The VGA fonts (bios/video_font.h), 256 glyphs each, filled from BiosConfig
// at install: 8x16 (4 KiB), 8x14 (3.5 KiB), 8x8 (2 KiB; INT 1Fh points at
// its upper half), and the first half of 8x8 again at IBM's address.
inline constexpr uint16_t kFont8x16 = 0xC000;
inline constexpr uint16_t kFont8x14 = 0xD000;
inline constexpr uint16_t kFont8x8 = 0xF000;
inline constexpr uint16_t kFont8x8Ibm = 0xFA6E;  // characters 00h-7Fh only
inline constexpr size_t kFont8x16Size = 256 * 16, kFont8x14Size = 256 * 14, kFont8x8Size = 256 * 8;
inline constexpr uint16_t kVbeTables = 0xE000;     // bios/vbe.h: the VBE strings and mode list (512 bytes)
inline constexpr uint16_t kVideoTables = 0xE200;   // bios/video_state.h: INT 10h AH=1Bh's static table (16 bytes)
inline constexpr uint16_t kAltFontTable = 0xE210;  // AH=11h AL=30h BH=5/7: an empty 9-dot alternate table (0)
// bios/pci_irq_table.h: the $PIR table POST builds (16-byte aligned, room for 32 slots).
inline constexpr uint16_t kPirTable = 0xE400;
inline constexpr uint16_t kPirTableRoom = 32 + 32 * 16;
inline constexpr uint16_t kConfigTable = 0xE6F5;   // INT 15h AH=C0h, IBM address
inline constexpr uint16_t kDummyIret = 0xFF53;     // IBM's address of a bare IRET
inline constexpr uint16_t kResetVector = 0xFFF0;

inline constexpr uint16_t kCodeBase = 0x2000;    // rom_code.asm: handlers that run as guest code

inline constexpr uint16_t stub_offset(uint8_t vector) { return uint16_t(kStubBase + vector * kStubSize); }

// Entry points of the handlers in rom_code.asm (its table, in this order).
struct CodeEntries {
  uint16_t int08;       // IRQ 0: timer tick
  uint16_t int09;       // IRQ 1: keyboard
  uint16_t int09_trap;  // the OUT inside int09 that hands the scancode to the monitor
  uint16_t irq_master;  // IRQ 2-6 default: EOI
  uint16_t irq7;        // IRQ 7: EOI unless spurious
  uint16_t irq_slave;   // IRQ 9-15 default: EOI both PICs
  uint16_t int70;       // IRQ 8: RTC
  uint16_t int74;       // IRQ 12: the PS/2 mouse (bios/mouse.h)
};
CodeEntries code_entries(std::span<const uint8_t> rom);

// Fills the 64 KiB ROM image.
void build(std::span<uint8_t> rom);

}  // namespace pxos::rom

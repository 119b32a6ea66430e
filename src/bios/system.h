// INT 15h: system services, one function per subfunction in system.cpp;
// and the memory map it reports (E820h), which the machine also hands to a
// Linux kernel it boots directly.
#pragma once

#include <cstdint>
#include <vector>

#include "bios/apm.h"
#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

// The extended BIOS data area: 1 KiB just below 640 KiB.
inline constexpr uint32_t kEbdaBase = 0x9FC00;

struct MemoryRange {
  uint64_t base, size;
  uint32_t type;  // 1 usable, 2 reserved
};
// The E820h map of a PC with this memory: base memory below the EBDA, the
// EBDA hole, the ACPI tables and the ROM (E0000h-FFFFFh), extended memory, the ROM alias at the top of 4 GiB.
std::vector<MemoryRange> memory_map(const GuestMemory& mem);

// The keyboard controller's command byte as POST leaves it: IRQ 1, system
// flag, the AUX interface off (INT 15h AX=C200h turns it on), translation.
inline constexpr uint8_t kPostKbcCommandByte = 0x65;

// What INT 15h keeps beyond the BDA: when the AH=86h wait in progress ends,
// in guest time (0: none), so that the machine can wake the CPU then; for
// AH=C2h (bios/mouse.h), the command byte it last gave the keyboard
// controller (it never reads it back: the reply would raise IRQ 1, and
// SeaBIOS keeps the same copy), and how many times in a row a call waited
// for a key to leave the controller's buffer; APM's connection (apm.h).
struct SystemState {
  uint64_t wait_until_ns = 0;
  ApmState apm;
  uint8_t kbc_command_byte = kPostKbcCommandByte;
  uint32_t mouse_waits = 0;
};

void handle_15(BiosContext& bios, SystemState& system, BiosCall& c);

}  // namespace pxos

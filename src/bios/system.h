// INT 15h: system services, one function per subfunction in system.cpp;
// and the memory map it reports (E820h), which the machine also hands to a
// Linux kernel it boots directly.
#pragma once

#include <cstdint>
#include <vector>

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
// EBDA and ROM holes, extended memory, the ROM alias at the top of 4 GiB.
std::vector<MemoryRange> memory_map(const GuestMemory& mem);

// What INT 15h keeps beyond the BDA: when the AH=86h wait in progress ends,
// in guest time (0: none), so that the machine can wake the CPU then; how
// many times in a row an AH=C2h call waited for a key to leave the keyboard
// controller's buffer (bios/mouse.h).
struct SystemState {
  uint64_t wait_until_ns = 0;
  uint32_t mouse_waits = 0;
};

void handle_15(BiosContext& bios, SystemState& system, BiosCall& c);

}  // namespace pxos

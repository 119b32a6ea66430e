// The guest's 32-bit paging as a read-only walk: the physical address of a
// linear one under CR0/CR3/CR4 (4 KiB pages, and 4 MiB pages with CR4.PSE),
// the A20 gate applied. No accessed or dirty bit is set and no fault is
// raised: a page that is not present, or a table outside RAM and ROM, is
// nullopt. For the monitor's own accesses on the guest's behalf (the
// debugger, BIOS services called from virtual-8086 mode).
#pragma once

#include <cstdint>
#include <optional>

#include "vm/memory.h"

namespace pxos {

struct PagingRegs {
  uint32_t cr0 = 0, cr3 = 0, cr4 = 0;
};

std::optional<uint64_t> translate_linear(GuestMemory& mem, const PagingRegs& regs, uint32_t linear);

}  // namespace pxos

// A buffer that a BIOS call's caller names by segment:offset (INT 13h's
// ES:BX, a disk address packet's pointer): a linear address. In real mode it
// is the physical one; in virtual-8086 mode under an EMM's paging its pages
// may lie anywhere in physical memory (a UMB, the EMS page frame), so the
// copies go page by page through the guest's page tables (vm/paging.h).
// All or nothing: a page that is not present, or not guest RAM (ROM too for
// reads), fails the whole copy before a byte moves.
#pragma once

#include <cstdint>
#include <span>

#include "engine/engine.h"
#include "vm/memory.h"

namespace pxos {

bool copy_from_guest_buffer(GuestMemory& mem, const CpuState& cpu, uint32_t linear, std::span<uint8_t> out);
bool copy_to_guest_buffer(GuestMemory& mem, const CpuState& cpu, uint32_t linear, std::span<const uint8_t> in);
// Whether copy_to_guest_buffer would succeed (checked before a disk is read).
bool guest_buffer_writable(GuestMemory& mem, const CpuState& cpu, uint32_t linear, uint32_t len);

}  // namespace pxos

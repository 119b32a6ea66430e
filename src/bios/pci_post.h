// POST's PCI work: enumerate bus 0, size and assign every BAR, enable
// decoding and bus mastering, route PIRQA-D and write each function's
// interrupt line, publish the $PIR table (bios/pci_irq_table.h).
//
// Sizing writes all ones to each BAR with the function's decoding off and
// reads the mask back. I/O BARs get ports from C000h up, memory BARs
// addresses from kPciMemoryBase up (above the VBE framebuffer, below the
// I/O APIC's FEC00000h), each aligned to its size (memory BARs to at least
// 4 KiB), the largest first. A BAR that does not fit stays at 0 and its
// space stays off (a line with --verbose). 64-bit memory BARs are placed
// below 4 GiB (upper half 0); a 64-bit BAR of 4 GiB or more is left alone.
//
// Interrupts (vm/pci_regs.h): PIRQA and PIRQB to IRQ 10, PIRQC and PIRQD to
// IRQ 11, both set level-triggered in the ELCR (4D0h/4D1h); a function with
// pin P at device D gets interrupt line kPirqIrq[pirq_of(D, P)].
#pragma once

#include <cstdint>

#include "bios/context.h"
#include "vm/memory.h"

namespace pxos {

inline constexpr uint32_t kPciIoBase = 0xC000, kPciIoEnd = 0x10000;
// Memory BARs start past the largest framebuffer the VBE may have.
inline constexpr uint64_t kPciMemoryBase = GuestMemory::kFramebufferBase + GuestMemory::kMaxFramebuffer;
inline constexpr uint64_t kPciMemoryEnd = 0xFEC00000;

void pci_post(BiosContext& bios);

}  // namespace pxos

// The PCI IRQ Routing Table ($PIR; Microsoft's PCI IRQ Routing Table
// Specification 1.0), which tells an OS without ACPI how each slot's INTA#-
// INTD# reach the interrupt router and which IRQs each link may take. POST
// builds it in the ROM at rom::kPirTable, on a 16-byte boundary in F0000h-
// FFFFFh where OSes scan for it; INT 1Ah B10Eh hands its slot entries out.
//
// Layout: a 32-byte header ("$PIR", version 1.0, size, the router's bus
// and devfn, the IRQs devoted to PCI, the router's vendor and device IDs,
// a checksum byte that makes the whole table sum to 0), then one 16-byte
// entry per device on bus 0: bus, devfn, for each pin a link value (the
// router's register: 60h-63h for PIRQA-D, as vm/pci_regs.h wires them) and
// a bitmap of the IRQs it may take, the slot number (0: built in), 0.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vm/memory.h"

namespace pxos {

inline constexpr size_t kPirHeaderSize = 32, kPirEntrySize = 16;
// The IRQs the BIOS gives PCI, and the only ones each link may take: 10 and 11.
inline constexpr uint16_t kPirPciIrqs = 1u << 10 | 1u << 11;

struct PirRouter {
  uint8_t bus = 0, devfn = 0;
  uint16_t vendor = 0, device = 0;
};

// The table for the devices `devices` of bus 0 (device numbers 0-31, each
// once), routed by `router`.
std::vector<uint8_t> build_pir_table(std::span<const uint8_t> devices, const PirRouter& router);
// Whether `table` is a well-formed $PIR table (signature, version, size, checksum).
bool pir_table_valid(std::span<const uint8_t> table);
// Writes `table` at rom::kPirTable (an empty one erases what was there);
// false, writing nothing, when it does not fit.
bool install_pir_table(GuestMemory& mem, std::span<const uint8_t> table);
// The table POST installed; empty when there is none.
std::vector<uint8_t> installed_pir_table(GuestMemory& mem);

}  // namespace pxos

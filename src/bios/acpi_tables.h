// The ACPI tables, built by POST into guest RAM at E0000h-EFFFFh (reserved
// in the E820h map): the RSDP (ACPI 2.0, with both an RSDT and an XSDT) at
// E0000h, where an OS looks for it (a 16-byte boundary in E0000h-FFFFFh),
// then the FACS, the RSDT, the XSDT, the FADT and the DSDT.
//
//   FADT  revision 3 (ACPI 2.0), 244 bytes: a classic PC, not hardware-reduced.
//         PM1a event and control blocks and the PM timer (24 bits) of the
//         machine's PM device, in both the 32-bit fields and the X_ generic
//         addresses; SCI_INT from the Platform, SMI_CMD = 0 (ACPI is always
//         on: the PM device's SCI_EN reads 1); no GPE blocks; no C2/C3; the
//         power button a fixed feature, no sleep button; RESET_REG in I/O
//         space with RESET_REG_SUP; IAPC_BOOT_ARCH: legacy devices and an
//         8042; CENTURY: CMOS register 32h.
//   DSDT  compiled at build time from src/bios/acpi/dsdt.asl by iasl.
//   FACS  64 bytes on a 64-byte boundary: no waking vector, no global lock.
// Every table's checksum makes its bytes sum to 0 (the RSDP: its first 20
// bytes, and all 36 for the extended checksum). No MADT: the PC has no APIC.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "bios/acpi_platform.h"
#include "vm/memory.h"

namespace pxos::acpi {

inline constexpr uint32_t kAreaBase = 0xE0000;
inline constexpr uint32_t kAreaSize = 0x10000;

// Table lengths and revisions.
inline constexpr uint32_t kHeaderSize = 36;
inline constexpr uint32_t kRsdpSize = 36, kFadtSize = 244, kFacsSize = 64;
inline constexpr uint8_t kFadtRevision = 3;
// FADT flags and IAPC_BOOT_ARCH bits.
inline constexpr uint32_t kFlagWbinvd = 1u << 0, kFlagProcC1 = 1u << 2, kFlagSlpButton = 1u << 5;
inline constexpr uint32_t kFlagFixRtc = 1u << 6, kFlagResetRegSup = 1u << 10;
inline constexpr uint16_t kBootLegacyDevices = 1u << 0, kBoot8042 = 1u << 1;
// Field offsets in the FADT.
inline constexpr uint32_t kFadtFacs = 36, kFadtDsdt = 40, kFadtSciInt = 46, kFadtSmiCmd = 48;
inline constexpr uint32_t kFadtPm1aEvt = 56, kFadtPm1aCnt = 64, kFadtPmTmr = 76, kFadtPm1EvtLen = 88;
inline constexpr uint32_t kFadtPm1CntLen = 89, kFadtPmTmrLen = 91, kFadtCentury = 108, kFadtBootArch = 109;
inline constexpr uint32_t kFadtFlags = 112, kFadtResetReg = 116, kFadtResetValue = 128;
inline constexpr uint32_t kFadtXFacs = 132, kFadtXDsdt = 140, kFadtXPm1aEvt = 148, kFadtXPm1aCnt = 172;
inline constexpr uint32_t kFadtXPmTmr = 208;

// Where each table went (guest physical addresses).
struct Layout {
  uint32_t rsdp = 0, facs = 0, rsdt = 0, xsdt = 0, fadt = 0, dsdt = 0, end = 0;
};

// Builds the tables into `area`, which the guest sees at `base` (16-byte
// aligned): zeroed first, the RSDP at its start. nullopt (area left zeroed)
// when they do not fit or `dsdt` is no DSDT of the length it says.
std::optional<Layout> build_tables(std::span<uint8_t> area, uint32_t base, const Platform& platform,
                                   std::span<const uint8_t> dsdt);

// The DSDT that iasl compiled from src/bios/acpi/dsdt.asl.
std::span<const uint8_t> compiled_dsdt();

// POST: the tables with the compiled DSDT into E0000h-EFFFFh; false when
// that is no RAM.
bool install_tables(GuestMemory& mem, const Platform& platform);

// The sum of the bytes, modulo 256 (a table is correct when it is 0).
uint8_t byte_sum(std::span<const uint8_t> bytes);

}  // namespace pxos::acpi

// PCI configuration space as both sides of it name it: the device models
// (devices/pci_*.h) and the BIOS that enumerates them (bios/pci_*.h). The
// register offsets and bits of a type 0 header (PCI Local Bus 3.0, 6.2), the
// ports of configuration mechanism #1, and how this board wires INTx pins to
// the PCI interrupt router's PIRQ lines.
#pragma once

#include <cstdint>

namespace pxos::pci {

// Configuration mechanism #1: a dword write to CF8h selects a register, and
// CFCh-CFFh then reach its bytes.
inline constexpr uint16_t kAddressPort = 0xCF8, kDataPort = 0xCFC;
inline constexpr uint32_t kAddressEnable = 0x80000000;
// The CF8h value that selects bus/device/function/register (register & FCh).
inline constexpr uint32_t config_address(uint8_t bus, uint8_t device, uint8_t function, uint8_t reg) {
  return kAddressEnable | uint32_t{bus} << 16 | uint32_t(device & 31) << 11 | uint32_t(function & 7) << 8 |
         (reg & 0xFCu);
}

inline constexpr int kDevices = 32, kFunctions = 8;
inline constexpr int kConfigSize = 256;

// Type 0 header registers.
inline constexpr uint8_t kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06;
inline constexpr uint8_t kRevision = 0x08, kProgIf = 0x09, kSubclass = 0x0A, kClassCode = 0x0B;
inline constexpr uint8_t kCacheLineSize = 0x0C, kLatencyTimer = 0x0D, kHeaderType = 0x0E, kBist = 0x0F;
inline constexpr uint8_t kBar0 = 0x10;  // six dwords, 10h-27h
inline constexpr int kBarCount = 6;
inline constexpr uint8_t kSubsystemVendorId = 0x2C, kSubsystemId = 0x2E, kRomAddress = 0x30;
inline constexpr uint8_t kCapabilities = 0x34;
inline constexpr uint8_t kInterruptLine = 0x3C, kInterruptPin = 0x3D, kMinGrant = 0x3E, kMaxLatency = 0x3F;
inline constexpr uint8_t kDeviceSpecific = 0x40;  // 40h-FFh: the device's own registers

inline constexpr uint8_t bar_register(int index) { return uint8_t(kBar0 + 4 * index); }

// Command register bits.
inline constexpr uint16_t kCommandIo = 0x0001, kCommandMemory = 0x0002, kCommandBusMaster = 0x0004;
inline constexpr uint16_t kCommandParity = 0x0040, kCommandSerr = 0x0100, kCommandIntxDisable = 0x0400;
// Status register bits: the function's INTx is asserted; it has a capability list.
inline constexpr uint16_t kStatusInterrupt = 0x0008, kStatusCapabilities = 0x0010;
// Status bits a 1 clears (error reports).
inline constexpr uint16_t kStatusWriteOneToClear = 0xF900;

// Header type: bit 7 says function 0 has siblings (functions 1-7 exist).
inline constexpr uint8_t kHeaderMultiFunction = 0x80;

// BAR bits: bit 0 says I/O space; memory BARs carry their type in bits 2:1
// (00b 32-bit, 10b 64-bit) and bit 3 prefetchable.
inline constexpr uint32_t kBarIo = 0x1, kBarMem64 = 0x4, kBarPrefetchable = 0x8;
inline constexpr uint32_t kBarIoMask = 0xFFFFFFFC, kBarMemMask = 0xFFFFFFF0;

// Class codes (base class << 8 | subclass).
inline constexpr uint16_t kClassHostBridge = 0x0600, kClassIsaBridge = 0x0601;

// The interrupt wiring of this board (the ACPI tables use the same): device
// D's pin P (1 = INTA# .. 4 = INTD#) goes to PIRQ[(D + P - 1) mod 4], PIRQA-D
// being the router's inputs (the ISA bridge's registers 60h-63h route each to
// an ISA IRQ). The BIOS routes PIRQA and PIRQB to IRQ 10, PIRQC and PIRQD to
// IRQ 11, both level triggered.
inline constexpr int kPirqCount = 4;
inline constexpr int pirq_of(int device, int pin) { return (device + pin - 1) % kPirqCount; }
inline constexpr uint8_t kPirqIrq[kPirqCount] = {10, 10, 11, 11};
// The router's registers (PIIX: 60h-63h for PIRQA-D): bit 7 disables the
// route, bits 3:0 name the IRQ.
inline constexpr uint8_t kPirqRouteBase = 0x60, kPirqRouteDisabled = 0x80, kPirqRouteIrqMask = 0x0F;

}  // namespace pxos::pci

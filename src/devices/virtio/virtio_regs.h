// Virtio 1.x as both sides name it (OASIS virtio 1.1): device status bits,
// the feature bits every transport shares, the split virtqueue's layout, and
// the modern PCI transport's vendor capabilities and common configuration
// registers (4.1.4). Device-specific registers live with their device
// (devices/virtio/virtio_blk.h).
#pragma once

#include <cstdint>

namespace pxos::virtio {

// Device status (2.1): the driver sets bits in this order; 0 resets.
inline constexpr uint8_t kStatusAcknowledge = 1, kStatusDriver = 2, kStatusDriverOk = 4, kStatusFeaturesOk = 8;
inline constexpr uint8_t kStatusNeedsReset = 64, kStatusFailed = 128;

// Reserved feature bits (6).
inline constexpr int kFeatureIndirectDesc = 28, kFeatureEventIdx = 29, kFeatureVersion1 = 32;
inline constexpr uint64_t bit(int feature) { return uint64_t{1} << feature; }

// Split virtqueue (2.6): a descriptor is 16 bytes (addr u64, len u32, flags
// u16, next u16); the driver area (available ring) is flags u16, idx u16,
// ring[size] u16, used_event u16; the device area (used ring) is flags u16,
// idx u16, ring[size] {id u32, len u32}, avail_event u16.
inline constexpr uint16_t kDescNext = 1, kDescWrite = 2, kDescIndirect = 4;
inline constexpr uint32_t kDescSize = 16;
inline constexpr uint16_t kAvailNoInterrupt = 1;  // avail.flags: the driver wants no interrupt
inline constexpr uint16_t kUsedNoNotify = 1;      // used.flags: the device wants no notification
inline constexpr uint32_t kMaxQueueSize = 32768;
// Alignment the driver must give each area.
inline constexpr uint64_t kDescAlign = 16, kDriverAlign = 2, kDeviceAlign = 4;
inline constexpr uint64_t desc_bytes(uint32_t size) { return uint64_t{kDescSize} * size; }
inline constexpr uint64_t driver_bytes(uint32_t size) { return 6 + 2 * uint64_t{size}; }
inline constexpr uint64_t device_bytes(uint32_t size) { return 6 + 8 * uint64_t{size}; }

// PCI IDs (4.1.2): vendor 1AF4h, device 1040h + the device type.
inline constexpr uint16_t kPciVendor = 0x1AF4, kPciDeviceBase = 0x1040;
inline constexpr uint16_t kPciSubsystemVendor = 0x1AF4, kPciSubsystem = 0x1100;  // as QEMU's
inline constexpr uint8_t kPciRevision = 1;                                       // non-transitional: 1 or more

// Vendor-specific capabilities (4.1.4): cap_vndr 09h, cap_next, cap_len,
// cfg_type, bar, id, padding[2], offset u32, length u32 (16 bytes); the
// notify capability adds notify_off_multiplier u32; the PCI configuration
// access capability adds pci_cfg_data[4].
inline constexpr uint8_t kCapVendor = 0x09;
inline constexpr uint8_t kCapCommon = 1, kCapNotify = 2, kCapIsr = 3, kCapDevice = 4, kCapPciCfg = 5;
inline constexpr uint8_t kCapLength = 16, kNotifyCapLength = 20, kPciCfgCapLength = 20;
inline constexpr uint8_t kCapBar = 4, kCapOffset = 8, kCapLengthField = 12, kCapNotifyMultiplier = 16;
inline constexpr uint8_t kCapPciCfgData = 16;

// Common configuration (4.1.4.3), offsets in its region.
inline constexpr uint32_t kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04;
inline constexpr uint32_t kDriverFeatureSelect = 0x08, kDriverFeature = 0x0C;
inline constexpr uint32_t kConfigMsixVector = 0x10, kNumQueues = 0x12;
inline constexpr uint32_t kDeviceStatus = 0x14, kConfigGeneration = 0x15;
inline constexpr uint32_t kQueueSelect = 0x16, kQueueSize = 0x18, kQueueMsixVector = 0x1A;
inline constexpr uint32_t kQueueEnable = 0x1C, kQueueNotifyOff = 0x1E;
inline constexpr uint32_t kQueueDesc = 0x20, kQueueDriver = 0x28, kQueueDevice = 0x30;
inline constexpr uint32_t kCommonConfigSize = 0x38;
inline constexpr uint16_t kNoVector = 0xFFFF;  // MSI-X vector: none (no MSI-X here)

// ISR status (4.1.4.5): reading it clears it and drops INTx.
inline constexpr uint8_t kIsrQueue = 1, kIsrConfig = 2;

}  // namespace pxos::virtio

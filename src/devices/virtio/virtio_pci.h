// The virtio 1.x PCI transport, modern only (virtio 1.1, 4.1): a PCI
// function 1AF4h:1040h+type, revision 1, subsystem 1AF4h:1100h, INTA#, and
// one 16 KiB memory BAR (BAR 0) that holds every region the vendor
// capabilities point at:
//   0000h  common configuration (virtio/virtio_regs.h: kDeviceFeatureSelect...)
//   1000h  ISR status: bit 0 a used buffer, bit 1 a configuration change;
//          a read returns it, clears it and drops INTx
//   2000h  the device's configuration (VirtioDevice::read_config)
//   3000h  notifications: queue N at 3000h + 4 * N (notify_off_multiplier 4)
// Configuration space: the capability list at 40h (common 40h, notify 50h,
// ISR 64h, device 74h, PCI configuration access 84h; its window
// reaches the BAR through configuration cycles, as the specification asks).
//
// Status: the driver sets ACKNOWLEDGE, DRIVER, FEATURES_OK (kept only when
// it accepted VIRTIO_F_VERSION_1 and nothing that was not offered), DRIVER_OK;
// 0 resets the device and its queues. Queues are set up while disabled:
// queue_size (at most the device's maximum, a power of two), the three
// area addresses, then queue_enable = 1, which checks the layout
// (Virtqueue::check_layout). Anything the driver gets wrong that a reset
// must cure (a bad layout, a broken chain, DRIVER_OK without FEATURES_OK)
// sets DEVICE_NEEDS_RESET and, once DRIVER_OK was set, raises a
// configuration-change interrupt; the device then ignores notifications
// until it is reset. Notifications of queues never enabled are counted and
// dropped. Completion is INTx only: no MSI-X capability (the MSI-X vector
// registers read NO_VECTOR).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "devices/pci_bus.h"
#include "devices/pci_device.h"
#include "devices/virtio/virtio_device.h"
#include "devices/virtio/virtqueue.h"
#include "vm/memory.h"

namespace pxos {

class VirtioPci {
 public:
  static constexpr int kBar = 0;
  static constexpr uint32_t kBarSize = 0x4000;
  static constexpr uint32_t kCommonOffset = 0x0000, kIsrOffset = 0x1000, kDeviceOffset = 0x2000;
  static constexpr uint32_t kNotifyOffset = 0x3000, kRegionSize = 0x1000;
  static constexpr uint32_t kNotifyMultiplier = 4;
  // Where the capabilities sit in configuration space.
  static constexpr uint8_t kCapCommonAt = 0x40, kCapNotifyAt = 0x50, kCapIsrAt = 0x64, kCapDeviceAt = 0x74;
  static constexpr uint8_t kCapPciCfgAt = 0x84;

  struct Stats {
    uint64_t notifications = 0;
    uint64_t notifications_dropped = 0;  // a queue not enabled, no DRIVER_OK, or needing reset
    uint64_t interrupts = 0;             // ISR bits raised
    uint64_t resets = 0;
    uint64_t needs_reset = 0;       // DEVICE_NEEDS_RESET set
    uint64_t features_refused = 0;  // FEATURES_OK not kept
  };

  VirtioPci(std::string name, GuestMemory& mem, VirtioDevice& device);
  VirtioPci(const VirtioPci&) = delete;
  VirtioPci& operator=(const VirtioPci&) = delete;

  // Puts the function at `device` (function 0) of `bus`.
  void join(PciBus& bus, int device);
  PciFunction& function() { return fn_; }
  // The device as the driver's status 0 leaves it (a machine reset).
  void reset_device() { reset(); }

  // A guest access at `offset` in the BAR (what the bus calls; tests too).
  void bar_access(uint64_t offset, std::span<uint8_t> data, bool is_write);
  uint32_t bar_read(uint32_t offset, int size);
  void bar_write(uint32_t offset, int size, uint64_t value);

  uint8_t status() const { return status_; }
  uint8_t isr() const { return isr_; }
  uint64_t offered_features() const { return offered_; }
  uint64_t driver_features() const { return driver_features_; }
  bool queue_enabled(int q) const { return q >= 0 && size_t(q) < queues_.size() && queues_[size_t(q)].vq; }
  // Why DEVICE_NEEDS_RESET was last set ("" never).
  const std::string& last_error() const { return last_error_; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  struct Queue {
    uint16_t size = 0;
    VirtqueueLayout layout;
    std::optional<Virtqueue> vq;
  };

  void add_capabilities();
  void pci_cfg_read();
  void pci_cfg_write();
  void common_read(uint32_t offset, std::span<uint8_t> data);
  void common_write(uint32_t offset, std::span<const uint8_t> data);
  uint64_t common_field(uint32_t field) const;
  void set_common_field(uint32_t field, uint64_t value);
  void write_status(uint8_t value);
  void enable_queue(Queue& q);
  void notify(uint32_t offset);
  void run_queue(int index);
  void needs_reset(const std::string& why);
  void raise(uint8_t isr_bits);
  void update_intx();
  void reset();
  Queue* selected();

  std::string name_;
  GuestMemory& mem_;
  VirtioDevice& device_;
  PciFunction fn_;
  uint64_t offered_;
  uint8_t status_ = 0;
  uint8_t isr_ = 0;
  uint32_t device_feature_select_ = 0, driver_feature_select_ = 0;
  uint64_t driver_features_ = 0;
  uint16_t queue_select_ = 0;
  std::vector<Queue> queues_;
  std::string last_error_;
  Stats stats_;
};

}  // namespace pxos

// What a virtio device type (block, ...) gives its transport
// (devices/virtio/virtio_pci.h): its identity, feature bits, queues,
// configuration space, and the handling of its requests. The transport owns
// the status state machine, feature negotiation, the rings' setup and
// interrupts; a device only takes chains from a queue and gives them back.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>

#include "devices/virtio/virtqueue.h"

namespace pxos {

class VirtioDevice {
 public:
  virtual ~VirtioDevice() = default;

  virtual uint16_t device_type() const = 0;  // 2: block
  // PCI class and subclass of its function.
  virtual uint8_t pci_class() const = 0;
  virtual uint8_t pci_subclass() const = 0;
  // Device-specific feature bits (0-23); the transport adds the ring and
  // version bits.
  virtual uint64_t device_features() const = 0;
  virtual int queue_count() const = 0;
  virtual uint16_t queue_max_size() const = 0;
  // The device configuration space: bytes past its end read 0, writes to
  // read-only fields are dropped.
  virtual void read_config(uint32_t offset, std::span<uint8_t> data) = 0;
  virtual void write_config(uint32_t offset, std::span<const uint8_t> data) = 0;
  // The driver accepted these features (FEATURES_OK).
  virtual void set_driver_features(uint64_t features) = 0;
  // The driver notified `queue` (or set DRIVER_OK with it enabled): take its
  // chains and give them back. The transport raises the interrupt after.
  virtual void process(int queue, Virtqueue& q) = 0;
  // The driver reset the device (status 0).
  virtual void reset() = 0;
  virtual void print_stats(std::ostream& os) const = 0;
};

}  // namespace pxos

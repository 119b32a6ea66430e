// A split virtqueue (virtio 1.1, 2.6) seen from the device: it takes the
// chains the driver made available, in order, and gives them back on the
// used ring with the number of bytes written. Guest memory is reached only
// through GuestMemory's bounds-checked helpers, and every value the guest
// controls is checked first:
//   - the queue's layout when it is enabled: a size that is a power of two
//     (1..32768), each area aligned and wholly in RAM (check_layout);
//   - the available index: it may run ahead of the device by at most the
//     queue size;
//   - each head and next index: inside its table;
//   - each chain: at most as many descriptors as its table has (a longer one
//     loops) and kMaxChain in all; device-writable buffers after the
//     readable ones; every buffer wholly in RAM;
//   - indirect tables (VIRTQ_DESC_F_INDIRECT, when negotiated): a nonzero
//     multiple of 16 bytes of at most kMaxChain entries in RAM, never with
//     NEXT, never nested.
// A violation breaks the queue (broken(), error()): it gives out no more
// chains until the device is reset, and the transport sets
// DEVICE_NEEDS_RESET. Nothing here can loop longer than kMaxChain steps a
// chain or touch memory outside the guest's RAM.
//
// Interrupt suppression as Linux uses it: without VIRTIO_F_EVENT_IDX the
// driver's avail.flags NO_INTERRUPT bit; with it, used_event (vring_need_event)
// for interrupts and avail_event (written after each chain taken) for the
// driver's notifications.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vm/memory.h"

namespace pxos {

struct VirtqueueLayout {
  uint32_t size = 0;
  uint64_t desc = 0, driver = 0, device = 0;
};

// A guest buffer that a descriptor names, checked to lie in RAM.
struct GuestBuffer {
  uint64_t addr = 0;
  uint32_t len = 0;
};

// One request: its device-readable buffers, then its device-writable ones.
struct DescriptorChain {
  uint16_t head = 0;
  std::vector<GuestBuffer> readable, writable;
  uint64_t readable_bytes() const;
  uint64_t writable_bytes() const;
};

// Sequential access to a chain's readable or writable bytes, as one stream.
class ChainReader {
 public:
  ChainReader(GuestMemory& mem, std::span<const GuestBuffer> bufs) : mem_(mem), bufs_(bufs) {}
  // Copies up to out.size() bytes; returns how many there were.
  size_t read(std::span<uint8_t> out);
  uint64_t remaining() const;

 private:
  GuestMemory& mem_;
  std::span<const GuestBuffer> bufs_;
  size_t index_ = 0;
  uint32_t offset_ = 0;
};

class ChainWriter {
 public:
  ChainWriter(GuestMemory& mem, std::span<const GuestBuffer> bufs) : mem_(mem), bufs_(bufs) {}
  // Copies up to in.size() bytes; returns how many fitted.
  size_t write(std::span<const uint8_t> in);
  uint64_t remaining() const;
  uint64_t written() const { return written_; }

 private:
  GuestMemory& mem_;
  std::span<const GuestBuffer> bufs_;
  size_t index_ = 0;
  uint32_t offset_ = 0;
  uint64_t written_ = 0;
};

class Virtqueue {
 public:
  // The most descriptors one chain may have, indirect ones included (as QEMU's limit).
  static constexpr uint32_t kMaxChain = 1024;

  // nullopt when `layout` is usable; else why not.
  static std::optional<std::string> check_layout(const GuestMemory& mem, const VirtqueueLayout& layout);

  // `layout` must have passed check_layout.
  Virtqueue(GuestMemory& mem, const VirtqueueLayout& layout, bool indirect, bool event_idx);

  // The next available chain, or nullopt when there is none or the queue is broken.
  std::optional<DescriptorChain> pop();
  // Gives `head` back with `written` bytes written into its writable buffers.
  void push(uint16_t head, uint32_t written);
  // Whether the driver wants an interrupt for what push() returned since the
  // last call (false when nothing was).
  bool take_interrupt();

  bool broken() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const VirtqueueLayout& layout() const { return layout_; }
  GuestMemory& memory() { return mem_; }  // where its chains' buffers are
  uint16_t last_avail() const { return last_avail_; }
  uint16_t used_idx() const { return used_idx_; }

 private:
  bool walk(uint16_t head, DescriptorChain& chain);
  bool add_buffer(DescriptorChain& chain, uint64_t addr, uint32_t len, uint16_t flags);
  void fail(std::string why);
  bool read16(uint64_t addr, uint16_t& v);

  GuestMemory& mem_;
  VirtqueueLayout layout_;
  bool indirect_, event_idx_;
  uint16_t last_avail_ = 0;
  uint16_t used_idx_ = 0;
  uint16_t signalled_used_ = 0;  // used_idx_ when take_interrupt last ran
  std::string error_;
};

}  // namespace pxos

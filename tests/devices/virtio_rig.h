// A driver's side of a split virtqueue for the virtio tests: lays out the
// descriptor table, the available ring and the used ring in guest memory,
// and reads back what the device returned.
#pragma once

#include <cstdint>
#include <utility>

#include "devices/virtio/virtio_regs.h"
#include "devices/virtio/virtqueue.h"
#include "vm/memory.h"

namespace pxos::test {

struct DriverRing {
  static constexpr uint64_t kDesc = 0x10000, kAvail = 0x11000, kUsed = 0x12000;
  GuestMemory& mem;
  uint32_t size;
  uint16_t avail_idx = 0;

  DriverRing(GuestMemory& m, uint32_t n) : mem(m), size(n) {
    for (uint64_t a = kDesc; a < kUsed + 0x1000; a += 4) mem.write32(a, 0);
  }
  VirtqueueLayout layout() const { return {size, kDesc, kAvail, kUsed}; }
  void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags = 0, uint16_t next = 0,
            uint64_t table = kDesc) const {
    uint64_t at = table + 16 * uint64_t{i};
    mem.write32(at, uint32_t(addr));
    mem.write32(at + 4, uint32_t(addr >> 32));
    mem.write32(at + 8, len);
    mem.write16(at + 12, flags);
    mem.write16(at + 14, next);
  }
  // Puts `head` on the available ring and moves its index.
  void offer(uint16_t head) {
    mem.write16(kAvail + 4 + 2 * uint64_t(avail_idx % size), head);
    ++avail_idx;
    mem.write16(kAvail + 2, avail_idx);
  }
  void set_avail_idx(uint16_t idx) {
    avail_idx = idx;
    mem.write16(kAvail + 2, idx);
  }
  void set_avail_flags(uint16_t f) const { mem.write16(kAvail, f); }
  void set_used_event(uint16_t e) const { mem.write16(kAvail + 4 + 2 * uint64_t{size}, e); }
  uint16_t avail_event() const { return mem.read16(kUsed + 4 + 8 * uint64_t{size}); }
  uint16_t used_idx() const { return mem.read16(kUsed + 2); }
  // Used ring entry `i`: {id, len}.
  std::pair<uint32_t, uint32_t> used(uint16_t i) const {
    uint64_t at = kUsed + 4 + 8 * uint64_t(i % size);
    return {mem.read32(at), mem.read32(at + 4)};
  }
};

}  // namespace pxos::test

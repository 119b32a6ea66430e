#include "devices/virtio/virtqueue.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "devices/virtio/virtio_regs.h"

namespace pxos {

using namespace virtio;

namespace {

struct Descriptor {
  uint64_t addr;
  uint32_t len;
  uint16_t flags, next;
};

uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

Descriptor decode(const std::array<uint8_t, kDescSize>& b) {
  return {uint64_t{le32(&b[0])} | uint64_t{le32(&b[4])} << 32, le32(&b[8]), le16(&b[12]), le16(&b[14])};
}

// vring_need_event (2.6.7.2): whether moving the used index from `old_idx`
// to `new_idx` passes the index `event` the driver asked to hear about.
bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx) {
  return uint16_t(new_idx - event - 1) < uint16_t(new_idx - old_idx);
}

}  // namespace

uint64_t DescriptorChain::readable_bytes() const {
  uint64_t n = 0;
  for (const GuestBuffer& b : readable) n += b.len;
  return n;
}

uint64_t DescriptorChain::writable_bytes() const {
  uint64_t n = 0;
  for (const GuestBuffer& b : writable) n += b.len;
  return n;
}

size_t ChainReader::read(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size() && index_ < bufs_.size()) {
    const GuestBuffer& b = bufs_[index_];
    size_t n = std::min<size_t>(out.size() - done, b.len - offset_);
    if (n && !mem_.read(b.addr + offset_, out.subspan(done, n))) std::memset(out.data() + done, 0, n);
    done += n;
    offset_ += uint32_t(n);
    if (offset_ == b.len) {
      ++index_;
      offset_ = 0;
    }
  }
  return done;
}

uint64_t ChainReader::remaining() const {
  uint64_t n = 0;
  for (size_t i = index_; i < bufs_.size(); ++i) n += bufs_[i].len;
  return n - (index_ < bufs_.size() ? offset_ : 0);
}

size_t ChainWriter::write(std::span<const uint8_t> in) {
  size_t done = 0;
  while (done < in.size() && index_ < bufs_.size()) {
    const GuestBuffer& b = bufs_[index_];
    size_t n = std::min<size_t>(in.size() - done, b.len - offset_);
    if (n) mem_.write(b.addr + offset_, in.subspan(done, n));  // checked in RAM when the chain was taken
    done += n;
    offset_ += uint32_t(n);
    if (offset_ == b.len) {
      ++index_;
      offset_ = 0;
    }
  }
  written_ += done;
  return done;
}

uint64_t ChainWriter::remaining() const {
  uint64_t n = 0;
  for (size_t i = index_; i < bufs_.size(); ++i) n += bufs_[i].len;
  return n - (index_ < bufs_.size() ? offset_ : 0);
}

std::optional<std::string> Virtqueue::check_layout(const GuestMemory& mem, const VirtqueueLayout& l) {
  if (l.size == 0 || l.size > kMaxQueueSize || (l.size & (l.size - 1)))
    return "queue size " + std::to_string(l.size) + " is not a power of two from 1 to 32768";
  if (l.desc % kDescAlign || l.driver % kDriverAlign || l.device % kDeviceAlign) return "a queue area is misaligned";
  if (!mem.in_ram(l.desc, desc_bytes(l.size)) || !mem.in_ram(l.driver, driver_bytes(l.size)) ||
      !mem.in_ram(l.device, device_bytes(l.size)))
    return "a queue area is not in RAM";
  return std::nullopt;
}

Virtqueue::Virtqueue(GuestMemory& mem, const VirtqueueLayout& layout, bool indirect, bool event_idx)
    : mem_(mem), layout_(layout), indirect_(indirect), event_idx_(event_idx) {}

void Virtqueue::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
}

bool Virtqueue::read16(uint64_t addr, uint16_t& v) {
  uint8_t b[2];
  if (!mem_.read(addr, b)) {
    fail("a ring is no longer in RAM");
    return false;
  }
  v = le16(b);
  return true;
}

std::optional<DescriptorChain> Virtqueue::pop() {
  if (broken()) return std::nullopt;
  uint16_t avail_idx;
  if (!read16(layout_.driver + 2, avail_idx) || avail_idx == last_avail_) return std::nullopt;
  if (uint16_t(avail_idx - last_avail_) > layout_.size) {
    fail("the available index ran " + std::to_string(uint16_t(avail_idx - last_avail_)) +
         " entries ahead, more than the queue size");
    return std::nullopt;
  }
  uint16_t head;
  if (!read16(layout_.driver + 4 + 2 * uint64_t(last_avail_ & (layout_.size - 1)), head)) return std::nullopt;
  ++last_avail_;
  if (event_idx_) {  // avail_event: notify me when you make the next one available
    uint8_t b[2] = {uint8_t(last_avail_), uint8_t(last_avail_ >> 8)};
    mem_.write(layout_.device + 4 + 8 * uint64_t{layout_.size}, b);
  }
  DescriptorChain chain;
  chain.head = head;
  if (!walk(head, chain)) return std::nullopt;
  return chain;
}

bool Virtqueue::add_buffer(DescriptorChain& chain, uint64_t addr, uint32_t len, uint16_t flags) {
  if (!mem_.in_ram(addr, len)) {
    fail("a descriptor's buffer is not in RAM");
    return false;
  }
  if (flags & kDescWrite) {
    chain.writable.push_back({addr, len});
  } else if (!chain.writable.empty()) {
    fail("a device-readable descriptor follows a device-writable one");
    return false;
  } else {
    chain.readable.push_back({addr, len});
  }
  return true;
}

// Follows the chain from `head`: through the descriptor table, and through
// an indirect table when a descriptor names one.
bool Virtqueue::walk(uint16_t head, DescriptorChain& chain) {
  uint64_t table = layout_.desc;
  uint32_t entries = layout_.size;
  uint32_t index = head, in_table = 0, total = 0;
  bool in_indirect = false;
  for (;;) {
    if (index >= entries) {
      fail("descriptor index " + std::to_string(index) + " is outside its table of " + std::to_string(entries));
      return false;
    }
    if (++in_table > entries || ++total > kMaxChain) {
      fail("a descriptor chain loops or is longer than its table");
      return false;
    }
    std::array<uint8_t, kDescSize> raw;
    if (!mem_.read(table + uint64_t{kDescSize} * index, raw)) {
      fail("a descriptor table is not in RAM");
      return false;
    }
    Descriptor d = decode(raw);
    if (d.flags & kDescIndirect) {
      if (!indirect_ || in_indirect || (d.flags & kDescNext)) {
        fail(!indirect_    ? "an indirect descriptor without VIRTIO_F_INDIRECT_DESC"
             : in_indirect ? "an indirect descriptor inside an indirect table"
                           : "an indirect descriptor with NEXT set");
        return false;
      }
      const char* bad = d.len == 0                      ? "is empty"
                        : d.len % kDescSize             ? "is not whole descriptors"
                        : d.len / kDescSize > kMaxChain ? "is too long"
                        : !mem_.in_ram(d.addr, d.len)   ? "is not in RAM"
                                                        : nullptr;
      if (bad) {
        fail("an indirect table of " + std::to_string(d.len) + " bytes " + bad);
        return false;
      }
      table = d.addr;
      entries = d.len / kDescSize;
      index = 0;
      in_table = 0;
      in_indirect = true;
      continue;
    }
    if (!add_buffer(chain, d.addr, d.len, d.flags)) return false;
    if (!(d.flags & kDescNext)) return true;
    index = d.next;
  }
}

void Virtqueue::push(uint16_t head, uint32_t written) {
  if (broken()) return;
  uint8_t elem[8];
  for (int i = 0; i < 4; ++i) {
    elem[i] = uint8_t(uint32_t{head} >> (8 * i));
    elem[4 + i] = uint8_t(written >> (8 * i));
  }
  uint64_t slot = layout_.device + 4 + 8 * uint64_t(used_idx_ & (layout_.size - 1));
  ++used_idx_;
  uint8_t idx[2] = {uint8_t(used_idx_), uint8_t(used_idx_ >> 8)};
  if (!mem_.write(slot, elem) || !mem_.write(layout_.device + 2, idx)) fail("the used ring is no longer in RAM");
}

bool Virtqueue::take_interrupt() {
  if (broken() || used_idx_ == signalled_used_) return false;
  uint16_t old = signalled_used_;
  signalled_used_ = used_idx_;
  if (event_idx_) {
    uint16_t used_event;
    if (!read16(layout_.driver + 4 + 2 * uint64_t{layout_.size}, used_event)) return false;
    return need_event(used_event, used_idx_, old);
  }
  uint16_t flags;
  if (!read16(layout_.driver, flags)) return false;
  return !(flags & kAvailNoInterrupt);
}

}  // namespace pxos

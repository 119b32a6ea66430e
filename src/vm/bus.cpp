#include "vm/bus.h"

#include <algorithm>
#include <ostream>
#include <stdexcept>

namespace pxos {

void PortBus::add(std::string name, uint16_t first, uint32_t count, IoCallback cb) {
  if (count == 0 || first + count > 0x10000) throw std::logic_error("port range out of bounds: " + name);
  for (uint32_t p = first; p < first + count; ++p)
    if (uint16_t o = owner(uint16_t(p)))
      throw std::logic_error("port range of " + name + " overlaps " + ranges_[o - 1]->name);
  ranges_.push_back(std::make_unique<Range>(Range{std::move(name), first, count, std::move(cb), {}}));
  for (uint32_t p = first; p < first + count; ++p) set_owner(uint16_t(p), uint16_t(ranges_.size()));
}

bool PortBus::try_add(std::string name, uint16_t first, uint32_t count, IoCallback cb) {
  if (count == 0 || first + count > 0x10000) return false;
  for (uint32_t p = first; p < first + count; ++p)
    if (owner(uint16_t(p))) return false;
  add(std::move(name), first, count, std::move(cb));
  return true;
}

bool PortBus::remove(uint16_t first) {
  auto it = std::find_if(ranges_.begin(), ranges_.end(), [first](const auto& r) { return r->first == first; });
  if (it == ranges_.end()) return false;
  for (uint32_t p = (*it)->first; p < (*it)->first + (*it)->count; ++p) set_owner(uint16_t(p), 0);
  size_t index = size_t(it - ranges_.begin());
  ranges_.erase(it);
  // The ranges after it move down one place: their ports say so.
  for (size_t i = index; i < ranges_.size(); ++i)
    for (uint32_t p = ranges_[i]->first; p < ranges_[i]->first + ranges_[i]->count; ++p)
      set_owner(uint16_t(p), uint16_t(i + 1));
  return true;
}

void PortBus::set_owner(uint16_t port, uint16_t index) {
  std::unique_ptr<OwnerBlock>& b = owner_[port >> 8];
  if (!b) b = std::make_unique<OwnerBlock>();  // value-initialised: no port claimed
  (*b)[port & 0xFF] = index;
}

void PortBus::access(uint16_t port, std::span<uint8_t> data, bool is_write) {
  uint16_t idx = owner(port);
  if (!idx) {
    (is_write ? unclaimed_.writes : unclaimed_.reads)++;
    if (!is_write) std::fill(data.begin(), data.end(), 0xFF);
    return;
  }
  Range& r = *ranges_[idx - 1];
  (is_write ? r.counters.writes : r.counters.reads)++;
  r.cb(port - r.first, data, is_write);
}

uint32_t PortBus::read(uint16_t port, uint8_t size) {
  uint8_t buf[4] = {};
  access(port, {buf, size}, false);
  return bytes_to_u32({buf, size});
}

void PortBus::write(uint16_t port, uint8_t size, uint32_t value) {
  uint8_t buf[4];
  u32_to_bytes(value, {buf, size});
  access(port, {buf, size}, true);
}

void PortBus::print_stats(std::ostream& os) const {
  for (const auto& r : ranges_)
    os << "  port " << r->name << ": " << r->counters.reads << " reads, " << r->counters.writes << " writes\n";
  os << "  port (unclaimed): " << unclaimed_.reads << " reads, " << unclaimed_.writes << " writes dropped\n";
}

void MmioBus::add(std::string name, uint64_t first, uint64_t size, IoCallback cb) {
  for (const auto& r : ranges_)
    if (first < r->first + r->size && r->first < first + size)
      throw std::logic_error("MMIO range of " + name + " overlaps " + r->name);
  ranges_.push_back(std::make_unique<Range>(Range{std::move(name), first, size, std::move(cb), {}}));
}

bool MmioBus::try_add(std::string name, uint64_t first, uint64_t size, IoCallback cb) {
  if (size == 0 || first + size < first) return false;
  for (const auto& r : ranges_)
    if (first < r->first + r->size && r->first < first + size) return false;
  ranges_.push_back(std::make_unique<Range>(Range{std::move(name), first, size, std::move(cb), {}}));
  return true;
}

bool MmioBus::remove(uint64_t first) {
  auto it = std::find_if(ranges_.begin(), ranges_.end(), [first](const auto& r) { return r->first == first; });
  if (it == ranges_.end()) return false;
  ranges_.erase(it);
  return true;
}

bool MmioBus::access(uint64_t address, std::span<uint8_t> data, bool is_write) {
  for (const auto& range : ranges_) {
    Range& r = *range;
    if (address >= r.first && address - r.first + data.size() <= r.size) {
      (is_write ? r.counters.writes : r.counters.reads)++;
      r.cb(address - r.first, data, is_write);
      return true;
    }
  }
  (is_write ? unclaimed_.writes : unclaimed_.reads)++;
  if (!is_write) std::fill(data.begin(), data.end(), 0xFF);
  return false;
}

void MmioBus::print_stats(std::ostream& os) const {
  for (const auto& r : ranges_)
    os << "  mmio " << r->name << ": " << r->counters.reads << " reads, " << r->counters.writes << " writes\n";
  os << "  mmio (unclaimed): " << unclaimed_.reads << " reads, " << unclaimed_.writes << " writes dropped\n";
}

IoCallback byte_registers(uint16_t first, uint32_t count, std::function<uint8_t(uint16_t port)> read,
                          std::function<void(uint16_t port, uint8_t value)> write) {
  return [first, count, read = std::move(read), write = std::move(write)](uint64_t off, std::span<uint8_t> data,
                                                                          bool is_write) {
    for (size_t i = 0; i < data.size(); ++i) {
      if (off + i >= count) {
        if (!is_write) data[i] = 0xFF;
        continue;
      }
      uint16_t port = uint16_t(first + off + i);
      if (is_write)
        write(port, data[i]);
      else
        data[i] = read(port);
    }
  };
}

}  // namespace pxos

// The port bus and the MMIO bus: devices register address ranges with one
// callback each; the monitor routes every guest access through here and
// never names a device.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pxos {

// One callback serves reads and writes: `data` holds the access's bytes,
// little-endian (1, 2 or 4 for ports, 1..8 for MMIO). For a read the device
// fills it; for a write it reads it. `offset` is relative to the range start.
using IoCallback = std::function<void(uint64_t offset, std::span<uint8_t> data, bool is_write)>;

struct BusCounters {
  uint64_t reads = 0;
  uint64_t writes = 0;
};

class PortBus {
 public:
  // Claims ports [first, first+count). Throws std::logic_error on overlap.
  void add(std::string name, uint16_t first, uint32_t count, IoCallback cb);
  // As add(), for a range the guest chose (a PCI BAR): false, claiming
  // nothing, where add() would throw.
  bool try_add(std::string name, uint16_t first, uint32_t count, IoCallback cb);
  // Gives back the range that starts at `first`; false when none does. Its
  // counters go with it. A callback may add and remove other ranges, never
  // its own.
  bool remove(uint16_t first);
  // Guest port access. Unclaimed reads return all ones, unclaimed writes are
  // dropped; both are counted.
  void access(uint16_t port, std::span<uint8_t> data, bool is_write);
  uint32_t read(uint16_t port, uint8_t size);
  void write(uint16_t port, uint8_t size, uint32_t value);

  const BusCounters& unclaimed() const { return unclaimed_; }
  void print_stats(std::ostream& os) const;

 private:
  struct Range {
    std::string name;
    uint16_t first;
    uint32_t count;
    IoCallback cb;
    BusCounters counters;
  };
  // Each range stays where it is while the bus changes (a callback may add
  // or remove other ranges: a PCI BAR moving while its function's
  // configuration is written). port -> index+1 into ranges_, 0 = none; in blocks of 256 ports made
  // when a device claims one, as a bus is built often (a machine, each
  // fuzzer input) and claims few of the 64 Ki ports.
  using OwnerBlock = std::array<uint16_t, 256>;
  uint16_t owner(uint16_t port) const {
    const OwnerBlock* b = owner_[port >> 8].get();
    return b ? (*b)[port & 0xFF] : 0;
  }
  void set_owner(uint16_t port, uint16_t index);

  std::vector<std::unique_ptr<Range>> ranges_;
  std::array<std::unique_ptr<OwnerBlock>, 256> owner_;
  BusCounters unclaimed_;
};

class MmioBus {
 public:
  // Claims [first, first+size). Throws std::logic_error on overlap.
  void add(std::string name, uint64_t first, uint64_t size, IoCallback cb);
  // As add(), for a range the guest chose (a PCI BAR): false, claiming
  // nothing, where add() would throw.
  bool try_add(std::string name, uint64_t first, uint64_t size, IoCallback cb);
  // Gives back the range that starts at `first`; false when none does (a
  // callback may remove other ranges, never its own).
  bool remove(uint64_t first);
  // Returns false (after filling reads with all ones) when nothing claims it.
  bool access(uint64_t address, std::span<uint8_t> data, bool is_write);
  const BusCounters& unclaimed() const { return unclaimed_; }
  void print_stats(std::ostream& os) const;

 private:
  struct Range {
    std::string name;
    uint64_t first, size;
    IoCallback cb;
    BusCounters counters;
  };
  std::vector<std::unique_ptr<Range>> ranges_;  // stable while a callback changes the bus
  BusCounters unclaimed_;
};

// The callback of a device with 8-bit registers at ports [first, first+count):
// a wider access becomes byte cycles at consecutive ports, and bytes beyond
// the range read as all ones (writes to them are dropped).
IoCallback byte_registers(uint16_t first, uint32_t count, std::function<uint8_t(uint16_t port)> read,
                          std::function<void(uint16_t port, uint8_t value)> write);

// Little-endian helpers for device callbacks.
inline uint32_t bytes_to_u32(std::span<const uint8_t> d) {
  uint32_t v = 0;
  for (size_t i = 0; i < d.size() && i < 4; ++i) v |= uint32_t{d[i]} << (8 * i);
  return v;
}
inline void u32_to_bytes(uint32_t v, std::span<uint8_t> d) {
  for (size_t i = 0; i < d.size(); ++i) d[i] = i < 4 ? uint8_t(v >> (8 * i)) : 0;
}

}  // namespace pxos

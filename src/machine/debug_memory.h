// Guest memory as a debugger sees it: linear addresses through the guest's
// current paging (a read-only walk of its tables: no accessed or dirty bits
// set, no fault raised), and physical addresses limited to RAM and the ROM.
// Nothing outside guest memory is ever touched: a byte the guest could not
// reach as RAM or ROM (device windows, holes, unmapped pages) ends the access.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "engine/engine.h"
#include "vm/memory.h"

namespace pxos {

class DebugMemory {
 public:
  explicit DebugMemory(GuestMemory& mem) : mem_(mem) {}

  // The physical address of a linear one under `s` (paging as CR0.PG, CR4.PSE
  // say; the A20 gate applied); nullopt when a page is not present.
  std::optional<uint64_t> translate(const CpuState& s, uint32_t linear);

  // Bytes copied from the start of `out` until the first one that cannot be
  // read (0: none).
  size_t read_linear(const CpuState& s, uint32_t linear, std::span<uint8_t> out);
  size_t read_physical(uint64_t phys, std::span<uint8_t> out);
  // All or nothing: false (and nothing written) when any byte is not writable RAM.
  bool write_linear(const CpuState& s, uint32_t linear, std::span<const uint8_t> in);

 private:
  GuestMemory& mem_;
};

}  // namespace pxos

#include "bios/guest_buffer.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "vm/paging.h"

namespace pxos {

namespace {

struct Piece {
  uint64_t phys;
  size_t offset, size;  // within the buffer
};

// The buffer's physical pieces (one per page in virtual-8086 mode, else one),
// each checked as RAM (`for_write`) or RAM and ROM; nullopt when any fails.
std::optional<std::vector<Piece>> pieces(GuestMemory& mem, const CpuState& cpu, uint32_t linear, size_t len,
                                         bool for_write) {
  auto reachable = [&](uint64_t phys, size_t n) {
    return for_write ? mem.ram_span(phys, n) != nullptr : mem.readable_span(phys, n) != nullptr;
  };
  if (!(cpu.eflags & flag::VM)) {  // real mode: linear = physical
    if (!reachable(linear, len)) return std::nullopt;
    return std::vector<Piece>{{linear, 0, len}};
  }
  std::vector<Piece> out;
  for (size_t done = 0; done < len;) {
    uint32_t at = linear + uint32_t(done);
    size_t n = std::min<size_t>(len - done, GuestMemory::kPageSize - (at % GuestMemory::kPageSize));
    std::optional<uint64_t> phys = translate_linear(mem, PagingRegs{cpu.cr0, cpu.cr3, cpu.cr4}, at);
    if (!phys || !reachable(*phys, n)) return std::nullopt;
    out.push_back({*phys, done, n});
    done += n;
  }
  return out;
}

}  // namespace

bool copy_from_guest_buffer(GuestMemory& mem, const CpuState& cpu, uint32_t linear, std::span<uint8_t> out) {
  std::optional<std::vector<Piece>> parts = pieces(mem, cpu, linear, out.size(), false);
  if (!parts) return false;
  for (const Piece& p : *parts) mem.read(p.phys, out.subspan(p.offset, p.size));
  return true;
}

bool copy_to_guest_buffer(GuestMemory& mem, const CpuState& cpu, uint32_t linear, std::span<const uint8_t> in) {
  std::optional<std::vector<Piece>> parts = pieces(mem, cpu, linear, in.size(), true);
  if (!parts) return false;
  for (const Piece& p : *parts) mem.write(p.phys, in.subspan(p.offset, p.size));
  return true;
}

bool guest_buffer_writable(GuestMemory& mem, const CpuState& cpu, uint32_t linear, uint32_t len) {
  return pieces(mem, cpu, linear, len, true).has_value();
}

}  // namespace pxos

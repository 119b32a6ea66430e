#include "vm/paging.h"

#include <cstring>

namespace pxos {

namespace {
constexpr uint32_t kPg = 1u << 31;
constexpr uint32_t kPse = 1u << 4;
constexpr uint32_t kPresent = 1, kLarge = 0x80;
}  // namespace

std::optional<uint64_t> translate_linear(GuestMemory& mem, const PagingRegs& regs, uint32_t linear) {
  uint32_t a20 = mem.a20() ? ~0u : ~(1u << 20);
  if (!(regs.cr0 & kPg)) return linear & a20;
  auto read_entry = [&](uint64_t at) -> std::optional<uint32_t> {  // a table entry, from RAM or ROM only
    const uint8_t* p = mem.readable_span(at & a20, 4);
    if (!p) return std::nullopt;
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  };
  std::optional<uint32_t> pde = read_entry((regs.cr3 & ~0xFFFu) | ((linear >> 20) & 0xFFC));
  if (!pde || !(*pde & kPresent)) return std::nullopt;
  if ((*pde & kLarge) && (regs.cr4 & kPse)) return ((*pde & 0xFFC00000u) | (linear & 0x003FFFFFu)) & a20;
  std::optional<uint32_t> pte = read_entry((*pde & ~0xFFFu) | ((linear >> 10) & 0xFFC));
  if (!pte || !(*pte & kPresent)) return std::nullopt;
  return ((*pte & ~0xFFFu) | (linear & 0xFFF)) & a20;
}

}  // namespace pxos

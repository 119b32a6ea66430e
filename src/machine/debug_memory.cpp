#include "machine/debug_memory.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "vm/paging.h"

namespace pxos {

namespace {
constexpr uint64_t kPage = 4096;
}  // namespace

std::optional<uint64_t> DebugMemory::translate(const CpuState& s, uint32_t linear) {
  return translate_linear(mem_, PagingRegs{s.cr0, s.cr3, s.cr4}, linear);
}

size_t DebugMemory::read_physical(uint64_t phys, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    uint64_t at = phys + done;
    size_t n = std::min<uint64_t>(out.size() - done, kPage - (at % kPage));
    const uint8_t* p = mem_.readable_span(at, n);
    if (!p) break;
    std::memcpy(out.data() + done, p, n);
    done += n;
  }
  return done;
}

size_t DebugMemory::read_linear(const CpuState& s, uint32_t linear, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    uint32_t at = linear + uint32_t(done);
    size_t n = std::min<uint64_t>(out.size() - done, kPage - (at % kPage));
    std::optional<uint64_t> phys = translate(s, at);
    if (!phys) break;
    size_t got = read_physical(*phys, out.subspan(done, n));
    done += got;
    if (got < n) break;
  }
  return done;
}

bool DebugMemory::write_linear(const CpuState& s, uint32_t linear, std::span<const uint8_t> in) {
  // Every page is checked before the first byte is written.
  std::vector<std::pair<uint8_t*, size_t>> pieces;
  size_t done = 0;
  while (done < in.size()) {
    uint32_t at = linear + uint32_t(done);
    size_t n = std::min<uint64_t>(in.size() - done, kPage - (at % kPage));
    std::optional<uint64_t> phys = translate(s, at);
    uint8_t* p = phys ? mem_.ram_span(*phys, n) : nullptr;
    if (!p) return false;
    pieces.push_back({p, n});
    done += n;
  }
  done = 0;
  for (auto [p, n] : pieces) {
    std::memcpy(p, in.data() + done, n);
    done += n;
  }
  return true;
}

}  // namespace pxos

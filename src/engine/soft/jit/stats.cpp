#include "engine/soft/jit/stats.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

namespace pxos::soft::jit {
namespace {

// The handler names of opcodes.inc by opcode (0F xx: 256 + xx), for the report.
std::array<std::string_view, 512> opcode_names() {
  std::array<std::string_view, 512> t{};
#define X(opcode, format, handler, ...) t[(opcode)&0x1FF] = #handler;
#include "engine/soft/opcodes.inc"
#undef X
  return t;
}

std::string line(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

double percent(uint64_t part, uint64_t whole) { return whole ? 100.0 * double(part) / double(whole) : 0.0; }

}  // namespace

std::string format_stats(const Stats& s, uint64_t retired) {
  std::string out = line(
      "jit: %llu of %llu instructions ran translated (%.1f %%), %.1f a run entered; %llu runs "
      "compiled, %.1f KiB of host code\n",
      (unsigned long long)s.translated, (unsigned long long)retired, percent(s.translated, retired),
      s.entries ? double(s.translated) / double(s.entries) : 0.0, (unsigned long long)s.runs,
      double(s.code_bytes) / 1024.0);
  out += line(
      "jit: left translated code early: %llu memory (TLB miss, page crossing, code page), %llu segment limit, "
      "%llu jump target past CS limit, %llu shift count; %llu runs sent to the thunks whole (segments not as "
      "translated)\n",
      (unsigned long long)s.bails[size_t(Bail::Memory)], (unsigned long long)s.bails[size_t(Bail::Limit)],
      (unsigned long long)s.bails[size_t(Bail::JumpLimit)], (unsigned long long)s.bails[size_t(Bail::Operand)],
      (unsigned long long)s.guard_misses);
  static const std::array<std::string_view, 512> names = opcode_names();
  std::vector<std::pair<uint64_t, unsigned>> top;
  uint64_t total = 0;
  for (unsigned k = 0; k < 512; ++k) {
    total += s.fallback[k];
    if (s.fallback[k]) top.push_back({s.fallback[k], k});
  }
  std::sort(top.rbegin(), top.rend());
  out += line("jit: %llu instructions ran through thunks outside any run (%.1f %%); the most frequent:\n",
              (unsigned long long)total, percent(total, retired));
  for (size_t k = 0; k < top.size() && k < 12; ++k) {
    unsigned op = top[k].second;
    std::string code = op >= 256 ? line("0F %02X", op - 256) : line("%02X", op);
    out += line("jit:   %-6s %-14.*s %12llu  %5.1f %%\n", code.c_str(), int(names[op].size()), names[op].data(),
                (unsigned long long)top[k].first, percent(top[k].first, retired));
  }
  return out;
}

}  // namespace pxos::soft::jit

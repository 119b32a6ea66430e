// What the translator counts with --jit-stats (SoftOptions::jit_stats): how many
// instructions ran in translated code, why translated code was left early, which
// instructions ran through the thunks instead, and how much code was made. The
// counting code is emitted only while a Stats is attached, so without the flag
// translated code carries none of it.
#pragma once

#include <cstdint>
#include <string>

namespace pxos::soft::jit {

// Why translated code handed an instruction to its generic handler (a bail-out).
enum class Bail : uint8_t {
  Memory,     // a TLB miss, a page crossing or a page holding code
  Limit,      // an offset past its segment's limit
  JumpLimit,  // a jump target past the CS limit
  Operand,    // an operand value the code leaves to the interpreter (a shift count of 0 or past the width)
  Count,
};

struct Stats {
  uint64_t translated = 0;  // instructions completed in translated code
  uint64_t entries = 0;     // runs entered (past their segment checks)
  uint64_t bails[size_t(Bail::Count)] = {};
  uint64_t guard_misses = 0;    // runs sent to the thunks whole: a segment not as it was at translation
  uint64_t fallback[512] = {};  // instructions run through thunks outside any run, by opcode (0F xx: 256 + xx)
  uint64_t runs = 0;            // runs compiled
  uint64_t code_bytes = 0;      // host code made (over all restarts of the code buffer)
};

// The report --jit-stats prints: `retired` is every instruction the CPU retired.
std::string format_stats(const Stats& s, uint64_t retired);

}  // namespace pxos::soft::jit

// The shared corpus every backend must agree on, generated from a fixed seed
// (nothing big is committed). Also the bench's workload generator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pxi/format.h"

namespace pxos::pxi {

struct CorpusCase {
  std::string name;
  std::vector<Pixel> ops;
};

// Valid UART ops: mostly WRITEs of printable text on a stable line, with a line
// change (SET-LINE or a WRITE on new settings) about every change_every ops and
// NOP padding here and there.
std::vector<Pixel> random_valid_ops(uint64_t seed, size_t n, size_t change_every = 512);
// One invalid pixel of each op-error kind, cycling on k.
Pixel invalid_op(uint64_t k);

// empty, one op, all NOP, random valid (several sizes, across tile borders),
// random with errors at the first / middle / last op and several errors, and,
// with huge, 16 Mi ops (valid and with an error near the end).
std::vector<CorpusCase> make_corpus(uint64_t seed, bool huge);

}  // namespace pxos::pxi

// The emitter (emit.cpp): one run of a block's translatable instructions to host code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/soft/cpu.h"
#include "engine/soft/jit/stats.h"

namespace pxos::soft {
struct Block;
}

namespace pxos::soft::jit {

// The host code of the block's instructions [first, end), entered like the thunk of
// instruction `first` and left like a thunk, into the next instruction's (see
// emit.cpp). Field offsets are taken from `c`, the CPU the code will run on; `orig`
// is instruction first's own thunk, which the code runs instead when a segment it
// relies on is not flat; `epoch` is the block cache's (a run that ends the block
// chains to the next block itself); `stats`, when not null, gets the code's counts
// (--jit-stats).
std::vector<uint8_t> compile_run(const Cpu& c, Block& b, const uint64_t* epoch, size_t first, size_t end, Thunk orig,
                                 Stats* stats = nullptr);

}  // namespace pxos::soft::jit

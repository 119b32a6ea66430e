// The definition of the threaded-dispatch thunk. Included by the handler
// families, which instantiate it next to their handlers (PXOS_INSTANTIATE) so the
// handler body is inlined into its thunk.
#pragma once

#include "engine/soft/cpu.h"

namespace pxos::soft {

// Threaded dispatch: each instruction's thunk runs its handler and jumps to the
// next instruction's thunk from its own call site, so the host's branch predictor
// sees one indirect jump per handler instead of one shared call site. A block
// ends with a sentinel whose thunk (block_end) returns or chains. EIP and the
// instruction count come from the block's start (Cpu::block_eip, block_icount), so
// they are exact whenever a handler runs, a fault is raised or the block is left.
template <Handler H>
void thunk(Cpu& c, const Insn* in) {
  c.insn_eip = c.block_eip + in->off;
  c.eip = c.insn_eip + in->len;
  c.icount = c.block_icount + in->idx;  // exact for the handler (RDTSC) and a fault
  H(c, *in);
  c.icount = c.block_icount + in->idx + 1;
  if (c.exit_block) [[unlikely]]
    return;
  ++in;
  return in->th(c, in);
}
}  // namespace pxos::soft

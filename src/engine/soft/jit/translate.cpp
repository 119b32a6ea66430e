// The translator: finds the runs of two or more translatable instructions in a block
// (jit/forms.h), has each compiled to host code (jit/emit.cpp) and makes the run's
// first instruction enter it; the other instructions of the block keep their thunks.
// A flag reader joins a run only when a setter earlier in the same run decides its
// condition; ADC/SBB/INC/DEC (which read CF) take it from the CPU's lazy flags when no
// setter is in the run before them.
#include "engine/soft/jit/translate.h"

#include <algorithm>
#include <span>
#include <vector>

#include "engine/soft/exec.h"
#include "engine/soft/fast.h"
#include "engine/soft/jit/code_buffer.h"
#include "engine/soft/jit/emit.h"
#include "engine/soft/jit/forms.h"

namespace pxos::soft::jit {

Translator::Translator(size_t capacity) { set_capacity(capacity); }

void Translator::set_capacity(size_t capacity) {
  buf_.reset();
#if defined(__x86_64__) && defined(__linux__)
  buf_ = std::make_unique<CodeBuffer>(std::max(capacity, size_t{32} << 10));
#else
  (void)capacity;
#endif
}
Translator::~Translator() = default;

bool Translator::ok() const { return buf_ && buf_->ok(); }
// Room for the largest block's code (48 instructions of at most a few hundred bytes each).
bool Translator::nearly_full() const {
  return ok() && buf_->used() + std::min(size_t{256} << 10, buf_->capacity() / 2) > buf_->capacity();
}
void Translator::reset() {
  if (buf_) buf_->reset();
  ++resets_;
}

namespace {

// --jit-stats: the thunk of an instruction outside every run counts it, then runs it.
void count_fallback(Cpu& c, const Insn* in) {
  ++c.jit_stats->fallback[(in->map ? 256 : 0) + in->op];
  return run_generic(c, in);
}

}  // namespace

void Translator::translate(const Cpu& c, Block& b, const uint64_t* epoch) {
  std::span<Insn> insns = b.insns;
  if (!ok() || insns.size() < 2) return;
  const size_t n = insns.size() - 1;  // the end sentinel is not an instruction
  size_t j = 0;
  while (j < n) {
    if (!insns[j].jit || reads_flags(insns[j])) {
      if (stats_) insns[j].th = &count_fallback;
      ++j;
      continue;
    }
    // Extend the run while instructions translate; a flag reader joins only when a
    // setter earlier in the run decides its condition.
    size_t e = j;
    FlagKind k = L_NONE;
    while (e < n && insns[e].jit) {
      if (reads_flags(insns[e]) && !cond_ok(k, insns[e].op & 15)) break;
      k = kind_after(insns[e], k);
      ++e;
    }
    if (e - j >= 2) {
      std::vector<uint8_t> code = compile_run(c, b, epoch, j, e, insns[j].th, stats_);
      const uint8_t* at = buf_->add(code);
      if (!at) return;  // full: the rest of the block keeps its thunks
      insns[j].th = reinterpret_cast<Thunk>(const_cast<uint8_t*>(at));
      ++runs_;
      if (stats_) {
        ++stats_->runs;
        stats_->code_bytes += code.size();
      }
    } else if (stats_) {
      for (size_t k = j; k < std::max(e, j + 1); ++k) insns[k].th = &count_fallback;
    }
    j = e == j ? j + 1 : e;
  }
}

}  // namespace pxos::soft::jit

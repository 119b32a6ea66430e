// The translator: compiles runs of the common 8-, 16- and 32-bit instruction forms
// inside a decoded block into host x86-64 code: which forms (forms.h), finding the runs
// (translate.cpp), the code (emit.cpp); ../README.md describes it.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/soft/cpu.h"
#include "engine/soft/jit/stats.h"

namespace pxos::soft {
struct Block;
}

namespace pxos::soft::jit {

class CodeBuffer;

class Translator {
 public:
  static constexpr size_t kDefaultCapacity = size_t{64} << 20;
  explicit Translator(size_t capacity = kDefaultCapacity);
  ~Translator();

  // False when the host gave no executable memory (or the host is not x86-64):
  // the engine then runs everything through its thunks.
  bool ok() const;
  // True when the code buffer may not hold another block: the owner drops every
  // block (their code goes with them) and calls reset() before translating more.
  bool nearly_full() const;
  void reset();
  // A code buffer of `capacity` bytes (at least 32 KiB) instead: the owner drops every
  // block first (their code goes with the old buffer).
  void set_capacity(size_t capacity);
  // Compiles the runs of two or more translatable instructions of a block (its
  // instructions followed by the end sentinel) and makes the first instruction of
  // each run enter the compiled code (Insn::th). `c` is the CPU the code will run
  // on: the code addresses the CPU's fields relative to it. A run that ends the
  // block goes on to the next block itself (block_end's fast path, inline);
  // `epoch` is the block cache's current epoch, which that path compares.
  void translate(const Cpu& c, Block& b, const uint64_t* epoch);
  // Runs compiled so far (for tests and the engine's README).
  uint64_t runs() const { return runs_; }
  // Times the code buffer was started over (reset()).
  uint64_t resets() const { return resets_; }
  // --jit-stats: code translated from now on counts into `s` (Cpu::jit_stats must
  // point at it too), and every instruction of a block outside a run goes through a
  // thunk that counts it by opcode. Null: no counting.
  void set_stats(Stats* s) { stats_ = s; }

 private:
  std::unique_ptr<CodeBuffer> buf_;
  uint64_t runs_ = 0;
  uint64_t resets_ = 0;
  Stats* stats_ = nullptr;
};

}  // namespace pxos::soft::jit

// The execution core: the decoded-block cache and the run loop. Used by the
// Vcpu adapter (soft_vcpu.cpp) and directly by the conformance runner (src/conformance/).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/soft/cpu.h"
#include "engine/soft/jit/translate.h"

namespace pxos::soft {

// A straight run of decoded instructions from one physical page, ending at the
// first control transfer (or anything that changes the mode), the page end or
// kMaxInsns. Blocks are keyed by physical address and CS.D.
struct Block {
  uint32_t phys = 0;
  bool code32 = false;
  uint32_t bytes = 0;  // code bytes covered
  uint32_t count = 0;  // instructions (the end sentinel not counted)
  uint64_t epoch = 0;  // last cache epoch in which `code` was checked against memory
  struct Chain {
    uint32_t lin = 0;  // linear CS:EIP of a successor seen before
    Block* to = nullptr;
    uint64_t gen = ~uint64_t{0};  // valid while Cpu::chain_gen is unchanged
  } chain[2];
  uint8_t next_chain = 0;
  std::vector<Insn> insns;
  const Insn* entry = nullptr;  // insns.data(), for translated code's way in (set once built)
  std::vector<uint8_t> code;    // copy of the bytes, to detect writes made behind the CPU's back
};

class BlockCache {
 public:
  static constexpr unsigned kMaxInsns = 48;
  static constexpr unsigned kFastSlots = 1u << 15;  // a Linux kernel's hot code needs more than 4 Ki

  BlockCache();
  ~BlockCache();

  // The block at CS:EIP (physical `phys`), decoding it if needed. nullptr when
  // the code cannot be cached (MMIO, an instruction crossing the page or the limit).
  Block* get(Cpu& c, uint32_t phys);
  // A write hit [p, p+len) on a page holding code.
  void invalidate(Cpu& c, uint32_t p, uint32_t len);
  // Drops everything.
  void flush(Cpu& c);
  // Memory may have changed behind our back (the monitor writes guest RAM
  // between runs): every block re-checks its bytes on its next use. Chains stay:
  // they lead only to blocks of the current epoch (block_end checks), others go
  // through get().
  void new_epoch(Cpu&) { ++epoch_; }
  uint64_t epoch() const { return epoch_; }
  const uint64_t* epoch_address() const { return &epoch_; }  // for translated code (jit/)
  // A block of an older epoch: true (and it is current again) when its bytes still match memory.
  bool recheck(Cpu& c, Block* b);
  // Frees invalidated blocks (only between blocks).
  void collect() {
    if (!graveyard_.empty()) graveyard_.clear();
  }
  size_t size() const { return map_.size(); }
  // Translation of instruction runs to host code (jit/): on by default where
  // the host allows it.
  void set_translate(bool on) { translate_ = on && jit_.ok(); }
  // The translator's code buffer, in bytes (drops every block).
  void set_code_capacity(Cpu& c, size_t bytes) {
    flush(c);
    jit_.set_capacity(bytes);
    translate_ = translate_ && jit_.ok();
  }
  bool translating() const { return translate_; }
  // --jit-stats: what translated code does from now on counts into `s` (null: no counting).
  void set_jit_stats(Cpu& c, jit::Stats* s) {
    flush(c);
    c.jit_stats = s;
    jit_.set_stats(s);
  }
  const jit::Translator& translator() const { return jit_; }

 private:
  static uint64_t key(uint32_t phys, bool code32) { return uint64_t{phys} << 1 | (code32 ? 1 : 0); }
  static unsigned slot(uint32_t phys) { return (phys ^ (phys >> 15)) & (kFastSlots - 1); }
  void remove(Cpu& c, Block* b);
  Block* build(Cpu& c, uint32_t phys);

  // Zeroed by calloc, which takes a table this large straight from mmap:
  // only the pages of the slots used cost anything, where a member array
  // was written whole by every cache made (a fuzzer makes one per input).
  struct Free {
    void operator()(Block** p) const { std::free(p); }
  };
  uint64_t epoch_ = 1;
  jit::Translator jit_;
  bool translate_ = jit_.ok();
  std::unique_ptr<Block*[], Free> fast_;
  std::unordered_map<uint64_t, std::unique_ptr<Block>> map_;
  std::unordered_map<uint32_t, std::vector<Block*>> pages_;  // phys page -> blocks in it
  std::vector<std::unique_ptr<Block>> graveyard_;
  std::vector<Insn> scratch_;  // build()'s decoding space
};

void block_end(Cpu& c, const Insn* in);

enum class RunStop { Hlt, Io, Shutdown, IrqWindow, Kicked, Debug, Error };

struct RunControl {
  std::atomic<bool>* kick = nullptr;
  bool irq_window = false;
  int pending_vector = -1;                 // an injected external interrupt
  uint64_t quantum = 0;                    // deterministic mode: stop (Kicked) every `quantum` instructions
  uint64_t stop_at_icount = ~uint64_t{0};  // virtual time: stop (Kicked) here too (at least one instruction runs)
  // Debugging (Vcpu::set_debug): while set, the linear EIP is compared with the
  // Exec points before each instruction or block; blocks run one at a time (no
  // chaining), and a block with a point inside runs instruction by instruction.
  // With a single step or watchpoints (Cpu::watches) every instruction is
  // interpreted on its own. run() returns Debug with Core::debug_exit saying why.
  const DebugSetup* debug = nullptr;
};

// A CPU plus its block cache, on some physical memory.
class Core {
 public:
  Core();
  Cpu cpu;
  BlockCache cache;

  // Sets up the physical memory map. ram_size must be a multiple of 4 KiB.
  void attach(uint8_t* ram, uint32_t ram_size, uint8_t* rom, MmioBus* mmio);
  // Display memory (cpu.h): the VGA window as a device window, and the
  // framebuffer with its dirty-page record (fb_dirty: one bit per 4 KiB page).
  void attach_display(bool vga_window_mmio, std::span<uint8_t> fb, uint32_t fb_base, uint64_t* fb_dirty);
  RunStop run(RunControl& ctl);
  // Completes a pending IN/INS with the data in cpu.io_buf (if EIP was not changed).
  void complete_in();
  // Loads the architectural state (flushes what depends on it).
  void load_state(const CpuState& s);
  CpuState save_state() const;
  DebugExit debug_exit;  // why run() returned Debug

 private:
  bool exec_point_hit(const DebugSetup& d);
  static bool exec_point_in(const DebugSetup& d, uint32_t lin, uint32_t bytes);
  void after_debug_step(const DebugSetup& d);
  void step_one();
  void exec_block(Block* b);
  void handle_fault(const Fault& f);
  void deliver(uint8_t vector);
  bool pending_trap_ = false;
  bool pending_debug_ = false;  // a Debug stop to report once a stop of the instruction's own (I/O) is routed
  bool skip_valid_ = false;     // the next instruction passes the Exec point at skip_ once (RF-like)
  uint32_t skip_ = 0;
};

}  // namespace pxos::soft

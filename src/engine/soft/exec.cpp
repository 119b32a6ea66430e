#include "engine/soft/exec.h"

#include <algorithm>
#include <new>
#include <optional>

#include "engine/soft/decode.h"
#include "engine/soft/jit/forms.h"
#include "engine/soft/specialize.h"

namespace pxos::soft {

// ---- block cache -------------------------------------------------------------------

BlockCache::BlockCache() : fast_(static_cast<Block**>(std::calloc(kFastSlots, sizeof(Block*)))) {
  if (!fast_) throw std::bad_alloc();
}
BlockCache::~BlockCache() = default;

Block* BlockCache::build(Cpu& c, uint32_t phys) {
  const uint8_t* h = c.host_page(phys, false);
  // Code in the framebuffer is not cached (its writes are not checked for
  // code): it runs an instruction at a time.
  if (!h || c.in_framebuffer(phys)) return nullptr;
  if (translate_ && jit_.nearly_full()) {  // the code goes with the blocks (nothing runs now)
    flush(c);
    jit_.reset();
  }
  uint32_t off = phys & 0xFFF;
  const uint8_t* code = h + off;
  uint32_t eip = c.eip, limit = c.seg[CS].limit;
  // Decoded into a scratch list first, so the block gets one allocation of
  // the right size rather than a vector grown by doubling.
  std::vector<Insn>& insns = scratch_;
  insns.clear();
  uint32_t pos = 0;
  while (insns.size() < kMaxInsns) {
    uint32_t at = eip + pos;
    if (at < eip || at > limit) break;
    uint64_t avail = std::min<uint64_t>({0x1000u - (off + pos), uint64_t{limit} - at + 1, 15});
    Insn in;
    if (decode(code + pos, unsigned(avail), c.code32, in, c.lock_ud) != DecodeResult::Ok) break;
    specialize(in);              // the passes: specialised handlers and thunks,
    in.jit = jit::classify(in);  // the form the translator compiles (it runs once the block is complete)
    in.off = uint16_t(pos);
    in.idx = uint8_t(insns.size());
    insns.push_back(in);
    pos += in.len;
    if (in.ends_block || off + pos >= 0x1000) break;
  }
  if (insns.empty()) return nullptr;
  auto b = std::make_unique<Block>();
  Insn sentinel;
  sentinel.th = &block_end;
  sentinel.off = uint16_t(pos);
  sentinel.idx = insns.back().ends_block ? 0 : 1;  // falls through: block_end sets EIP
  sentinel.block = b.get();
  insns.push_back(sentinel);
  b->insns.assign(insns.begin(), insns.end());
  b->phys = phys;
  b->code32 = c.code32;
  b->bytes = pos;
  b->count = uint32_t(b->insns.size() - 1);
  b->epoch = epoch_;
  b->code.assign(code, code + pos);
  b->entry = b->insns.data();
  if (translate_) jit_.translate(c, *b, epoch_address());  // once the block is complete
  Block* raw = b.get();
  map_[key(phys, c.code32)] = std::move(b);
  uint32_t page = phys >> 12;
  pages_[page].push_back(raw);
  if (page < c.code_page.size()) {
    if (!c.code_page[page]) c.tlb_flush_phys_page_writes(page);
    c.code_page[page] |= Cpu::chunk_mask(off, pos);
  }
  return raw;
}

bool BlockCache::recheck(Cpu& c, Block* b) {
  const uint8_t* h = c.host_page(b->phys, false);
  if (!h || std::memcmp(b->code.data(), h + (b->phys & 0xFFF), b->bytes) != 0) return false;
  b->epoch = epoch_;
  return true;
}

Block* BlockCache::get(Cpu& c, uint32_t phys) {
  unsigned s = slot(phys);
  Block* b = fast_[s];
  if (!b || b->phys != phys || b->code32 != c.code32) [[unlikely]] {
    auto it = map_.find(key(phys, c.code32));
    b = it != map_.end() ? it->second.get() : build(c, phys);
    if (!b) return nullptr;
    fast_[s] = b;
  }
  if (b->epoch != epoch_) [[unlikely]] {
    if (!recheck(c, b)) {
      remove(c, b);
      b = build(c, phys);
      if (!b) return nullptr;
      fast_[s] = b;
    }
  }
  return b;
}

void BlockCache::remove(Cpu& c, Block* b) {
  uint32_t page = b->phys >> 12;
  auto pit = pages_.find(page);
  if (pit != pages_.end()) {
    auto& v = pit->second;
    v.erase(std::remove(v.begin(), v.end(), b), v.end());
    uint64_t mask = 0;
    for (const Block* o : v) mask |= Cpu::chunk_mask(o->phys & 0xFFF, o->bytes);
    if (page < c.code_page.size()) c.code_page[page] = mask;
    if (v.empty()) pages_.erase(pit);
  }
  unsigned s = slot(b->phys);
  if (fast_[s] == b) fast_[s] = nullptr;
  auto node = map_.extract(key(b->phys, b->code32));
  if (!node.empty()) graveyard_.push_back(std::move(node.mapped()));
  c.exit_block = true;
  ++c.chain_gen;
}

void BlockCache::invalidate(Cpu& c, uint32_t p, uint32_t len) {
  uint32_t page = p >> 12;
  auto it = pages_.find(page);
  if (it == pages_.end()) {
    if (page < c.code_page.size()) c.code_page[page] = 0;
    return;
  }
  // remove() edits the page's list: restart the scan after each removal.
  for (bool again = true; again;) {
    again = false;
    auto pit = pages_.find(page);
    if (pit == pages_.end()) break;
    for (Block* b : pit->second) {
      if (p < b->phys + b->bytes && b->phys < p + len) {
        remove(c, b);
        again = true;
        break;
      }
    }
  }
}

void BlockCache::flush(Cpu& c) {
  for (auto& [k, b] : map_) {
    fast_[slot(b->phys)] = nullptr;  // fast_ holds only blocks of map_: cheaper than clearing all of it
    graveyard_.push_back(std::move(b));
  }
  map_.clear();
  pages_.clear();
  std::fill(c.code_page.begin(), c.code_page.end(), 0);
  c.tlb_flush();  // also invalidates every chain
}

// ---- core ---------------------------------------------------------------------------

Core::Core() { cpu.blocks = &cache; }

void Core::attach_display(bool vga_window_mmio, std::span<uint8_t> fb, uint32_t fb_base, uint64_t* fb_dirty) {
  cpu.vga_window_mmio = vga_window_mmio;
  cpu.fb = fb.empty() ? nullptr : fb.data();
  cpu.fb_size = uint32_t(fb.size());
  cpu.fb_base = fb_base;
  cpu.fb_dirty = fb_dirty;
  cache.flush(cpu);
}

void Core::attach(uint8_t* ram, uint32_t ram_size, uint8_t* rom, MmioBus* mmio) {
  cpu.ram = ram;
  cpu.ram_size = ram_size;
  cpu.rom = rom;
  cpu.mmio = mmio;
  cpu.code_page.assign(ram_size >> 12, 0);
  cache.flush(cpu);
}

void Core::load_state(const CpuState& s) {
  Cpu& c = cpu;
  // Translations (the TLB, block chains) depend only on CR0, CR3, CR4 and the CPL.
  uint8_t old_cpl = c.cpl;
  bool same_xlat = c.cr0 == s.cr0 && c.cr3 == s.cr3 && c.cr4 == s.cr4;
  for (int k = 0; k < 8; ++k) c.r[k] = s.gpr[k];
  c.r[8] = 0;
  c.eip = s.eip;
  c.set_flags(s.eflags);
  for (int k = 0; k < 6; ++k) c.seg[k] = SegCache{s.seg[k].base, s.seg[k].limit, s.seg[k].selector, s.seg[k].attrib};
  c.ldtr = SegCache{s.ldt.base, s.ldt.limit, s.ldt.selector, s.ldt.attrib};
  c.tr = SegCache{s.tr.base, s.tr.limit, s.tr.selector, s.tr.attrib};
  c.gdt = s.gdt;
  c.idt = s.idt;
  c.cr0 = s.cr0;
  c.cr2 = s.cr2;
  c.cr3 = s.cr3;
  c.cr4 = s.cr4;
  std::copy(std::begin(s.dr), std::end(s.dr), std::begin(c.dr));
  c.code32 = c.seg[CS].big();
  c.set_cpl(!c.pm() ? 0 : (c.flags & flag::VM) ? 3 : uint8_t(c.seg[CS].sel & 3));
  if (!same_xlat || c.cpl != old_cpl) c.tlb_flush();
}

CpuState Core::save_state() const {
  const Cpu& c = cpu;
  CpuState s;
  for (int k = 0; k < 8; ++k) s.gpr[k] = c.r[k];
  s.eip = c.eip;
  s.eflags = c.get_flags();
  for (int k = 0; k < 6; ++k) s.seg[k] = Segment{c.seg[k].sel, c.seg[k].base, c.seg[k].limit, c.seg[k].attrib};
  s.ldt = Segment{c.ldtr.sel, c.ldtr.base, c.ldtr.limit, c.ldtr.attrib};
  s.tr = Segment{c.tr.sel, c.tr.base, c.tr.limit, c.tr.attrib};
  s.gdt = c.gdt;
  s.idt = c.idt;
  s.cr0 = c.cr0;
  s.cr2 = c.cr2;
  s.cr3 = c.cr3;
  s.cr4 = c.cr4;
  std::copy(std::begin(c.dr), std::end(c.dr), std::begin(s.dr));
  return s;
}

void Core::complete_in() {
  Cpu& c = cpu;
  PendingIn p = c.pending_in;
  if (!p.active) return;
  c.pending_in.active = false;
  if (c.eip != p.eip_after) return;  // the monitor moved EIP: the IN is abandoned
  uint32_t v;
  std::memcpy(&v, c.io_buf, 4);
  if (!p.string) {
    if (p.size == 1)
      c.set_reg<uint8_t>(EAX, uint8_t(v));
    else if (p.size == 2)
      c.set_reg<uint16_t>(EAX, uint16_t(v));
    else
      c.r[EAX] = v;
    return;
  }
  c.insn_eip = p.insn_eip;
  try {
    uint32_t m = p.amask, di = c.r[EDI] & m;
    if (p.size == 1)
      c.write<uint8_t>(ES, di, uint8_t(v));
    else if (p.size == 2)
      c.write<uint16_t>(ES, di, uint16_t(v));
    else
      c.write<uint32_t>(ES, di, v);
    uint32_t d = (c.flags & flag::DF) ? uint32_t(-int32_t(p.size)) : p.size;
    c.r[EDI] = (c.r[EDI] & ~m) | ((di + d) & m);
    if (p.rep) {
      uint32_t n = ((c.r[ECX] & m) - 1) & m;
      c.r[ECX] = (c.r[ECX] & ~m) | n;
      if (n != 0) {
        c.eip = p.insn_eip;
        c.flags |= flag::RF;  // iterations left, as string.cpp's come_back_later
      }
    }
  } catch (const Fault& f) {
    handle_fault(f);
  }
}

namespace {
// Exception classes for double-fault detection (Intel SDM vol. 3, table 6-5).
enum class FaultClass { Benign, Contributory, PageFault };
FaultClass class_of(uint8_t v) {
  if (v == 14) return FaultClass::PageFault;
  if (v == 0 || (v >= 10 && v <= 13)) return FaultClass::Contributory;
  return FaultClass::Benign;
}
// A second exception while delivering the first: #DF, or (false) the second is handled serially.
bool is_double_fault(uint8_t first, uint8_t second) {
  FaultClass a = class_of(first), b = class_of(second);
  if (a == FaultClass::Contributory) return b == FaultClass::Contributory;
  if (a == FaultClass::PageFault) return b != FaultClass::Benign;
  return false;
}
}  // namespace

void Core::handle_fault(const Fault& first) {
  Cpu& c = cpu;
  c.eip = c.insn_eip;
  c.exit_block = true;
  if (c.last_exception < 0) c.last_exception = first.vector;
  Fault f = first;
  // Each round either delivers, escalates to #DF, or moves on to a benign-first
  // pair; a fault while delivering #DF is a triple fault. The bound is a guard.
  for (int round = 0; round < 8; ++round) {
    // Every exception raised as a Fault is fault-class (traps, INT n and external
    // interrupts are delivered directly, never thrown), so the EFLAGS image it
    // pushes (or saves in the TSS through a task gate) has RF set (SDM vol. 3,
    // "RF flag"); the delivery clears the live RF again. #DF keeps it too.
    c.flags |= flag::RF;
    try {
      c.interrupt(f.vector, false, f.has_error, f.error);
      return;
    } catch (const Fault& g) {
      if (f.vector == 8) break;
      c.eip = c.insn_eip;
      f = is_double_fault(f.vector, g.vector) ? Fault{8, true, 0} : g;
    }
  }
  c.stop = Stop::Shutdown;
}

void Core::deliver(uint8_t vector) {
  Cpu& c = cpu;
  c.insn_eip = c.eip;
  try {
    c.interrupt(vector, false);
  } catch (const Fault& f) {
    handle_fault(f);
  }
}

void Core::step_one() {
  Cpu& c = cpu;
  uint8_t buf[16];
  unsigned avail = 0;
  std::optional<Fault> fetch_fault;
  const SegCache& cs = c.seg[CS];
  struct Fetch {  // instruction bytes are no data read for watchpoints
    Cpu& c;
    explicit Fetch(Cpu& cpu) : c(cpu) { c.watch_fetch = true; }
    ~Fetch() { c.watch_fetch = false; }
  };
  std::optional<Fetch> fetching(std::in_place, c);
  for (; avail < 15; ++avail) {
    uint32_t off = c.eip + avail;
    if (off < c.eip || off > cs.limit) break;
    try {
      buf[avail] = c.read_lin<uint8_t>(cs.base + off);
    } catch (const Fault& f) {
      fetch_fault = f;
      break;
    }
  }
  fetching.reset();
  Insn in;
  DecodeResult r = decode(buf, avail, c.code32, in, c.lock_ud);
  if (r == DecodeResult::TooLong) gp(0);
  if (r == DecodeResult::NeedMore) {
    if (fetch_fault) throw *fetch_fault;
    gp(0);
  }
  bool tf = c.flags & flag::TF;
  c.shadow = false;
  // RF set (by IRET, a task switch, a REP instruction resuming) lasts for one
  // instruction: clearing it before the instruction runs gives the same images
  // (a fault pushes RF=1 anyway; INT n and traps after it push RF=0).
  c.flags &= ~flag::RF;
  c.insn_eip = c.eip;
  c.eip += in.len;
  in.fn(c, in);
  ++c.icount;
  if (tf) pending_trap_ = true;
}

namespace {
// block_end's way into the next block (no calls: the fast path saves no registers).
[[gnu::always_inline]] inline void enter_chained(Cpu& c, const Block* next) {
  uint32_t last = c.eip + next->bytes - 1;
  if (last < c.eip || last > c.seg[CS].limit) return;
  c.chain_budget -= next->count;
  c.cur_block = next;
  c.block_eip = c.eip;
  c.block_icount = c.icount;
  const Insn* first = next->insns.data();
  return first->th(c, first);
}
// The next block is of an older epoch: enter it if its bytes still match memory.
[[gnu::noinline]] void enter_stale(Cpu& c, Block* next) {
  if (!c.blocks->recheck(c, next)) return;
  return enter_chained(c, next);
}
}  // namespace

// The end of a block: go straight on to the successor seen last time, without
// returning to the run loop, while nothing needs attention.
void block_end(Cpu& c, const Insn* in) {
  const Block* b = static_cast<const Block*>(in->block);
  c.icount = c.block_icount + b->count;
  if (in->idx) c.eip = c.block_eip + in->off;  // else the last instruction set EIP
  if (c.chain_budget == 0) return;
  if (c.kick && c.kick->load(std::memory_order_relaxed)) return;
  uint32_t lin = c.seg[CS].base + c.eip;
  const Block* next = nullptr;
  for (const Block::Chain& ch : b->chain)
    if (ch.lin == lin && ch.gen == c.chain_gen) next = ch.to;
  if (!next || next->code32 != c.code32 || c.chain_budget < next->count) return;
  if (next->epoch != c.blocks->epoch()) [[unlikely]]
    return enter_stale(c, const_cast<Block*>(next));
  return enter_chained(c, next);
}

void Core::exec_block(Block* b) {
  cpu.cur_block = b;
  cpu.block_eip = cpu.eip;
  cpu.block_icount = cpu.icount;
  const Insn* in = b->insns.data();
  in->th(cpu, in);
}

// Debugging: an Exec point at the linear EIP stops the CPU before the
// instruction, except once right after a stop there (the debugger resumes).
bool Core::exec_point_hit(const DebugSetup& d) {
  uint32_t lin = cpu.seg[CS].base + cpu.eip;
  bool skip = skip_valid_ && lin == skip_;
  skip_valid_ = false;
  if (skip) return false;
  for (const Breakpoint& p : d.points) {
    if (p.kind == BreakKind::Exec && p.address == lin) {
      debug_exit = DebugExit{false, BreakKind::Exec, lin};
      skip_valid_ = true;
      skip_ = lin;
      return true;
    }
  }
  return false;
}

// Whether an Exec point lies in the `bytes` of code at linear `lin`.
bool Core::exec_point_in(const DebugSetup& d, uint32_t lin, uint32_t bytes) {
  for (const Breakpoint& p : d.points)
    if (p.kind == BreakKind::Exec && p.address - lin < bytes) return true;
  return false;
}

// After one instruction under the debugger: a watchpoint it hit, or the end of a single step.
void Core::after_debug_step(const DebugSetup& d) {
  Cpu& c = cpu;
  if (c.watch_hit) {
    c.watch_hit = false;
    debug_exit = DebugExit{false, c.watch_hit_point.kind, c.watch_hit_point.address};
    pending_debug_ = true;
  } else if (d.single_step) {
    debug_exit = DebugExit{true, BreakKind::Exec, c.seg[CS].base + c.eip};
    pending_debug_ = true;
  }
}

// The most instructions block_end may run in chained blocks before the run loop looks again.
constexpr uint64_t kChainInsns = 1u << 16;

RunStop Core::run(RunControl& ctl) {
  Cpu& c = cpu;
  uint64_t stop_at = ctl.quantum ? (c.icount / ctl.quantum + 1) * ctl.quantum : ~uint64_t{0};
  stop_at = std::min(stop_at, std::max(ctl.stop_at_icount, c.icount + 1));
  Block* prev = nullptr;  // the block just executed, for chaining
  uint64_t prev_gen = 0;
  if (pending_debug_ && ctl.debug) {  // the instruction that stopped for I/O last time ended a step
    pending_debug_ = false;
    return RunStop::Debug;
  }
  pending_debug_ = false;
  for (;;) {
    if (c.chain_gen != prev_gen) prev = nullptr;  // before collect(): prev may be about to be freed
    cache.collect();
    c.exit_block = false;
    if (pending_trap_) {
      pending_trap_ = false;
      c.dr[6] |= 0x4000;  // BS: single step
      deliver(1);
    } else if (!c.shadow) {
      if (ctl.pending_vector >= 0) {
        uint8_t v = uint8_t(ctl.pending_vector);
        ctl.pending_vector = -1;
        deliver(v);
      } else if (ctl.irq_window && (c.flags & flag::IF)) {
        return RunStop::IrqWindow;
      }
    }
    if (c.stop == Stop::None) {
      if (ctl.kick && ctl.kick->load(std::memory_order_relaxed)) [[unlikely]] {
        ctl.kick->store(false, std::memory_order_relaxed);
        return RunStop::Kicked;
      }
      if (c.icount >= stop_at) return RunStop::Kicked;
      c.insn_eip = c.eip;
      c.exit_block = false;
      if (ctl.debug && exec_point_hit(*ctl.debug)) [[unlikely]]
        return RunStop::Debug;
      try {
        // Steps and watchpoints need the stop right after the instruction: one at a time.
        bool interpret = ctl.debug && (ctl.debug->single_step || !c.watches.empty());
        if (interpret || c.shadow || (c.flags & (flag::TF | flag::RF)) || stop_at - c.icount < BlockCache::kMaxInsns)
            [[unlikely]] {
          step_one();
        } else {
          uint32_t lin = c.seg[CS].base + c.eip;
          Block* b = nullptr;
          if (prev) {
            for (const Block::Chain& ch : prev->chain)
              if (ch.lin == lin && ch.gen == c.chain_gen) b = ch.to;
            if (b && (b->code32 != c.code32 || b->epoch != cache.epoch())) b = nullptr;
          }
          if (!b) {
            b = cache.get(c, c.translate(lin, false));
            if (b && prev && c.chain_gen == prev_gen) {
              prev->chain[prev->next_chain] = Block::Chain{lin, b, c.chain_gen};
              prev->next_chain ^= 1;
            }
          }
          prev = nullptr;
          uint32_t last = c.eip + (b ? b->bytes : 0) - 1;
          // Execution points: a block holding one runs an instruction at a time up to it.
          bool point_inside = ctl.debug && b && exec_point_in(*ctl.debug, lin, b->bytes);
          if (b && !point_inside && last >= c.eip && last <= c.seg[CS].limit) [[likely]] {
            uint64_t gen = c.chain_gen;
            // Chaining is allowed only when nothing waits: no interrupt to deliver and
            // (deterministic mode) enough instructions left in the quantum for the next block.
            uint64_t left = stop_at - c.icount - b->count;  // the run loop keeps at least kMaxInsns
            // (Debugging: each block's start is checked in this loop, so no chaining either.)
            bool waits = ctl.irq_window || ctl.pending_vector >= 0 || ctl.debug;
            c.chain_budget = waits ? 0 : uint32_t(std::min<uint64_t>(kChainInsns, left));
            c.kick = ctl.kick;
            exec_block(b);
            c.chain_budget = 0;
            if (c.chain_gen == gen) {
              prev = static_cast<Block*>(const_cast<void*>(c.cur_block));
              prev_gen = gen;
            }
          } else {
            step_one();
          }
        }
      } catch (const Fault& f) {
        c.chain_budget = 0;
        handle_fault(f);
        // A delivered fault counts as a step: a guest whose fault handler
        // faults again at once retires nothing, and in deterministic mode
        // (no kick) the quantum must still run out (found by fuzz_soft_cpu:
        // the run never returned, so --timeout could not fire).
        ++c.icount;
      }
      if (ctl.debug) [[unlikely]]
        after_debug_step(*ctl.debug);
    }
    if (c.stop != Stop::None) [[unlikely]] {
      Stop s = c.stop;
      c.stop = Stop::None;
      switch (s) {
        case Stop::Hlt: return RunStop::Hlt;
        case Stop::Io: return RunStop::Io;
        case Stop::Shutdown: return RunStop::Shutdown;
        default: return RunStop::Error;
      }
    }
    if (pending_debug_) [[unlikely]] {
      pending_debug_ = false;
      return RunStop::Debug;
    }
  }
}

}  // namespace pxos::soft

// The emitter: compiles one run of translatable instructions (jit/forms.h) to
// straight host code that the first instruction's thunk pointer enters; the other
// instructions of the block keep their thunks. The compiled code follows the thunk
// calling convention (RDI = Cpu*, RSI = the run's first Insn*) and leaves the way a
// thunk does: a jump to the next instruction's thunk (Insn::th) with RSI pointing at
// it. It never calls, and uses the host stack only to save the host registers it
// lends to guest registers, restored at every way out; so an exception thrown further
// on unwinds through C++ frames only.
//
// This file is the run's frame: the entry checks (seg_guard), the register plan
// (guest registers in host registers for the run), the memory path (segment, TLB),
// the bail-out stubs and the block's exit (chain_exit, back_edge). The forms are in
// emit_forms.cpp, the lazy flags in emit_flags.cpp; the class in run_compiler.h.
//
// What makes it faster than the thunks: no dispatch between the instructions of a
// run, guest registers and the lazy flags in host registers (R8D = lazy.dst,
// R9D = lazy.src, R10D = lazy.res; the kind is known when compiling), written back
// once at the run's exit. A flag reader (Jcc, SETcc, CMOVcc) whose flags were set
// earlier in the same run tests them with one host instruction.
//
// Any case the code does not handle inline (a TLB miss, a page crossing, a page
// holding code, a limit, a jump target past the CS limit) leaves through a bail-out
// stub: it writes back the registers and lazy flags of the instructions done so far
// and runs that instruction through its generic handler (run_generic, as the fast
// thunks do), which redoes it the normal way, faults included; the rest of the block
// then runs through the thunks. Every instruction changes guest state only after its
// last bail-out point, so a bail-out always starts the instruction afresh.
#include "engine/soft/jit/emit.h"

#include <cassert>
#include <cstddef>
#include <iterator>
#include <span>

#include "engine/soft/exec.h"
#include "engine/soft/fast.h"
#include "engine/soft/jit/forms.h"
#include "engine/soft/jit/run_compiler.h"
#include "engine/soft/jit/x64.h"

namespace pxos::soft::jit {

std::vector<uint8_t> RunCompiler::compile(size_t end, Thunk orig) {
  seg_guard(end, orig);
  if (stats_) {
    count(&stats_->translated, int32_t(end - first_));
    count(&stats_->entries, 1);
  }
  plan_registers(end);
  enter();
  // A run that is its whole block may jump back to its own start without leaving
  // (back_edge): the registers stay where they are, the entry checks hold.
  loops_ = first_ == 0 && end == insns_.size() - 1;
  if (loops_) a_.bind(loop_top_);
  FlagKind k = L_NONE;
  for (size_t j = first_; j < end; ++j) {
    at_ = j;
    kind_ = k;
    emit(insns_[j]);
    k = kind_after(insns_[j], k);
  }
  store_lazy(k);
  leave(dirty_);
  a_.mov_ri64(RSI, reinterpret_cast<uint64_t>(&insns_[end]));
  if (end == insns_.size() - 1) chain_exit();
  a_.jmp_mem({RSI, int32_t(offsetof(Insn, th))});
  for (BailOut& b : bails_) {
    a_.bind(b.label);
    if (stats_) {
      count(&stats_->bails[size_t(b.why)], 1);
      count(&stats_->translated, -int32_t(end - b.at));
    }
    leave(b.dirty);
    store_lazy(b.kind);
    a_.mov_ri64(RSI, reinterpret_cast<uint64_t>(&insns_[b.at]));
    a_.mov_ri64(RAX, reinterpret_cast<uint64_t>(&run_generic));
    a_.jmp_reg(RAX);
  }
  return std::move(a_.code);
}

Label& RunCompiler::bail(Bail why) {
  for (BailOut& b : bails_)
    if (b.at == at_ && b.why == why) return b.label;
  bails_.push_back(BailOut{at_, kind_, dirty_, why, {}});
  return bails_.back().label;
}

void RunCompiler::count(uint64_t* counter, int32_t n) {
  a_.mov_ri64(RAX, reinterpret_cast<uint64_t>(counter));
  a_.alu_mi64(AluOp::Add, {RAX}, uint32_t(n));
}

void RunCompiler::load_reg(Reg h, unsigned n, unsigned size) {
  if (cached(n, size)) {
    const Reg g = cache_[n];
    return size == 4 ? a_.mov_rr(h, g) : a_.zext(h, g, size);
  }
  if (size == 4) return a_.mov_load(h, R(n));
  if (size == 2) return a_.movzx16_load(h, R(n));
  a_.movzx8_load(h, Rb(n));
}

void RunCompiler::store_reg(unsigned n, Reg h, unsigned size) {
  if (cached(n, size)) {
    const Reg g = cache_[n];
    dirty_ |= uint8_t(1u << n);
    return size == 4 ? a_.mov_rr(g, h) : size == 2 ? a_.mov_rr16(g, h) : a_.mov_rr8(g, h);
  }
  a_.store(size == 1 ? Rb(n) : R(n), h, size);
}

bool RunCompiler::cached(unsigned n, unsigned size) const {
  if (size == 1 && n >= 4) {
    assert(cache_[n & 3] == kNoReg);
    return false;
  }
  return n < 8 && cache_[n] != kNoReg;
}

void RunCompiler::plan_registers(size_t end) {
  unsigned uses[8] = {};
  bool high[8] = {};
  auto use = [&](unsigned n) {
    if (n < 8) ++uses[n];
  };
  for (size_t j = first_; j < end; ++j) {
    const Insn& i = insns_[j];
    const uint8_t f = i.jit;
    const bool bytes = operand_size(i) == 1 || f == kSetcc || f == kMovzx8RR || f == kMovsx8RR;
    const bool reg_form = i.mod == 3;
    if (bytes && i.reg >= 4 && i.reg < 8) high[i.reg & 3] = true;
    if (bytes && reg_form && i.rm >= 4 && i.rm < 8) high[i.rm & 3] = true;
    if (f == kMovRI && operand_size(i) == 1 && (i.op & 7) >= 4) high[i.op & 3] = true;
    use(i.reg);
    if (reg_form) use(i.rm);
    if (memory_form(i) || f == kLea) {
      use(i.base);
      use(i.index);
    }
    if (f == kMovRI || f == kPush || f == kPop || f == kIncR || f == kDecR) use(i.op & 7);
    if (stack_form(f)) uses[ESP] += 2;
    if (f == kLoop || f == kJcxz || f == kShiftCL) use(ECX);
    if (f == kLods) use(ESI);
    if (f == kStos) use(EDI);
  }
  static constexpr Reg kHost[] = {RSI, RBX, RBP, R12, R13, R14, R15};
  for (Reg& r : cache_) r = kNoReg;
  unsigned next = 0;
  for (;;) {
    unsigned best = 8;
    for (unsigned n = 0; n < 8; ++n)
      if (!high[n] && cache_[n] == kNoReg && uses[n] >= 2 && (best == 8 || uses[n] > uses[best])) best = n;
    if (best == 8 || next == std::size(kHost)) break;
    cache_[best] = kHost[next++];
  }
}

void RunCompiler::enter() {
  for (unsigned n = 0; n < 8; ++n)
    if (cache_[n] != kNoReg && cache_[n] != RSI) a_.push(cache_[n]);
  for (unsigned n = 0; n < 8; ++n)
    if (cache_[n] != kNoReg) a_.mov_load(cache_[n], R(n));
}

void RunCompiler::write_back(uint8_t dirty) {
  for (unsigned n = 0; n < 8; ++n)
    if (cache_[n] != kNoReg && (dirty & (1u << n))) a_.mov_store(R(n), cache_[n]);
}

void RunCompiler::leave(uint8_t dirty) {
  write_back(dirty);
  for (unsigned n = 8; n-- > 0;)
    if (cache_[n] != kNoReg && cache_[n] != RSI) a_.pop(cache_[n]);
}

void RunCompiler::ea(const Insn& i) {
  bool b = i.base != 8, x = i.index != 8;
  if (b) load_reg(RAX, i.base, 4);
  if (x) load_reg(RCX, i.index, 4);
  if (b && x) {
    a_.lea(RAX, {RAX, int32_t(i.disp), RCX, i.scale});
  } else if (x) {
    a_.mov_rr(RAX, RCX);
    if (i.scale) a_.shift_ri(ShiftOp::Shl, RAX, i.scale);
    if (i.disp) a_.alu_ri(AluOp::Add, RAX, i.disp);
  } else if (b) {
    if (i.disp) a_.alu_ri(AluOp::Add, RAX, i.disp);
  } else {
    a_.mov_ri(RAX, i.disp & i.amask);
    return;
  }
  if (i.amask != 0xFFFFFFFFu) a_.zext(RAX, RAX, 2);
}

void RunCompiler::host_ptr(unsigned s, unsigned size, bool write) {
  const SegCache& sc = c_.seg[s];
  if (!(flat_ & (1u << s))) {
    a_.mov_rr(RCX, RAX);
    if (size > 1) a_.alu_ri(AluOp::Add, RCX, size - 1, true);  // 64-bit: no wrap past 4 GiB
    a_.mov_load(RDX, {RDI, off(&sc.limit)});
    a_.alu_rr(AluOp::Cmp, RCX, RDX, true);
    a_.jcc(A, bail(Bail::Limit));
    a_.alu_rm(AluOp::Add, RAX, {RDI, off(&sc.base)});
  }
  tlb_ptr(size, write, bail(Bail::Memory));
}

void RunCompiler::tlb_ptr(unsigned size, bool write, Label& out) {
  const int32_t table = off(&c_.tlbs[tlb_class_][0]);
  a_.mov_rr(RCX, RAX);
  a_.shift_ri(ShiftOp::Shr, RCX, 12);
  a_.movzx8_rr(RDX, RCX);
  a_.lea64(RDX, {RDX, 0, RDX, 1});  // * 3: sizeof(TlbEntry) == 24
  if (size > 1) {                   // the tag is compared with the page of the last byte: a page crossing misses
    a_.lea(RCX, {RAX, int32_t(size - 1)});
    a_.shift_ri(ShiftOp::Shr, RCX, 12);
  }
  const int32_t tag = int32_t(write ? offsetof(TlbEntry, tag_w) : offsetof(TlbEntry, tag_r));
  a_.alu_rm(AluOp::Cmp, RCX, {RDI, table + tag, RDX, 3});
  a_.jcc(NE, out);
  a_.mov_load64(RDX, {RDI, table + int32_t(offsetof(TlbEntry, host)), RDX, 3});
  a_.alu_ri(AluOp::And, RAX, 0xFFF);
  a_.alu_rr(AluOp::Add, RDX, RAX, true);
}

void RunCompiler::seg_guard(size_t end, Thunk orig) {
  uint8_t used = 0, written = 0;
  bool strings = false;
  for (size_t j = first_; j < end; ++j) {
    const Insn& i = insns_[j];
    strings |= i.jit == kLods || i.jit == kStos;
    unsigned s = segment_of(i);
    if (s > GS) continue;
    used |= uint8_t(1u << s);
    if (writes_memory(i)) written |= uint8_t(1u << s);
  }
  if (!used) return;
  stack32_ = c_.seg[SS].big();
  tlb_class_ = c_.tlb == c_.tlbs[1] ? 1 : 0;
  Label ok, fallback;
  if (strings) {  // LODS and STOS go forward (DF = 0)
    a_.mov_load(RCX, {RDI, off(&c_.flags)});
    a_.alu_ri(AluOp::And, RCX, flag::DF);
    a_.jcc(NE, fallback);
  }
  a_.lea64(RAX, {RDI, off(&c_.tlbs[tlb_class_][0])});
  a_.alu_rm(AluOp::Cmp, RAX, {RDI, off(&c_.tlb)}, true);
  a_.jcc(NE, fallback);
  for (unsigned s = ES; s <= GS; ++s)
    if (used & (1u << s)) check_segment(s, written & (1u << s), fallback);
  a_.jmp(ok);
  a_.bind(fallback);
  if (stats_) count(&stats_->guard_misses, 1);
  a_.mov_ri64(RAX, reinterpret_cast<uint64_t>(orig));
  a_.jmp_reg(RAX);
  a_.bind(ok);
}

void RunCompiler::check_segment(unsigned s, bool written, Label& fallback) {
  const SegCache& sc = c_.seg[s];
  if (sc.expand_down()) return a_.jmp(fallback);  // the thunks do expand-down segments
  const uint16_t mask = s == SS ? 0x401E : 0x1E;  // S, code, E/C, W/R (and SS's B)
  a_.movzx16_load(RDX, {RDI, off(&sc.attrib)});
  a_.alu_ri(AluOp::And, RDX, mask);
  a_.alu_ri(AluOp::Cmp, RDX, sc.attrib & mask);
  a_.jcc(NE, fallback);
  if (written && (sc.attrib & 0xA) != 0x2) {  // allowed in real mode only
    a_.mov_load(RCX, {RDI, off(&c_.cr0)});
    a_.alu_ri(AluOp::And, RCX, 1);
    a_.jcc(NE, fallback);
  }
  if (sc.base == 0 && sc.limit == 0xFFFFFFFFu) {
    flat_ |= uint8_t(1u << s);
    static_assert(offsetof(SegCache, limit) == offsetof(SegCache, base) + 4);
    a_.mov_ri64(RAX, uint64_t{0xFFFFFFFF} << 32);
    a_.alu_rm(AluOp::Cmp, RAX, {RDI, off(&sc.base)}, true);
    a_.jcc(NE, fallback);
  }
}

void RunCompiler::mem_ptr(const Insn& i, unsigned size, bool write) {
  ea(i);
  host_ptr(i.seg, size, write);
}

void RunCompiler::within_cs_limit(Reg r) {
  a_.alu_rm(AluOp::Cmp, r, {RDI, off(&c_.seg[CS].limit)});
  a_.jcc(A, bail(Bail::JumpLimit));
}

void RunCompiler::next_eip(const Insn& i) {
  a_.mov_load(RAX, {RDI, off(&c_.block_eip)});
  a_.alu_ri(AluOp::Add, RAX, uint32_t(i.off + i.len));
}

void RunCompiler::jump_target(const Insn& i, uint32_t rel) {
  a_.mov_load(RAX, {RDI, off(&c_.block_eip)});
  a_.alu_ri(AluOp::Add, RAX, uint32_t(i.off + i.len) + rel);
  if (!i.op32) a_.zext(RAX, RAX, 2);
}

void RunCompiler::jump_if_kicked(Label& slow) {
  Label no_kick;
  a_.mov_load64(RDX, {RDI, off(&c_.kick)});
  a_.test_rr(RDX, RDX, true);
  a_.jcc(E, no_kick);
  a_.cmp8_imm({RDX}, 0);
  a_.jcc(NE, slow);
  a_.bind(no_kick);
}

void RunCompiler::back_edge(Label& slow) {
  store_lazy(kind_);
  write_back(dirty_);
  a_.mov_load(RCX, {RDI, off(&c_.chain_budget)});
  a_.alu_ri(AluOp::Sub, RCX, b_.count);
  a_.jcc(B, slow);
  jump_if_kicked(slow);
  a_.mov_store({RDI, off(&c_.chain_budget)}, RCX);
  a_.mov_load64(RCX, {RDI, off(&c_.block_icount)});
  a_.alu_ri(AluOp::Add, RCX, b_.count, true);
  a_.mov_store64({RDI, off(&c_.block_icount)}, RCX);
  if (stats_) {
    count(&stats_->translated, int32_t(b_.count));
    count(&stats_->entries, 1);
  }
  a_.jmp(loop_top_);
}

void RunCompiler::chain_exit() {
  const Insn& end = insns_.back();
  Label slow, second, found;
  auto boff = [&](const void* field) {
    return int32_t(static_cast<const char*>(field) - reinterpret_cast<const char*>(&b_));
  };
  if (end.idx) {  // the block falls through: EIP is its end
    a_.mov_load(RAX, {RDI, off(&c_.block_eip)});
    a_.alu_ri(AluOp::Add, RAX, end.off);
    a_.mov_store({RDI, off(&c_.eip)}, RAX);
  }
  a_.mov_load64(RCX, {RDI, off(&c_.block_icount)});
  a_.alu_ri(AluOp::Add, RCX, b_.count, true);
  a_.mov_store64({RDI, off(&c_.icount)}, RCX);
  a_.mov_load(RCX, {RDI, off(&c_.chain_budget)});
  a_.test_rr(RCX, RCX);
  a_.jcc(E, slow);
  jump_if_kicked(slow);
  a_.mov_load(RAX, {RDI, off(&c_.eip)});
  a_.alu_rm(AluOp::Add, RAX, {RDI, off(&c_.seg[CS].base)});  // the linear address of the successor
  a_.mov_ri64(RDX, reinterpret_cast<uint64_t>(&b_));
  a_.mov_load64(R11, {RDI, off(&c_.chain_gen)});
  for (int k = 0; k < 2; ++k) {
    Label& miss = k == 0 ? second : slow;
    a_.alu_rm(AluOp::Cmp, RAX, {RDX, boff(&b_.chain[k].lin)});
    a_.jcc(NE, miss);
    a_.alu_rm(AluOp::Cmp, R11, {RDX, boff(&b_.chain[k].gen)}, true);
    a_.jcc(NE, miss);
    a_.mov_load64(RDX, {RDX, boff(&b_.chain[k].to)});
    if (k == 0) {
      a_.jmp(found);
      a_.bind(second);
    }
  }
  a_.bind(found);       // RDX = the successor, ECX = the chain budget
  const Block& n = b_;  // for offsets within any Block (the successor's here)
  a_.test_rr(RDX, RDX, true);
  a_.jcc(E, slow);
  a_.movzx8_load(R8, {RDX, boff(&n.code32)});
  a_.movzx8_load(R9, {RDI, off(&c_.code32)});
  a_.alu_rr(AluOp::Cmp, R8, R9);
  a_.jcc(NE, slow);
  a_.alu_rm(AluOp::Cmp, RCX, {RDX, boff(&n.count)});
  a_.jcc(B, slow);
  a_.mov_ri64(R8, reinterpret_cast<uint64_t>(epoch_));
  a_.mov_load64(R8, {R8});
  a_.alu_rm(AluOp::Cmp, R8, {RDX, boff(&n.epoch)}, true);
  a_.jcc(NE, slow);
  a_.mov_load(R8, {RDI, off(&c_.eip)});  // the successor's last byte within the CS limit
  a_.mov_load(R9, {RDX, boff(&n.bytes)});
  a_.lea64(R9, {R8, -1, R9, 0});
  a_.mov_load(R10, {RDI, off(&c_.seg[CS].limit)});
  a_.alu_rr(AluOp::Cmp, R9, R10, true);
  a_.jcc(A, slow);
  a_.alu_rm(AluOp::Sub, RCX, {RDX, boff(&n.count)});  // enter it (exec.cpp's enter_chained)
  a_.mov_store({RDI, off(&c_.chain_budget)}, RCX);
  a_.mov_store64({RDI, off(&c_.cur_block)}, RDX);
  a_.mov_store({RDI, off(&c_.block_eip)}, R8);
  a_.mov_load64(RCX, {RDI, off(&c_.icount)});
  a_.mov_store64({RDI, off(&c_.block_icount)}, RCX);
  a_.mov_load64(RSI, {RDX, boff(&n.entry)});
  a_.jmp_mem({RSI, int32_t(offsetof(Insn, th))});
  a_.bind(slow);
}

std::vector<uint8_t> compile_run(const Cpu& c, Block& b, const uint64_t* epoch, size_t first, size_t end, Thunk orig,
                                 Stats* stats) {
  return RunCompiler(c, b, epoch, first, stats).compile(end, orig);
}

}  // namespace pxos::soft::jit

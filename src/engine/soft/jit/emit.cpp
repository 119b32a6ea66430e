// The emitter: compiles one run of translatable instructions (jit/forms.h) to
// straight host code that the first instruction's thunk pointer enters; the other
// instructions of the block keep their thunks. The compiled code follows the thunk
// calling convention (RDI = Cpu*, RSI = the run's first Insn*) and leaves the way a
// thunk does: a jump to the next instruction's thunk (Insn::th) with RSI pointing at
// it. It keeps the guest registers in Cpu::r, never calls, and never touches the
// host stack, so an exception thrown further on unwinds through C++ frames only.
//
// What makes it faster than the thunks: no dispatch between the instructions of a
// run, and the lazy flags live in host registers inside a run (R8D = lazy.dst,
// R9D = lazy.src, R10D = lazy.res; the kind is known when compiling), written to
// Cpu::lazy once at the run's exit. A flag reader (Jcc, SETcc, CMOVcc) whose flags
// were set earlier in the same run tests them with one host instruction.
//
// Any case the code does not handle inline (a segment check or TLB miss, a page
// crossing, a page holding code, a Jcc target past the CS limit) leaves through a
// bail-out stub: it writes the lazy flags of the instructions done so far and runs
// that instruction through its generic handler (run_generic, as the fast thunks
// do), which redoes it the normal way, faults included; the rest of the block then
// runs through the thunks. Every instruction changes guest state only after its
// last bail-out point, so a bail-out always starts the instruction afresh.
#include "engine/soft/jit/emit.h"

#include <cassert>
#include <cstddef>
#include <iterator>
#include <span>

#include "engine/soft/exec.h"
#include "engine/soft/fast.h"
#include "engine/soft/jit/forms.h"
#include "engine/soft/jit/x64.h"

namespace pxos::soft::jit {
namespace {

// Compiles one run. Field offsets are taken from the CPU the code will run on.
class RunCompiler {
 public:
  RunCompiler(const Cpu& c, Block& b, const uint64_t* epoch, size_t first, Stats* stats)
      : c_(c), b_(b), epoch_(epoch), insns_(b.insns), first_(first), stats_(stats) {}

  // Emits instructions [first, end) and returns the code.
  std::vector<uint8_t> compile(size_t end, Thunk orig) {
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

 private:
  struct BailOut {
    size_t at;
    FlagKind kind;
    uint8_t dirty;  // the cached guest registers written before the instruction
    Bail why;
    Label label;
  };

  int32_t off(const void* field) const {
    return int32_t(static_cast<const char*>(field) - reinterpret_cast<const char*>(&c_));
  }
  Mem R(unsigned n) const { return {RDI, off(&c_.r[n])}; }
  Mem Rb(unsigned n) const { return {RDI, off(&c_.r[n & 3]) + int32_t(n >> 2)}; }  // AL..BL, AH..BH

  // The bail-out label of the instruction being compiled (one stub per instruction and reason).
  Label& bail(Bail why) {
    for (BailOut& b : bails_)
      if (b.at == at_ && b.why == why) return b.label;
    bails_.push_back(BailOut{at_, kind_, dirty_, why, {}});
    return bails_.back().label;
  }
  // --jit-stats: *counter += n (clobbers RAX).
  void count(uint64_t* counter, int32_t n) {
    a_.mov_ri64(RAX, reinterpret_cast<uint64_t>(counter));
    a_.alu_mi64(AluOp::Add, {RAX}, uint32_t(n));
  }

  void store_lazy(FlagKind k) {
    if (k == L_NONE) return;
    a_.mov_store8_imm({RDI, off(&c_.lazy.op)}, k & 0x0F);
    a_.mov_store8_imm({RDI, off(&c_.lazy.bits)}, uint8_t(kind_size(k) * 8));
    a_.mov_store({RDI, off(&c_.lazy.res)}, R10);
    if (kind_op(k) == L_LOGIC) return;  // CF, OF and AF are 0, SF ZF PF come from res
    a_.mov_store({RDI, off(&c_.lazy.dst)}, R8);
    a_.mov_store({RDI, off(&c_.lazy.src)}, R9);
  }

  // Host flags that answer condition cc as the guest's flags would (cond_ok holds): the
  // host's operation of the setter's width on the lazy operands.
  void flags_for(unsigned) {
    const unsigned size = kind_size(kind_);
    switch (kind_op(kind_)) {
      case L_SUB: a_.alu_rr_s(AluOp::Cmp, R8, R9, size); break;
      case L_ADD:
        a_.mov_rr(RCX, R8);
        a_.alu_rr_s(AluOp::Add, RCX, R9, size);
        break;
      case L_INC:
      case L_DEC:  // OF SF ZF PF as the host's ADD/SUB of 1 gives them (cond_ok: no CF)
        a_.mov_rr(RCX, R8);
        a_.alu_ri_s(kind_op(kind_) == L_INC ? AluOp::Add : AluOp::Sub, RCX, 1, size);
        break;
      default: a_.test_rr_s(R10, R10, size); break;  // L_LOGIC (CF = OF = 0), L_SZP (SF ZF PF)
    }
  }

  // Host CF = the guest's CF after the run's latest setter; clobbers EAX, ECX (and
  // R8-R10 when no setter is in the run yet).
  void host_cf() {
    const unsigned size = kind_size(kind_);
    switch (kind_op(kind_)) {
      case L_NONE: return cpu_cf();
      case L_ADD:
        a_.mov_rr(RCX, R8);
        a_.alu_rr_s(AluOp::Add, RCX, R9, size);
        return;
      case L_SUB: a_.alu_rr_s(AluOp::Cmp, R8, R9, size); return;
      case L_LOGIC: a_.alu_rr(AluOp::Xor, RCX, RCX); return;  // XOR clears CF
      case L_SZP:                                             // CF in lazy.src bit 0
        a_.mov_rr(RCX, R9);
        a_.shift_ri(ShiftOp::Shr, RCX, 1);
        return;
      case L_INC:
      case L_DEC:  // CF kept in Cpu::flags bit 0
        a_.mov_load(RCX, {RDI, off(&c_.flags)});
        a_.shift_ri(ShiftOp::Shr, RCX, 1);
        return;
      default:  // kAdc, kSbb: Cpu::cf()'s carry bits of L_ADD or L_SUB, their top bit
        carry_bits(kind_op(kind_) == kAdc);
        a_.shift_ri(ShiftOp::Shl, RCX, uint8_t(33 - size * 8));
        return;
    }
  }
  // ECX = the carry bits of the lazy operands in R8-R10 (clobbers EAX), as Cpu::cf():
  // an addition's (d & s) | ((d | s) & ~r), a subtraction's (~d & s) | ((~d | s) & r).
  void carry_bits(bool add) {
    if (add) {
      a_.mov_rr(RCX, R8);
      a_.alu_rr(AluOp::Or, RCX, R9);
      a_.mov_rr(RAX, R10);
      a_.alu_ri(AluOp::Xor, RAX, 0xFFFFFFFFu);
      a_.alu_rr(AluOp::And, RCX, RAX);
      a_.mov_rr(RAX, R8);
      a_.alu_rr(AluOp::And, RAX, R9);
    } else {
      a_.mov_rr(RAX, R8);
      a_.alu_ri(AluOp::Xor, RAX, 0xFFFFFFFFu);
      a_.mov_rr(RCX, RAX);
      a_.alu_rr(AluOp::Or, RCX, R9);
      a_.alu_rr(AluOp::And, RCX, R10);
      a_.alu_rr(AluOp::And, RAX, R9);
    }
    a_.alu_rr(AluOp::Or, RCX, RAX);
  }

  // Host CF = Cpu::cf() of whatever the lazy flags hold when the run started (its first
  // flag setter is still to come): decided at run time, as cpu.h's cf() does.
  void cpu_cf() {
    Label szp, add, sub, top, done;
    a_.movzx8_load(RAX, {RDI, off(&c_.lazy.op)});
    a_.mov_load(RCX, {RDI, off(&c_.flags)});  // L_NONE, L_INC, L_DEC: CF in Cpu::flags
    a_.alu_ri(AluOp::Cmp, RAX, L_SZP);
    a_.jcc(E, szp);
    a_.alu_ri(AluOp::Cmp, RAX, L_ADD);
    a_.jcc(E, add);
    a_.alu_ri(AluOp::Cmp, RAX, L_SUB);
    a_.jcc(E, sub);
    a_.alu_ri(AluOp::Cmp, RAX, L_LOGIC);
    a_.jcc(NE, done);
    a_.mov_ri(RCX, 0);
    a_.jmp(done);
    a_.bind(szp);
    a_.mov_load(RCX, {RDI, off(&c_.lazy.src)});
    a_.jmp(done);
    a_.bind(add);
    lazy_operands();
    carry_bits(true);
    a_.jmp(top);
    a_.bind(sub);
    lazy_operands();
    carry_bits(false);
    a_.bind(top);  // ECX >>= lazy.bits - 1
    a_.mov_rr(RAX, RCX);
    a_.movzx8_load(RCX, {RDI, off(&c_.lazy.bits)});
    a_.alu_ri(AluOp::Sub, RCX, 1);
    a_.shift_cl(ShiftOp::Shr, RAX);
    a_.mov_rr(RCX, RAX);
    a_.bind(done);
    a_.shift_ri(ShiftOp::Shr, RCX, 1);
  }
  void lazy_operands() {
    a_.mov_load(R8, {RDI, off(&c_.lazy.dst)});
    a_.mov_load(R9, {RDI, off(&c_.lazy.src)});
    a_.mov_load(R10, {RDI, off(&c_.lazy.res)});
  }

  // Guest register n of `size` bytes (a byte register is AL..BH) to host register h,
  // zero-extended; and back.
  void load_reg(Reg h, unsigned n, unsigned size) {
    if (cached(n, size)) {
      const Reg g = cache_[n];
      return size == 4 ? a_.mov_rr(h, g) : a_.zext(h, g, size);
    }
    if (size == 4) return a_.mov_load(h, R(n));
    if (size == 2) return a_.movzx16_load(h, R(n));
    a_.movzx8_load(h, Rb(n));
  }
  void store_reg(unsigned n, Reg h, unsigned size) {
    if (cached(n, size)) {
      const Reg g = cache_[n];
      dirty_ |= uint8_t(1u << n);
      return size == 4 ? a_.mov_rr(g, h) : size == 2 ? a_.mov_rr16(g, h) : a_.mov_rr8(g, h);
    }
    a_.store(size == 1 ? Rb(n) : R(n), h, size);
  }
  // Whether guest register n (a byte register AL..BH when size is 1) lives in a host
  // register. AH..BH never do: plan_registers leaves their registers in memory.
  bool cached(unsigned n, unsigned size) const {
    if (size == 1 && n >= 4) {
      assert(cache_[n & 3] == kNoReg);
      return false;
    }
    return n < 8 && cache_[n] != kNoReg;
  }

  // ---- guest registers in host registers ----------------------------------------------
  // The run's guest registers used more than once get host registers for the whole run
  // (most used first): RSI (free once the run is entered) and the callee-saved RBX,
  // RBP, R12-R15, which the run saves on the host stack at its entry and restores at
  // each exit. They are loaded at the entry; every way out (the run's end, each
  // bail-out) stores those written so far back into Cpu::r, so the thunks and the
  // generic handlers see the guest's registers where they always are. A register also
  // used as AH..BH stays in memory.
  static constexpr Reg kNoReg = Reg(0xFF);
  void plan_registers(size_t end) {
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
      if (f == kLoop || f == kJcxz) use(ECX);
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
  // Saves the callee-saved host registers the run uses and loads the cached guest registers.
  void enter() {
    for (unsigned n = 0; n < 8; ++n)
      if (cache_[n] != kNoReg && cache_[n] != RSI) a_.push(cache_[n]);
    for (unsigned n = 0; n < 8; ++n)
      if (cache_[n] != kNoReg) a_.mov_load(cache_[n], R(n));
  }
  // Stores the cached guest registers in `dirty` back and restores the host's.
  void leave(uint8_t dirty) {
    for (unsigned n = 0; n < 8; ++n)
      if (cache_[n] != kNoReg && (dirty & (1u << n))) a_.mov_store(R(n), cache_[n]);
    for (unsigned n = 8; n-- > 0;)
      if (cache_[n] != kNoReg && cache_[n] != RSI) a_.pop(cache_[n]);
  }
  static uint32_t mask(unsigned size) { return size == 4 ? 0xFFFFFFFFu : (1u << size * 8) - 1; }

  // EAX = the effective address (offset) of i's memory operand, 16 or 32 bits.
  void ea(const Insn& i) {
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

  // RDX = host address of `size` bytes at offset EAX in segment s, through the
  // segment's limit and base and a TLB hit; else the bail-out. The segment's type was
  // checked at the run's entry (seg_guard), and a flat one's base and limit too.
  void host_ptr(unsigned s, unsigned size, bool write) {
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
  // RDX = host address of `size` bytes at linear address EAX through a TLB hit; else
  // `out`. The TLB is the one of the privilege class the run was translated at
  // (seg_guard checks Cpu::tlb still points there), addressed from RDI directly.
  void tlb_ptr(unsigned size, bool write, Label& out) {
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

  // The segments the run accesses are checked once at its entry: their type bits (and
  // SS's B bit) must be what they were when the run was translated, which allowed its
  // accesses (a type that did not, an expand-down segment, a write to a segment that
  // is not writable data in protected mode, sends the run to the thunks); a segment
  // that was flat then (base 0, limit 4 GiB: what a flat 32-bit guest has) must still
  // be: its accesses are then the TLB lookup alone (one wrapping past 4 GiB crosses a
  // page, which the lookup rejects). Other segments check their limit and add their
  // base at each access. Also checked: DF when the run has LODS/STOS, and the TLB's
  // privilege class. A run that fails goes to the thunks whole (`orig`, the first
  // instruction's own thunk).
  void seg_guard(size_t end, Thunk orig) {
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
  void check_segment(unsigned s, bool written, Label& fallback) {
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
  void mem_ptr(const Insn& i, unsigned size, bool write) {
    ea(i);
    host_ptr(i.seg, size, write);
  }

  // ALU operation `op` of `size` bytes on EAX (dst) and ECX (src), both zero-extended:
  // the lazy registers, the result to guest register dst_reg (not for CMP). For ADC and
  // SBB the host's CF must already be the guest's (host_cf) and the moves in between
  // leave it alone. The host computes in 32 bits: the low `size` bytes are the guest's.
  void alu(AluOp op, unsigned dst_reg, unsigned size) {
    alu_compute(op, size);
    if (op != AluOp::Cmp) store_reg(dst_reg, RAX, size);
  }
  void alu_compute(AluOp op, unsigned size) {
    if (op != AluOp::Or && op != AluOp::And && op != AluOp::Xor) {
      a_.mov_rr(R8, RAX);
      a_.mov_rr(R9, RCX);
    }
    a_.alu_rr(op == AluOp::Cmp ? AluOp::Sub : op, RAX, RCX);
    a_.zext(R10, RAX, size);
  }
  // ADC/SBB: the host's CF from the run's latest setter, keeping ECX (the source) and
  // RDX (a host pointer).
  void carry_in() {
    a_.mov_rr(R11, RCX);
    host_cf();
    a_.mov_rr(RCX, R11);
  }

  void emit(const Insn& i) {
    const uint8_t f = i.jit;
    const unsigned size = operand_size(i);
    if (f >= kAluEG) return alu_form(i, size);
    switch (f) {
      case kMovRR_EG: load_reg(RAX, i.reg, size); return store_reg(i.rm, RAX, size);
      case kMovRR_GE: load_reg(RAX, i.rm, size); return store_reg(i.reg, RAX, size);
      case kMovRI:
        if (!cached(i.op & 7, size)) return a_.store_imm(size == 1 ? Rb(i.op & 7) : R(i.op & 7), i.imm, size);
        a_.mov_ri(RAX, i.imm);
        return store_reg(i.op & 7, RAX, size);
      case kMovLoad:
        mem_ptr(i, size, false);
        a_.load(RAX, {RDX}, size);
        return store_reg(i.reg, RAX, size);
      case kMovStore:
        mem_ptr(i, size, true);
        load_reg(RAX, i.reg, size);
        return a_.store({RDX}, RAX, size);
      case kMovStoreImm: mem_ptr(i, size, true); return a_.store_imm({RDX}, i.imm, size);
      case kLea: ea(i); return store_reg(i.reg, RAX, size);
      case kMovzx8RR:
      case kMovzx16RR:
      case kMovsx8RR:
      case kMovsx16RR:
      case kMovzx8Load:
      case kMovzx16Load:
      case kMovsx8Load:
      case kMovsx16Load: return extend(i);
      case kPush: return push(i, size);
      case kPop: return pop(i, size);
      case kTestRR:
      case kTestRI:
      case kTestEI: return test(i, size);
      case kNot:
      case kNeg: return not_neg(i, size);
      case kIncDecE: return inc_dec(i, size);
      case kLods:
      case kStos: return string_op(i, size);
      case kImulRR:
      case kImulRRI: load_reg(RAX, i.rm, 4); return imul(i);
      case kImulRM:
      case kImulRMI:
        mem_ptr(i, 4, false);
        a_.mov_load(RAX, {RDX});
        return imul(i);
      case kShiftImm:
      case kShift1: return shift(i, size);
      case kIncR:
      case kDecR: return inc_dec(i, size);
      case kCmpMR:
      case kCmpMI: return cmp_mem(i, size);
      case kSetcc:
        flags_for(i.op & 15);
        if (!cached(i.rm, 1)) return a_.setcc_mem(Cond(i.op & 15), Rb(i.rm));
        a_.setcc_r(Cond(i.op & 15), cache_[i.rm]);
        dirty_ |= uint8_t(1u << i.rm);
        return;
      case kCmovRR:
      case kCmovRM: return cmov(i);
      case kJcc: return jcc(i);
      case kJmpRel: return jmp_rel(i);
      case kCallRel: return call_rel(i, size);
      case kRet: return ret(size);
      case kLoop:
      case kJcxz: return loop(i);
      default: return;
    }
  }

  // The ALU forms: the source to ECX, the destination register to EAX, the operation.
  void alu_form(const Insn& i, unsigned size) {
    const uint8_t f = i.jit;
    AluOp op = alu_op(f);
    unsigned form = f & ~7u;
    unsigned dst = form == kAluGE || form == kAluLoad ? i.reg : i.rm;
    if (form == kAluEG) load_reg(RCX, i.reg, size);
    if (form == kAluGE) load_reg(RCX, i.rm, size);
    if (form == kAluEI) a_.mov_ri(RCX, i.imm & mask(size));
    if (form == kAluLoad) {
      mem_ptr(i, size, false);
      a_.load(RCX, {RDX}, size);
    }
    if (form == kAluMR || form == kAluMI) {  // read, modify, write [RDX]
      mem_ptr(i, size, true);
      if (form == kAluMR)
        load_reg(RCX, i.reg, size);
      else
        a_.mov_ri(RCX, i.imm & mask(size));
    }
    if (op == AluOp::Adc || op == AluOp::Sbb) carry_in();
    if (form == kAluMR || form == kAluMI) {
      a_.load(RAX, {RDX}, size);  // MOVZX and MOV leave the host's CF alone
      alu_compute(op, size);
      return a_.store({RDX}, RAX, size);
    }
    load_reg(RAX, dst, size);
    alu(op, dst, size);
  }

  // r/m operand i of `size` bytes to EAX: a register, or memory (RDX = its host address).
  void load_rm(const Insn& i, unsigned size, bool write) {
    if (i.mod == 3) return load_reg(RAX, i.rm, size);
    mem_ptr(i, size, write);
    a_.load(RAX, {RDX}, size);
  }
  void store_rm(const Insn& i, unsigned size) {
    if (i.mod == 3) return store_reg(i.rm, RAX, size);
    a_.store({RDX}, RAX, size);
  }
  // NOT and NEG (dst 0, src the operand: L_SUB) of a register or memory.
  void not_neg(const Insn& i, unsigned size) {
    load_rm(i, size, true);
    if (i.jit == kNot) {
      a_.alu_ri(AluOp::Xor, RAX, 0xFFFFFFFFu);
      return store_rm(i, size);
    }
    a_.mov_rr(RCX, RAX);
    a_.mov_ri(RAX, 0);
    alu_compute(AluOp::Sub, size);
    store_rm(i, size);
  }
  // LODS and STOS without REP (DF = 0, seg_guard): AL/eAX from or to [seg:eSI] or
  // [ES:eDI], then eSI or eDI += size, at the address size.
  void string_op(const Insn& i, unsigned size) {
    const bool lods = i.jit == kLods;
    const unsigned index = lods ? ESI : EDI, asize = i.amask == 0xFFFFu ? 2 : 4;
    load_reg(RAX, index, asize);
    host_ptr(lods ? i.seg : unsigned(ES), size, !lods);
    if (lods) {
      a_.load(RCX, {RDX}, size);
      store_reg(EAX, RCX, size);
    } else {
      load_reg(RCX, EAX, size);
      a_.store({RDX}, RCX, size);
    }
    load_reg(RAX, index, 4);
    a_.alu_ri(AluOp::Add, RAX, size);
    store_reg(index, RAX, asize);
  }

  // TEST r/m, reg, TEST AL/eAX, imm and TEST r/m, imm.
  void test(const Insn& i, unsigned size) {
    if (i.jit == kTestEI) {
      load_rm(i, size, false);
      a_.alu_ri(AluOp::And, RAX, i.imm & mask(size));
    } else if (i.jit == kTestRI) {
      load_reg(RAX, 0, size);
      a_.alu_ri(AluOp::And, RAX, i.imm & mask(size));
    } else {
      load_reg(RAX, i.rm, size);
      load_reg(RCX, i.reg, size);
      a_.alu_rr(AluOp::And, RAX, RCX);
    }
    a_.mov_rr(R10, RAX);
  }

  // CMP [mem], reg and CMP [mem], imm.
  void cmp_mem(const Insn& i, unsigned size) {
    mem_ptr(i, size, false);
    a_.load(RAX, {RDX}, size);
    if (i.jit == kCmpMR)
      load_reg(RCX, i.reg, size);
    else
      a_.mov_ri(RCX, i.imm & mask(size));
    alu(AluOp::Cmp, 0, size);
  }

  // INC/DEC reg (40+r, 48+r) and r/m8 (FE /0 /1). CF survives: moved into Cpu::flags
  // (Cpu::set_lazy_keep_cf).
  void inc_dec(const Insn& i, unsigned size) {
    const bool rm = i.jit == kIncDecE, inc = rm ? i.reg == 0 : i.jit == kIncR;
    if (rm && i.mod != 3) mem_ptr(i, size, true);  // RDX: host_cf leaves it alone
    host_cf();
    a_.alu_rr(AluOp::Sbb, RAX, RAX);  // EAX = -CF
    a_.alu_ri(AluOp::And, RAX, 1);
    a_.mov_load(RCX, {RDI, off(&c_.flags)});
    a_.alu_ri(AluOp::And, RCX, ~uint32_t{flag::CF});
    a_.alu_rr(AluOp::Or, RCX, RAX);
    a_.mov_store({RDI, off(&c_.flags)}, RCX);
    if (rm && i.mod != 3)
      a_.load(RAX, {RDX}, size);
    else
      load_reg(RAX, rm ? i.rm : i.op & 7u, size);
    a_.mov_rr(R8, RAX);
    a_.alu_ri(inc ? AluOp::Add : AluOp::Sub, RAX, 1);
    if (rm)
      store_rm(i, size);
    else
      store_reg(i.op & 7, RAX, size);
    a_.zext(R10, RAX, size);
    a_.mov_ri(R9, 1);
  }

  // CMOVcc reg, r/m (32-bit): a memory operand is read whatever the condition.
  void cmov(const Insn& i) {
    if (i.jit == kCmovRM) {
      mem_ptr(i, 4, false);
      a_.mov_load(RAX, {RDX});
    } else {
      load_reg(RAX, i.rm, 4);
    }
    load_reg(RDX, i.reg, 4);
    flags_for(i.op & 15);
    a_.cmov_rr(Cond(i.op & 15), RDX, RAX);
    store_reg(i.reg, RDX, 4);
  }

  void push(const Insn& i, unsigned size) {
    stack_slot(true, size);
    load_reg(RCX, i.op & 7, size);  // PUSH eSP pushes the old value
    a_.store({RDX}, RCX, size);
    move_esp(-int32_t(size));
  }
  void pop(const Insn& i, unsigned size) {
    stack_slot(false, size);
    a_.load(RCX, {RDX}, size);
    move_esp(int32_t(size));
    store_reg(i.op & 7, RCX, size);  // POP eSP: the popped value wins
  }

  // JMP rel, CALL rel (the target's limit check, then the push, then EIP: control.cpp's
  // call_rel), RET: each the last instruction of its block.
  void jmp_rel(const Insn& i) {
    if (self_loop(i)) {
      Label slow;
      back_edge(i, slow);
      a_.bind(slow);
    }
    jump_target(i, i.imm);
    within_cs_limit(RAX);
    a_.mov_store({RDI, off(&c_.eip)}, RAX);
  }
  void call_rel(const Insn& i, unsigned size) {
    jump_target(i, i.imm);
    within_cs_limit(RAX);
    stack_slot(true, size);
    next_eip(i);
    a_.store({RDX}, RAX, size);
    move_esp(-int32_t(size));
    jump_target(i, i.imm);
    a_.mov_store({RDI, off(&c_.eip)}, RAX);
  }
  void ret(unsigned size) {
    stack_slot(false, size);
    a_.load(RCX, {RDX}, size);
    within_cs_limit(RCX);
    move_esp(int32_t(size));
    a_.mov_store({RDI, off(&c_.eip)}, RCX);
  }

  // MOVZX/MOVSX reg32, r/m8 or r/m16 (a byte register is AL..BH).
  void extend(const Insn& i) {
    const uint8_t f = i.jit;
    const bool word = f == kMovzx16RR || f == kMovsx16RR || f == kMovzx16Load || f == kMovsx16Load;
    const bool sign = f == kMovsx8RR || f == kMovsx16RR || f == kMovsx8Load || f == kMovsx16Load;
    if (f >= kMovzx8Load && f <= kMovsx16Load) {
      mem_ptr(i, word ? 2 : 1, false);
      a_.load(RAX, {RDX}, word ? 2 : 1);
    } else {
      load_reg(RAX, i.rm, word ? 2 : 1);
    }
    if (sign) word ? a_.movsx16_rr(RAX, RAX) : a_.movsx8_rr(RAX, RAX);
    store_reg(i.reg, RAX, 4);
  }

  // RDX = host address of the `size` bytes a PUSH (push) or POP would access at eSP, on
  // a 32-bit stack (SS.B) or a 16-bit one (SP wraps), as seg_guard found SS. Changes
  // nothing in the guest: move_esp() does that once nothing can bail out any more.
  void stack_slot(bool push, unsigned size) {
    if (stack32_) {
      load_reg(RAX, ESP, 4);
      if (push) a_.alu_ri(AluOp::Sub, RAX, size);
    } else {
      load_reg(RAX, ESP, 2);
      if (push) {
        a_.alu_ri(AluOp::Sub, RAX, size);
        a_.zext(RAX, RAX, 2);
      }
    }
    host_ptr(SS, size, push);
  }
  // eSP += delta (clobbers EAX).
  void move_esp(int32_t delta) {
    load_reg(RAX, ESP, 4);
    a_.alu_ri(AluOp::Add, RAX, uint32_t(delta));
    store_reg(ESP, RAX, stack32_ ? 4 : 2);
  }
  // A near jump target in r past the CS limit (#GP) goes the generic way.
  void within_cs_limit(Reg r) {
    a_.alu_rm(AluOp::Cmp, r, {RDI, off(&c_.seg[CS].limit)});
    a_.jcc(A, bail(Bail::JumpLimit));
  }

  // EAX = the r/m operand; the product goes to reg (IMUL r32, r/m32 [, imm]).
  // Host IMUL sets CF = OF = "the product does not fit", the guest's L_SZP wants
  // them in lazy.src bit 0 (CF; AF = 0) and lazy.dst bit 0 (OF).
  void imul(const Insn& i) {
    if (i.jit == kImulRRI || i.jit == kImulRMI) {
      a_.imul_rri(RAX, RAX, i.imm);
    } else {
      load_reg(RCX, i.reg, 4);
      a_.imul_rr(RAX, RCX);
    }
    a_.alu_rr(AluOp::Sbb, RCX, RCX);  // SBB: ECX = -CF
    a_.alu_ri(AluOp::And, RCX, 1);
    store_reg(i.reg, RAX, 4);
    a_.mov_rr(R10, RAX);
    a_.mov_rr(R9, RCX);
    a_.mov_rr(R8, RCX);
  }

  // SHL/SAL, SHR, SAR of a register by a constant below the operand's width, with
  // alu_op.h's flags: L_SZP with CF (the last bit out) in lazy.src and OF in lazy.dst.
  // The host shifts at the operand's width, on the register zero-extended.
  void shift(const Insn& i, unsigned size) {
    unsigned n = shift_count(i);
    ShiftOp op = i.reg == unsigned(ShiftOp::Sal) ? ShiftOp::Shl : ShiftOp(i.reg);
    if (!n) return;  // a count of 0 changes nothing, flags included
    const uint8_t top = uint8_t(size * 8 - 1);
    load_reg(RAX, i.rm, size);
    if (op == ShiftOp::Shr && n == 1) {  // OF = the old sign bit
      a_.mov_rr(RDX, RAX);
      a_.shift_ri(ShiftOp::Shr, RDX, top);
    }
    a_.shift_ri_s(op, RAX, uint8_t(n), size);
    a_.alu_rr(AluOp::Sbb, RCX, RCX);  // ECX = -CF (host CF is the last bit shifted out)
    a_.alu_ri(AluOp::And, RCX, 1);
    if (op == ShiftOp::Shl) {  // OF = the result's sign ^ CF
      a_.mov_rr(RDX, RAX);
      a_.shift_ri(ShiftOp::Shr, RDX, top);
      a_.alu_rr(AluOp::Xor, RDX, RCX);
    } else if (op == ShiftOp::Sar || n != 1) {
      a_.mov_ri(RDX, 0);
    }
    store_reg(i.rm, RAX, size);
    a_.mov_rr(R10, RAX);
    a_.mov_rr(R9, RCX);
    a_.mov_rr(R8, RDX);
  }

  // EAX = the eIP after instruction i (the next instruction's).
  void next_eip(const Insn& i) {
    a_.mov_load(RAX, {RDI, off(&c_.block_eip)});
    a_.alu_ri(AluOp::Add, RAX, uint32_t(i.off + i.len));
  }
  // EAX = the target of a relative jump: the next eIP plus `rel`, which wraps at 16 bits
  // with a 16-bit operand.
  void jump_target(const Insn& i, uint32_t rel) {
    a_.mov_load(RAX, {RDI, off(&c_.block_eip)});
    a_.alu_ri(AluOp::Add, RAX, uint32_t(i.off + i.len) + rel);
    if (!i.op32) a_.zext(RAX, RAX, 2);
  }

  // Jcc, the last instruction of its block: sets eIP either way (fast.cpp's jcc); a
  // target past the CS limit goes the generic way.
  void jcc(const Insn& i) {
    Label not_taken;
    next_eip(i);
    flags_for(i.op & 15);
    a_.jcc(Cond((i.op & 15) ^ 1), not_taken);
    if (self_loop(i)) {
      Label slow;
      back_edge(i, slow);
      a_.bind(slow);
      a_.mov_load(RAX, {RDI, off(&c_.block_eip)});  // the target: the block's start
    } else {
      a_.alu_ri(AluOp::Add, RAX, i.imm);
      if (!i.op32) a_.zext(RAX, RAX, 2);
      within_cs_limit(RAX);
    }
    a_.bind(not_taken);
    a_.mov_store({RDI, off(&c_.eip)}, RAX);
  }

  // Whether i, the block's last instruction, jumps to the block's own start from a run
  // that is the whole block.
  bool self_loop(const Insn& i) const { return loops_ && uint32_t(i.off + i.len + i.imm) == 0; }
  // The taken way of a self loop: the lazy flags and the cached registers written are
  // stored (the loop's top expects them in the CPU, as at the run's entry), then, with
  // chain budget for the block left and no kick (block_end's rules for entering a block),
  // the block's instruction count is taken from the budget and added to its start count,
  // and the code goes on at the loop's top; else on at `slow`.
  void back_edge(const Insn&, Label& slow) {
    store_lazy(kind_);
    for (unsigned n = 0; n < 8; ++n)
      if (cache_[n] != kNoReg && (dirty_ & (1u << n))) a_.mov_store(R(n), cache_[n]);
    a_.mov_load(RCX, {RDI, off(&c_.chain_budget)});
    a_.alu_ri(AluOp::Sub, RCX, b_.count);
    a_.jcc(B, slow);
    Label no_kick;
    a_.mov_load64(RDX, {RDI, off(&c_.kick)});
    a_.test_rr(RDX, RDX, true);
    a_.jcc(E, no_kick);
    a_.cmp8_imm({RDX}, 0);
    a_.jcc(NE, slow);
    a_.bind(no_kick);
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

  // LOOP and JCXZ, the last instruction of their block: the count is CX or ECX by the
  // address size; LOOP decrements it (no flags) once the target passed its limit check.
  void loop(const Insn& i) {
    const unsigned count_size = i.amask == 0xFFFFu ? 2 : 4;
    Label not_taken;
    load_reg(RDX, ECX, count_size);
    if (i.jit == kLoop) {
      a_.alu_ri(AluOp::Sub, RDX, 1);
      a_.zext(RDX, RDX, count_size);
    }
    next_eip(i);
    a_.test_rr(RDX, RDX);
    a_.jcc(i.jit == kLoop ? E : NE, not_taken);
    if (self_loop(i)) {
      Label slow;
      if (i.jit == kLoop) store_reg(ECX, RDX, count_size);  // before back_edge stores the registers
      back_edge(i, slow);
      a_.bind(slow);
      if (i.jit == kLoop) load_reg(RDX, ECX, count_size);  // the count, for the store below
      a_.mov_load(RAX, {RDI, off(&c_.block_eip)});
    } else {
      a_.alu_ri(AluOp::Add, RAX, i.imm);
      if (!i.op32) a_.zext(RAX, RAX, 2);
      within_cs_limit(RAX);
    }
    a_.bind(not_taken);
    if (i.jit == kLoop) store_reg(ECX, RDX, count_size);
    a_.mov_store({RDI, off(&c_.eip)}, RAX);
  }

  // The run ends the block (RSI = its end sentinel): block_end's fast path, inline, so
  // that each block's way to its successor is a jump site of its own for the host's
  // branch predictor. Everything but the common case (a chained successor of this
  // epoch, budget left, no kick, within the CS limit) falls through to the sentinel's
  // thunk, block_end, which does the same checks again and handles the rest.
  void chain_exit() {
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
    Label no_kick;
    a_.mov_load64(RDX, {RDI, off(&c_.kick)});
    a_.test_rr(RDX, RDX, true);
    a_.jcc(E, no_kick);
    a_.cmp8_imm({RDX}, 0);
    a_.jcc(NE, slow);
    a_.bind(no_kick);
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

  Reg cache_[8];         // the host register of each guest register (kNoReg: in Cpu::r)
  uint8_t dirty_ = 0;    // cached guest registers written so far
  uint8_t flat_ = 0;     // segments checked flat at the run's entry (bit per Sreg)
  bool stack32_ = true;  // SS.B at translation (seg_guard checks it)
  bool loops_ = false;   // the run is its whole block: a jump to its start is a back edge
  Label loop_top_;
  unsigned tlb_class_ = 0;  // the TLB (Cpu::tlbs) at translation: 1 for CPL 3 (seg_guard checks it)
  const Cpu& c_;
  Block& b_;
  const uint64_t* epoch_;
  std::span<Insn> insns_;
  size_t first_;
  Stats* stats_;
  size_t at_ = 0;
  FlagKind kind_ = L_NONE;
  X64 a_;
  std::vector<BailOut> bails_;
};

}  // namespace

std::vector<uint8_t> compile_run(const Cpu& c, Block& b, const uint64_t* epoch, size_t first, size_t end, Thunk orig,
                                 Stats* stats) {
  return RunCompiler(c, b, epoch, first, stats).compile(end, orig);
}

}  // namespace pxos::soft::jit

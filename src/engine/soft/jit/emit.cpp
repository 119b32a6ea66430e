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

#include <cstddef>
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
  RunCompiler(const Cpu& c, Block& b, const uint64_t* epoch, size_t first)
      : c_(c), b_(b), epoch_(epoch), insns_(b.insns), first_(first) {}

  // Emits instructions [first, end) and returns the code.
  std::vector<uint8_t> compile(size_t end, Thunk orig) {
    flat_guard(end, orig);
    FlagKind k = L_NONE;
    for (size_t j = first_; j < end; ++j) {
      at_ = j;
      kind_ = k;
      emit(insns_[j]);
      k = kind_after(insns_[j], k);
    }
    store_lazy(k);
    a_.lea64(RSI, {RSI, disp_of(end)});
    if (end == insns_.size() - 1) chain_exit();
    a_.jmp_mem({RSI, int32_t(offsetof(Insn, th))});
    for (Bail& b : bails_) {
      a_.bind(b.label);
      store_lazy(b.kind);
      a_.lea64(RSI, {RSI, disp_of(b.at)});
      a_.mov_ri64(RAX, reinterpret_cast<uint64_t>(&run_generic));
      a_.jmp_reg(RAX);
    }
    return std::move(a_.code);
  }

 private:
  struct Bail {
    size_t at;
    FlagKind kind;
    Label label;
  };

  int32_t off(const void* field) const {
    return int32_t(static_cast<const char*>(field) - reinterpret_cast<const char*>(&c_));
  }
  int32_t disp_of(size_t j) const { return int32_t((j - first_) * sizeof(Insn)); }
  Mem R(unsigned n) const { return {RDI, off(&c_.r[n])}; }
  Mem Rb(unsigned n) const { return {RDI, off(&c_.r[n & 3]) + int32_t(n >> 2)}; }  // AL..BL, AH..BH

  // The bail-out label of the instruction being compiled (one stub per instruction).
  Label& bail() {
    if (bails_.empty() || bails_.back().at != at_) bails_.push_back(Bail{at_, kind_, {}});
    return bails_.back().label;
  }

  void store_lazy(FlagKind k) {
    if (k == L_NONE) return;
    a_.mov_store8_imm({RDI, off(&c_.lazy.op)}, k & 0x0F);
    a_.mov_store8_imm({RDI, off(&c_.lazy.bits)}, 32);
    a_.mov_store({RDI, off(&c_.lazy.res)}, R10);
    if (k == L_LOGIC) return;  // CF, OF and AF are 0, SF ZF PF come from res
    a_.mov_store({RDI, off(&c_.lazy.dst)}, R8);
    a_.mov_store({RDI, off(&c_.lazy.src)}, R9);
  }

  // Host flags that answer condition cc as the guest's flags would (cond_ok holds).
  void flags_for(unsigned) {
    switch (kind_) {
      case L_SUB: a_.alu_rr(AluOp::Cmp, R8, R9); break;
      case L_ADD:
        a_.mov_rr(RCX, R8);
        a_.alu_rr(AluOp::Add, RCX, R9);
        break;
      case L_INC:
      case L_DEC:  // OF SF ZF PF as the host's ADD/SUB of 1 gives them (cond_ok: no CF)
        a_.mov_rr(RCX, R8);
        a_.alu_ri(kind_ == L_INC ? AluOp::Add : AluOp::Sub, RCX, 1);
        break;
      default: a_.test_rr(R10, R10); break;  // L_LOGIC (CF = OF = 0), L_SZP (SF ZF PF)
    }
  }

  // Host CF = the guest's CF after the run's latest setter (known); clobbers EAX, ECX.
  void host_cf() {
    switch (kind_) {
      case L_ADD:
        a_.mov_rr(RCX, R8);
        a_.alu_rr(AluOp::Add, RCX, R9);
        return;
      case L_SUB: a_.alu_rr(AluOp::Cmp, R8, R9); return;
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
      case kAdc:  // Cpu::cf() for L_ADD: bit 31 of (d & s) | ((d | s) & ~r)
        a_.mov_rr(RCX, R8);
        a_.alu_rr(AluOp::Or, RCX, R9);
        a_.mov_rr(RAX, R10);
        a_.alu_ri(AluOp::Xor, RAX, 0xFFFFFFFFu);
        a_.alu_rr(AluOp::And, RCX, RAX);
        a_.mov_rr(RAX, R8);
        a_.alu_rr(AluOp::And, RAX, R9);
        a_.alu_rr(AluOp::Or, RCX, RAX);
        a_.shift_ri(ShiftOp::Shl, RCX, 1);
        return;
      default:  // kSbb, Cpu::cf() for L_SUB: bit 31 of (~d & s) | ((~d | s) & r)
        a_.mov_rr(RAX, R8);
        a_.alu_ri(AluOp::Xor, RAX, 0xFFFFFFFFu);
        a_.mov_rr(RCX, RAX);
        a_.alu_rr(AluOp::Or, RCX, R9);
        a_.alu_rr(AluOp::And, RCX, R10);
        a_.alu_rr(AluOp::And, RAX, R9);
        a_.alu_rr(AluOp::Or, RCX, RAX);
        a_.shift_ri(ShiftOp::Shl, RCX, 1);
        return;
    }
  }

  // EAX = the 32-bit effective address (offset) of i's memory operand.
  void ea(const Insn& i) {
    bool b = i.base != 8, x = i.index != 8;
    if (b) a_.mov_load(RAX, R(i.base));
    if (x) a_.mov_load(RCX, R(i.index));
    if (b && x) {
      a_.lea(RAX, {RAX, int32_t(i.disp), RCX, i.scale});
    } else if (x) {
      a_.mov_rr(RAX, RCX);
      if (i.scale) a_.shift_ri(ShiftOp::Shl, RAX, i.scale);
      if (i.disp) a_.alu_ri(AluOp::Add, RAX, i.disp);
    } else if (b) {
      if (i.disp) a_.alu_ri(AluOp::Add, RAX, i.disp);
    } else {
      a_.mov_ri(RAX, i.disp);
    }
  }

  // RDX = host address of `size` bytes at offset EAX in segment s, through the
  // segment check and a TLB hit (fast.cpp's fast_ptr_at); else the bail-out.
  void host_ptr(unsigned s, unsigned size, bool write) {
    const SegCache& sc = c_.seg[s];
    Label& out = bail();
    if (flat_ & (1u << s)) return tlb_ptr(size, write, out);  // checked at the run's entry
    a_.mov_rr(RCX, RAX);
    if (size > 1) a_.alu_ri(AluOp::Add, RCX, size - 1, true);
    a_.mov_load(RDX, {RDI, off(&sc.limit)});
    a_.alu_rr(AluOp::Cmp, RCX, RDX, true);
    a_.jcc(A, out);
    a_.movzx16_load(RDX, {RDI, off(&sc.attrib)});
    a_.mov_rr(RCX, RDX);
    a_.alu_ri(AluOp::And, RCX, 0x1C);
    a_.alu_ri(AluOp::Cmp, RCX, 0x14);
    a_.jcc(E, out);  // expand-down
    if (write) {
      a_.alu_ri(AluOp::And, RDX, 0xA);
      a_.alu_ri(AluOp::Cmp, RDX, 0x2);
      a_.jcc(NE, out);  // not a writable data segment (or real mode: the slow path)
    }
    a_.alu_rm(AluOp::Add, RAX, {RDI, off(&sc.base)});
    tlb_ptr(size, write, out);
  }
  // RDX = host address of `size` bytes at linear address EAX through a TLB hit; else `out`.
  void tlb_ptr(unsigned size, bool write, Label& out) {
    a_.mov_rr(RCX, RAX);
    a_.shift_ri(ShiftOp::Shr, RCX, 12);
    a_.movzx8_rr(RDX, RCX);
    a_.lea64(RDX, {RDX, 0, RDX, 1});  // * 3: sizeof(TlbEntry) == 24
    a_.mov_load64(R11, {RDI, off(&c_.tlb)});
    a_.lea64(R11, {R11, 0, RDX, 3});
    if (size > 1) {  // the tag is compared with the page of the last byte: a page crossing misses
      a_.lea(RCX, {RAX, int32_t(size - 1)});
      a_.shift_ri(ShiftOp::Shr, RCX, 12);
    }
    a_.alu_rm(AluOp::Cmp, RCX, {R11, int32_t(write ? offsetof(TlbEntry, tag_w) : offsetof(TlbEntry, tag_r))});
    a_.jcc(NE, out);
    a_.mov_rr(RDX, RAX);
    a_.alu_ri(AluOp::And, RDX, 0xFFF);
    a_.alu_rm(AluOp::Add, RDX, {R11, int32_t(offsetof(TlbEntry, host))}, true);
  }

  // The segments ES, SS and DS the run accesses are checked once at its entry: base 0,
  // limit 4 GiB, a writable data segment that is not expand-down (what a flat 32-bit
  // guest has). Then an access's linear address is its offset and the TLB lookup is the
  // whole check: an access wrapping past 4 GiB crosses a page, which the lookup rejects.
  // Segments that are not flat send the whole run to the thunks (`orig`, the first
  // instruction's own thunk). FS and GS (per-CPU data, TLS) are checked per access.
  void flat_guard(size_t end, Thunk orig) {
    for (size_t j = first_; j < end; ++j) {
      const Insn& i = insns_[j];
      unsigned s = stack_form(i.jit) ? unsigned(SS) : memory_form(i.jit) ? i.seg : 8u;
      if (s == ES || s == SS || s == DS) flat_ |= uint8_t(1u << s);
    }
    if (!flat_) return;
    Label flat, fallback;
    for (unsigned s : {ES, SS, DS}) {
      if (!(flat_ & (1u << s))) continue;
      const SegCache& sc = c_.seg[s];
      a_.alu_mi(AluOp::Cmp, {RDI, off(&sc.base)}, 0);
      a_.jcc(NE, fallback);
      a_.alu_mi(AluOp::Cmp, {RDI, off(&sc.limit)}, 0xFFFFFFFFu);
      a_.jcc(NE, fallback);
      a_.movzx16_load(RDX, {RDI, off(&sc.attrib)});
      a_.alu_ri(AluOp::And, RDX, 0xE);
      a_.alu_ri(AluOp::Cmp, RDX, 0x2);
      a_.jcc(NE, fallback);
    }
    a_.jmp(flat);
    a_.bind(fallback);
    a_.mov_ri64(RAX, reinterpret_cast<uint64_t>(orig));
    a_.jmp_reg(RAX);
    a_.bind(flat);
  }
  void mem_ptr(const Insn& i, unsigned size, bool write) {
    ea(i);
    host_ptr(i.seg, size, write);
  }

  // ALU operation `op` on EAX (dst) and ECX (src): the lazy registers, the result to
  // guest register dst_reg (not for CMP). For ADC and SBB the host's CF must already
  // be the guest's (host_cf) and the moves in between leave it alone.
  void alu(AluOp op, unsigned dst_reg) {
    if (op != AluOp::Or && op != AluOp::And && op != AluOp::Xor) {
      a_.mov_rr(R8, RAX);
      a_.mov_rr(R9, RCX);
    }
    a_.alu_rr(op == AluOp::Cmp ? AluOp::Sub : op, RAX, RCX);
    a_.mov_rr(R10, RAX);
    if (op != AluOp::Cmp) a_.mov_store(R(dst_reg), RAX);
  }
  // ADC/SBB: CF from the run's latest setter, then the operation on dst and src (ECX).
  void alu_carry(AluOp op, unsigned dst_reg) {
    a_.mov_rr(RDX, RCX);
    host_cf();
    a_.mov_rr(RCX, RDX);
    a_.mov_load(RAX, R(dst_reg));
    alu(op, dst_reg);
  }

  void emit(const Insn& i) {
    const uint8_t f = i.jit;
    if (f >= kAluEG) return alu_form(i);
    switch (f) {
      case kMovRR_EG:
        a_.mov_load(RAX, R(i.reg));
        a_.mov_store(R(i.rm), RAX);
        return;
      case kMovRR_GE:
        a_.mov_load(RAX, R(i.rm));
        a_.mov_store(R(i.reg), RAX);
        return;
      case kMovRI: a_.mov_store_imm(R(i.op & 7), i.imm); return;
      case kMovLoad8:
      case kMovLoad16:
      case kMovLoad: return load_reg(i, move_size(f));
      case kMovStore8:
      case kMovStore16:
      case kMovStore: return store_reg(i, move_size(f));
      case kMovStoreImm8:
      case kMovStoreImm16:
      case kMovStoreImm: mem_ptr(i, move_size(f), true); return a_.store_imm({RDX}, i.imm, move_size(f));
      case kLea:
        ea(i);
        a_.mov_store(R(i.reg), RAX);
        return;
      case kMovzx8RR:
      case kMovzx16RR:
      case kMovsx8RR:
      case kMovsx16RR:
      case kMovzx8Load:
      case kMovzx16Load:
      case kMovsx8Load:
      case kMovsx16Load: return extend(i);
      case kPush: return push(i);
      case kPop: return pop(i);
      case kTestRR:
        a_.mov_load(RAX, R(i.rm));
        a_.alu_rm(AluOp::And, RAX, R(i.reg));
        a_.mov_rr(R10, RAX);
        return;
      case kImulRR:
      case kImulRRI: a_.mov_load(RAX, R(i.rm)); return imul(i);
      case kImulRM:
      case kImulRMI:
        mem_ptr(i, 4, false);
        a_.mov_load(RAX, {RDX});
        return imul(i);
      case kShiftImm:
      case kShift1: return shift(i);
      case kIncR:
      case kDecR: return inc_dec(i);
      case kCmpMR:
      case kCmpMI: return cmp_mem(i);
      case kSetcc:
        flags_for(i.op & 15);
        a_.setcc_mem(Cond(i.op & 15), Rb(i.rm));
        return;
      case kCmovRR:
      case kCmovRM: return cmov(i);
      case kJcc: return jcc(i);
      case kJmpRel: return jmp_rel(i);
      case kCallRel: return call_rel(i);
      case kRet: return ret(i);
      default: return;
    }
  }

  // The ALU forms: the source to ECX, the destination register to EAX, the operation.
  void alu_form(const Insn& i) {
    const uint8_t f = i.jit;
    AluOp op = alu_op(f);
    unsigned form = f & ~7u;
    unsigned dst = form == kAluGE || form == kAluLoad ? i.reg : i.rm;
    if (form == kAluEG) a_.mov_load(RCX, R(i.reg));
    if (form == kAluGE) a_.mov_load(RCX, R(i.rm));
    if (form == kAluEI) a_.mov_ri(RCX, i.imm);
    if (form == kAluLoad) {
      mem_ptr(i, 4, false);
      a_.mov_load(RCX, {RDX});
    }
    if (op == AluOp::Adc || op == AluOp::Sbb) return alu_carry(op, dst);
    a_.mov_load(RAX, R(dst));
    alu(op, dst);
  }

  // CMP [mem], reg and CMP [mem], imm.
  void cmp_mem(const Insn& i) {
    mem_ptr(i, 4, false);
    a_.mov_load(RAX, {RDX});
    if (i.jit == kCmpMR)
      a_.mov_load(RCX, R(i.reg));
    else
      a_.mov_ri(RCX, i.imm);
    alu(AluOp::Cmp, 0);
  }

  // INC/DEC reg. CF survives: moved into Cpu::flags (Cpu::set_lazy_keep_cf).
  void inc_dec(const Insn& i) {
    unsigned r = i.op & 7;
    host_cf();
    a_.alu_rr(AluOp::Sbb, RAX, RAX);  // EAX = -CF
    a_.alu_ri(AluOp::And, RAX, 1);
    a_.mov_load(RCX, {RDI, off(&c_.flags)});
    a_.alu_ri(AluOp::And, RCX, ~uint32_t{flag::CF});
    a_.alu_rr(AluOp::Or, RCX, RAX);
    a_.mov_store({RDI, off(&c_.flags)}, RCX);
    a_.mov_load(RAX, R(r));
    a_.mov_rr(R8, RAX);
    a_.alu_ri(i.jit == kIncR ? AluOp::Add : AluOp::Sub, RAX, 1);
    a_.mov_store(R(r), RAX);
    a_.mov_rr(R10, RAX);
    a_.mov_ri(R9, 1);
  }

  // CMOVcc reg, r/m: a memory operand is read whatever the condition.
  void cmov(const Insn& i) {
    if (i.jit == kCmovRM) {
      mem_ptr(i, 4, false);
      a_.mov_load(RAX, {RDX});
    } else {
      a_.mov_load(RAX, R(i.rm));
    }
    a_.mov_load(RDX, R(i.reg));
    flags_for(i.op & 15);
    a_.cmov_rr(Cond(i.op & 15), RDX, RAX);
    a_.mov_store(R(i.reg), RDX);
  }

  void push(const Insn& i) {
    stack_slot(true);
    a_.mov_load(RCX, R(i.op & 7));  // PUSH ESP pushes the old value
    a_.mov_store({RDX}, RCX);
    move_esp(-4);
  }
  void pop(const Insn& i) {
    stack_slot(false);
    a_.mov_load(RCX, {RDX});
    move_esp(4);
    a_.mov_store(R(i.op & 7), RCX);  // POP ESP: the popped value wins
  }

  // JMP rel, CALL rel (the target's limit check, then the push, then EIP: control.cpp's
  // call_rel), RET: each the last instruction of its block.
  void jmp_rel(const Insn& i) {
    next_eip(i, i.imm);
    within_cs_limit(RAX);
    a_.mov_store({RDI, off(&c_.eip)}, RAX);
  }
  void call_rel(const Insn& i) {
    next_eip(i, i.imm);
    within_cs_limit(RAX);
    stack_slot(true);
    next_eip(i, 0);
    a_.mov_store({RDX}, RAX);
    move_esp(-4);
    next_eip(i, i.imm);
    a_.mov_store({RDI, off(&c_.eip)}, RAX);
  }
  void ret(const Insn&) {
    stack_slot(false);
    a_.mov_load(RCX, {RDX});
    within_cs_limit(RCX);
    move_esp(4);
    a_.mov_store({RDI, off(&c_.eip)}, RCX);
  }

  // MOV reg, [mem] and MOV [mem], reg of `size` bytes (a byte register is AL..BH).
  Mem reg_of(const Insn& i, unsigned size) const { return size == 1 ? Rb(i.reg) : R(i.reg); }
  void load_reg(const Insn& i, unsigned size) {
    mem_ptr(i, size, false);
    a_.load(RAX, {RDX}, size);
    a_.store(reg_of(i, size), RAX, size);
  }
  void store_reg(const Insn& i, unsigned size) {
    mem_ptr(i, size, true);
    a_.load(RAX, reg_of(i, size), size);
    a_.store({RDX}, RAX, size);
  }

  // MOVZX/MOVSX reg32, r/m8 or r/m16 (a byte register is AL..BH).
  void extend(const Insn& i) {
    const uint8_t f = i.jit;
    const bool word = f == kMovzx16RR || f == kMovsx16RR || f == kMovzx16Load || f == kMovsx16Load;
    const bool sign = f == kMovsx8RR || f == kMovsx16RR || f == kMovsx8Load || f == kMovsx16Load;
    Mem src{RDX};
    if (f >= kMovzx8Load && f <= kMovsx16Load)
      mem_ptr(i, word ? 2 : 1, false);
    else
      src = word ? R(i.rm) : Rb(i.rm);
    if (sign)
      word ? a_.movsx16_load(RAX, src) : a_.movsx8_load(RAX, src);
    else
      word ? a_.movzx16_load(RAX, src) : a_.movzx8_load(RAX, src);
    a_.mov_store(R(i.reg), RAX);
  }

  // RDX = host address of the dword a 32-bit PUSH (push) or POP would access at ESP;
  // SS must be a 32-bit stack (SS.B), as fast.cpp's push_reg/pop_reg require. Changes
  // nothing in the guest: move_esp() does that once nothing can bail out any more.
  void stack_slot(bool push) {
    a_.movzx16_load(RDX, {RDI, off(&c_.seg[SS].attrib)});
    a_.alu_ri(AluOp::And, RDX, 0x4000);
    a_.jcc(E, bail());
    a_.mov_load(RAX, R(ESP));
    if (push) a_.alu_ri(AluOp::Sub, RAX, 4);
    host_ptr(SS, 4, push);
  }
  // ESP += delta (clobbers EAX).
  void move_esp(int32_t delta) {
    a_.mov_load(RAX, R(ESP));
    a_.alu_ri(AluOp::Add, RAX, uint32_t(delta));
    a_.mov_store(R(ESP), RAX);
  }
  // A near jump target in r past the CS limit (#GP) goes the generic way.
  void within_cs_limit(Reg r) {
    a_.alu_rm(AluOp::Cmp, r, {RDI, off(&c_.seg[CS].limit)});
    a_.jcc(A, bail());
  }

  // EAX = the r/m operand; the product goes to reg (IMUL r32, r/m32 [, imm]).
  // Host IMUL sets CF = OF = "the product does not fit", the guest's L_SZP wants
  // them in lazy.src bit 0 (CF; AF = 0) and lazy.dst bit 0 (OF).
  void imul(const Insn& i) {
    if (i.jit == kImulRRI || i.jit == kImulRMI) {
      a_.imul_rri(RAX, RAX, i.imm);
    } else {
      a_.mov_load(RCX, R(i.reg));
      a_.imul_rr(RAX, RCX);
    }
    a_.alu_rr(AluOp::Sbb, RCX, RCX);  // SBB: ECX = -CF
    a_.alu_ri(AluOp::And, RCX, 1);
    a_.mov_store(R(i.reg), RAX);
    a_.mov_rr(R10, RAX);
    a_.mov_rr(R9, RCX);
    a_.mov_rr(R8, RCX);
  }

  // SHL/SAL, SHR, SAR of a register by a constant 1..31, with alu_op.h's flags:
  // L_SZP with CF (the last bit out) in lazy.src and OF in lazy.dst.
  void shift(const Insn& i) {
    unsigned n = shift_count(i);
    ShiftOp op = i.reg == unsigned(ShiftOp::Sal) ? ShiftOp::Shl : ShiftOp(i.reg);
    if (!n) return;  // a count of 0 changes nothing, flags included
    a_.mov_load(RAX, R(i.rm));
    if (op == ShiftOp::Shr) {
      if (n == 1) {  // OF = the old sign bit
        a_.mov_rr(RDX, RAX);
        a_.shift_ri(ShiftOp::Shr, RDX, 31);
      }
    }
    a_.shift_ri(op, RAX, uint8_t(n));
    a_.alu_rr(AluOp::Sbb, RCX, RCX);  // ECX = -CF (host CF is the last bit shifted out)
    a_.alu_ri(AluOp::And, RCX, 1);
    if (op == ShiftOp::Shl) {  // OF = the result's sign ^ CF
      a_.mov_rr(RDX, RAX);
      a_.shift_ri(ShiftOp::Shr, RDX, 31);
      a_.alu_rr(AluOp::Xor, RDX, RCX);
    } else if (op == ShiftOp::Sar || n != 1) {
      a_.mov_ri(RDX, 0);
    }
    a_.mov_store(R(i.rm), RAX);
    a_.mov_rr(R10, RAX);
    a_.mov_rr(R9, RCX);
    a_.mov_rr(R8, RDX);
  }

  // EAX = the EIP after instruction i, plus `rel`.
  void next_eip(const Insn& i, uint32_t rel) {
    a_.mov_load(RAX, {RDI, off(&c_.block_eip)});
    a_.alu_ri(AluOp::Add, RAX, uint32_t(i.off + i.len) + rel);
  }

  // Jcc rel32/rel8 with a 32-bit operand, the last instruction of its block: sets
  // EIP either way (fast.cpp's jcc); a target past the CS limit goes the generic way.
  void jcc(const Insn& i) {
    Label not_taken;
    next_eip(i, 0);
    flags_for(i.op & 15);
    a_.jcc(Cond((i.op & 15) ^ 1), not_taken);
    a_.alu_ri(AluOp::Add, RAX, i.imm);
    within_cs_limit(RAX);
    a_.bind(not_taken);
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

  uint8_t flat_ = 0;  // segments checked flat at the run's entry (bit per Sreg)
  const Cpu& c_;
  Block& b_;
  const uint64_t* epoch_;
  std::span<Insn> insns_;
  size_t first_;
  size_t at_ = 0;
  FlagKind kind_ = L_NONE;
  X64 a_;
  std::vector<Bail> bails_;
};

}  // namespace

std::vector<uint8_t> compile_run(const Cpu& c, Block& b, const uint64_t* epoch, size_t first, size_t end, Thunk orig) {
  return RunCompiler(c, b, epoch, first).compile(end, orig);
}

}  // namespace pxos::soft::jit

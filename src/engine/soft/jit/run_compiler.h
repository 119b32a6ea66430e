// The emitter's compiler of one run (emit.h's compile_run), shared by its files:
// emit.cpp (the run's frame: entry checks, the register plan, memory accesses, bail-outs,
// the block's exit and self loops), emit_forms.cpp (the instruction forms) and
// emit_flags.cpp (the lazy flags in host registers). Only those files include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/soft/cpu.h"
#include "engine/soft/exec.h"
#include "engine/soft/jit/forms.h"
#include "engine/soft/jit/stats.h"
#include "engine/soft/jit/x64.h"

namespace pxos::soft::jit {

// Compiles one run. Field offsets are taken from the CPU the code will run on.
class RunCompiler {
 public:
  RunCompiler(const Cpu& c, Block& b, const uint64_t* epoch, size_t first, Stats* stats)
      : c_(c), b_(b), epoch_(epoch), insns_(b.insns), first_(first), stats_(stats) {}

  // Emits instructions [first, end) and returns the code.
  std::vector<uint8_t> compile(size_t end, Thunk orig);

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
  Label& bail(Bail why);
  // --jit-stats: *counter += n (clobbers RAX).
  void count(uint64_t* counter, int32_t n);

  void store_lazy(FlagKind k);

  // Host flags that answer condition cc as the guest's flags would (cond_ok holds): the
  // host's operation of the setter's width on the lazy operands.
  void flags_for(unsigned);

  // Host CF = the guest's CF after the run's latest setter; clobbers EAX, ECX (and
  // R8-R10 when no setter is in the run yet).
  void host_cf();
  // ECX = the carry bits of the lazy operands in R8-R10 (clobbers EAX), as Cpu::cf():
  // an addition's (d & s) | ((d | s) & ~r), a subtraction's (~d & s) | ((~d | s) & r).
  void carry_bits(bool add);

  // Host CF = Cpu::cf() of whatever the lazy flags hold when the run started (its first
  // flag setter is still to come): decided at run time, as cpu.h's cf() does.
  void cpu_cf();
  void lazy_operands();

  // Guest register n of `size` bytes (a byte register is AL..BH) to host register h,
  // zero-extended; and back.
  void load_reg(Reg h, unsigned n, unsigned size);
  void store_reg(unsigned n, Reg h, unsigned size);
  // Whether guest register n (a byte register AL..BH when size is 1) lives in a host
  // register. AH..BH never do: plan_registers leaves their registers in memory.
  bool cached(unsigned n, unsigned size) const;

  // ---- guest registers in host registers ----------------------------------------------
  // The run's guest registers used more than once get host registers for the whole run
  // (most used first): RSI (free once the run is entered) and the callee-saved RBX,
  // RBP, R12-R15, which the run saves on the host stack at its entry and restores at
  // each exit. They are loaded at the entry; every way out (the run's end, each
  // bail-out) stores those written so far back into Cpu::r, so the thunks and the
  // generic handlers see the guest's registers where they always are. A register also
  // used as AH..BH stays in memory.
  static constexpr Reg kNoReg = Reg(0xFF);
  void plan_registers(size_t end);
  // Saves the callee-saved host registers the run uses and loads the cached guest registers.
  void enter();
  // Stores the cached guest registers in `dirty` back and restores the host's.
  void leave(uint8_t dirty);
  // Stores the cached guest registers in `dirty` back into Cpu::r (they stay cached).
  void write_back(uint8_t dirty);
  static uint32_t mask(unsigned size) { return size == 4 ? 0xFFFFFFFFu : (1u << size * 8) - 1; }

  // EAX = the effective address (offset) of i's memory operand, 16 or 32 bits.
  void ea(const Insn& i);

  // RDX = host address of `size` bytes at offset EAX in segment s, through the
  // segment's limit and base and a TLB hit; else the bail-out. The segment's type was
  // checked at the run's entry (seg_guard), and a flat one's base and limit too.
  void host_ptr(unsigned s, unsigned size, bool write);
  // RDX = host address of `size` bytes at linear address EAX through a TLB hit; else
  // `out`. The TLB is the one of the privilege class the run was translated at
  // (seg_guard checks Cpu::tlb still points there), addressed from RDI directly.
  void tlb_ptr(unsigned size, bool write, Label& out);

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
  void seg_guard(size_t end, Thunk orig);
  void check_segment(unsigned s, bool written, Label& fallback);
  void mem_ptr(const Insn& i, unsigned size, bool write);

  // ALU operation `op` of `size` bytes on EAX (dst) and ECX (src), both zero-extended:
  // the lazy registers, the result to guest register dst_reg (not for CMP). For ADC and
  // SBB the host's CF must already be the guest's (host_cf) and the moves in between
  // leave it alone. The host computes in 32 bits: the low `size` bytes are the guest's.
  void alu(AluOp op, unsigned dst_reg, unsigned size);
  void alu_compute(AluOp op, unsigned size);
  // ADC/SBB: the host's CF from the run's latest setter, keeping ECX (the source) and
  // RDX (a host pointer).
  void carry_in();

  void emit(const Insn& i);

  // The ALU forms: the source to ECX, the destination register to EAX, the operation.
  void alu_form(const Insn& i, unsigned size);

  // r/m operand i of `size` bytes to EAX: a register, or memory (RDX = its host address).
  void load_rm(const Insn& i, unsigned size, bool write);
  void store_rm(const Insn& i, unsigned size);
  // NOT and NEG (dst 0, src the operand: L_SUB) of a register or memory.
  void not_neg(const Insn& i, unsigned size);
  // LODS and STOS without REP (DF = 0, seg_guard): AL/eAX from or to [seg:eSI] or
  // [ES:eDI], then eSI or eDI += size, at the address size.
  void string_op(const Insn& i, unsigned size);

  // TEST r/m, reg, TEST AL/eAX, imm and TEST r/m, imm.
  void test(const Insn& i, unsigned size);

  // CMP [mem], reg and CMP [mem], imm.
  void cmp_mem(const Insn& i, unsigned size);

  // INC/DEC reg (40+r, 48+r) and r/m8 (FE /0 /1). CF survives: moved into Cpu::flags
  // (Cpu::set_lazy_keep_cf).
  void inc_dec(const Insn& i, unsigned size);

  // CMOVcc reg, r/m (32-bit): a memory operand is read whatever the condition.
  void cmov(const Insn& i);

  void push(const Insn& i, unsigned size);
  void pop(const Insn& i, unsigned size);

  // JMP rel, CALL rel (the target's limit check, then the push, then EIP: control.cpp's
  // call_rel), RET: each the last instruction of its block.
  void jmp_rel(const Insn& i);
  void call_rel(const Insn& i, unsigned size);
  void ret(unsigned size);

  // MOVZX/MOVSX reg32, r/m8 or r/m16 (a byte register is AL..BH).
  void extend(const Insn& i);

  // RDX = host address of the `size` bytes a PUSH (push) or POP would access at eSP, on
  // a 32-bit stack (SS.B) or a 16-bit one (SP wraps), as seg_guard found SS. Changes
  // nothing in the guest: move_esp() does that once nothing can bail out any more.
  void stack_slot(bool push, unsigned size);
  // eSP += delta (clobbers EAX).
  void move_esp(int32_t delta);
  // A near jump target in r past the CS limit (#GP) goes the generic way.
  void within_cs_limit(Reg r);

  // EAX = the r/m operand; the product goes to reg (IMUL r32, r/m32 [, imm]).
  // Host IMUL sets CF = OF = "the product does not fit", the guest's L_SZP wants
  // them in lazy.src bit 0 (CF; AF = 0) and lazy.dst bit 0 (OF).
  void imul(const Insn& i);

  // SHL/SAL, SHR, SAR of a register by a constant below the operand's width, with
  // alu_op.h's flags: L_SZP with CF (the last bit out) in lazy.src and OF in lazy.dst.
  // The host shifts at the operand's width, on the register zero-extended.
  void shift(const Insn& i, unsigned size);

  // EAX = the eIP after instruction i (the next instruction's).
  void next_eip(const Insn& i);
  // EAX = the target of a relative jump: the next eIP plus `rel`, which wraps at 16 bits
  // with a 16-bit operand.
  void jump_target(const Insn& i, uint32_t rel);

  // Jcc, the last instruction of its block: sets eIP either way (fast.cpp's jcc); a
  // target past the CS limit goes the generic way.
  // SHL/SHR/SAR of a register by CL (count 1 up to the width; else the interpreter).
  void shift_cl(const Insn& i, unsigned size);
  void jcc(const Insn& i);

  // Whether i, the block's last instruction, jumps to the block's own start from a run
  // that is the whole block.
  bool self_loop(const Insn& i) const { return loops_ && uint32_t(i.off + i.len + i.imm) == 0; }
  // The taken way of a self loop: the lazy flags and the cached registers written are
  // stored (the loop's top expects them in the CPU, as at the run's entry), then, with
  // chain budget for the block left and no kick (block_end's rules for entering a block),
  // the block's instruction count is taken from the budget and added to its start count,
  // and the code goes on at the loop's top; else on at `slow`.
  void back_edge(Label& slow);
  // Jumps to `slow` when the run loop's kick flag is set (clobbers RDX).
  void jump_if_kicked(Label& slow);

  // LOOP and JCXZ, the last instruction of their block: the count is CX or ECX by the
  // address size; LOOP decrements it (no flags) once the target passed its limit check.
  void loop(const Insn& i);

  // The run ends the block (RSI = its end sentinel): block_end's fast path, inline, so
  // that each block's way to its successor is a jump site of its own for the host's
  // branch predictor. Everything but the common case (a chained successor of this
  // epoch, budget left, no kick, within the CS limit) falls through to the sentinel's
  // thunk, block_end, which does the same checks again and handles the rest.
  void chain_exit();

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

}  // namespace pxos::soft::jit

// The emitter's lazy flags: the latest setter's operands in R8-R10, the host flags
// that answer a guest condition, the guest's CF in the host's, Cpu::lazy at a run's exits.
#include "engine/soft/jit/run_compiler.h"

namespace pxos::soft::jit {

void RunCompiler::store_lazy(FlagKind k) {
  if (k == L_NONE) return;
  a_.mov_store8_imm({RDI, off(&c_.lazy.op)}, k & 0x0F);
  a_.mov_store8_imm({RDI, off(&c_.lazy.bits)}, uint8_t(kind_size(k) * 8));
  a_.mov_store({RDI, off(&c_.lazy.res)}, R10);
  if (kind_op(k) == L_LOGIC) return;  // CF, OF and AF are 0, SF ZF PF come from res
  a_.mov_store({RDI, off(&c_.lazy.dst)}, R8);
  a_.mov_store({RDI, off(&c_.lazy.src)}, R9);
}

void RunCompiler::flags_for(unsigned) {
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

void RunCompiler::host_cf() {
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

void RunCompiler::carry_bits(bool add) {
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

void RunCompiler::cpu_cf() {
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

void RunCompiler::lazy_operands() {
  a_.mov_load(R8, {RDI, off(&c_.lazy.dst)});
  a_.mov_load(R9, {RDI, off(&c_.lazy.src)});
  a_.mov_load(R10, {RDI, off(&c_.lazy.res)});
}

}  // namespace pxos::soft::jit

// The emitter's instruction forms (jit/forms.h): each translatable instruction as host
// code, on the frame emit.cpp sets up (run_compiler.h).
#include "engine/soft/exec.h"
#include "engine/soft/jit/run_compiler.h"

namespace pxos::soft::jit {

void RunCompiler::alu(AluOp op, unsigned dst_reg, unsigned size) {
  alu_compute(op, size);
  if (op != AluOp::Cmp) store_reg(dst_reg, RAX, size);
}

void RunCompiler::alu_compute(AluOp op, unsigned size) {
  if (op != AluOp::Or && op != AluOp::And && op != AluOp::Xor) {
    a_.mov_rr(R8, RAX);
    a_.mov_rr(R9, RCX);
  }
  a_.alu_rr(op == AluOp::Cmp ? AluOp::Sub : op, RAX, RCX);
  a_.zext(R10, RAX, size);
}

void RunCompiler::carry_in() {
  a_.mov_rr(R11, RCX);
  host_cf();
  a_.mov_rr(RCX, R11);
}

void RunCompiler::emit(const Insn& i) {
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
    case kShiftCL: return shift_cl(i, size);
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

void RunCompiler::alu_form(const Insn& i, unsigned size) {
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

void RunCompiler::load_rm(const Insn& i, unsigned size, bool write) {
  if (i.mod == 3) return load_reg(RAX, i.rm, size);
  mem_ptr(i, size, write);
  a_.load(RAX, {RDX}, size);
}

void RunCompiler::store_rm(const Insn& i, unsigned size) {
  if (i.mod == 3) return store_reg(i.rm, RAX, size);
  a_.store({RDX}, RAX, size);
}

void RunCompiler::not_neg(const Insn& i, unsigned size) {
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

void RunCompiler::string_op(const Insn& i, unsigned size) {
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

void RunCompiler::test(const Insn& i, unsigned size) {
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

void RunCompiler::cmp_mem(const Insn& i, unsigned size) {
  mem_ptr(i, size, false);
  a_.load(RAX, {RDX}, size);
  if (i.jit == kCmpMR)
    load_reg(RCX, i.reg, size);
  else
    a_.mov_ri(RCX, i.imm & mask(size));
  alu(AluOp::Cmp, 0, size);
}

void RunCompiler::inc_dec(const Insn& i, unsigned size) {
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

void RunCompiler::cmov(const Insn& i) {
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

void RunCompiler::push(const Insn& i, unsigned size) {
  stack_slot(true, size);
  load_reg(RCX, i.op & 7, size);  // PUSH eSP pushes the old value
  a_.store({RDX}, RCX, size);
  move_esp(-int32_t(size));
}

void RunCompiler::pop(const Insn& i, unsigned size) {
  stack_slot(false, size);
  a_.load(RCX, {RDX}, size);
  move_esp(int32_t(size));
  store_reg(i.op & 7, RCX, size);  // POP eSP: the popped value wins
}

void RunCompiler::jmp_rel(const Insn& i) {
  if (self_loop(i)) {
    Label slow;
    back_edge(slow);
    a_.bind(slow);
  }
  jump_target(i, i.imm);
  within_cs_limit(RAX);
  a_.mov_store({RDI, off(&c_.eip)}, RAX);
}

void RunCompiler::call_rel(const Insn& i, unsigned size) {
  jump_target(i, i.imm);
  within_cs_limit(RAX);
  stack_slot(true, size);
  next_eip(i);
  a_.store({RDX}, RAX, size);
  move_esp(-int32_t(size));
  jump_target(i, i.imm);
  a_.mov_store({RDI, off(&c_.eip)}, RAX);
}

void RunCompiler::ret(unsigned size) {
  stack_slot(false, size);
  a_.load(RCX, {RDX}, size);
  within_cs_limit(RCX);
  move_esp(int32_t(size));
  a_.mov_store({RDI, off(&c_.eip)}, RCX);
}

void RunCompiler::extend(const Insn& i) {
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

void RunCompiler::stack_slot(bool push, unsigned size) {
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

void RunCompiler::move_esp(int32_t delta) {
  load_reg(RAX, ESP, 4);
  a_.alu_ri(AluOp::Add, RAX, uint32_t(delta));
  store_reg(ESP, RAX, stack32_ ? 4 : 2);
}

void RunCompiler::imul(const Insn& i) {
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

void RunCompiler::shift(const Insn& i, unsigned size) {
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

void RunCompiler::shift_cl(const Insn& i, unsigned size) {
  ShiftOp op = i.reg == unsigned(ShiftOp::Sal) ? ShiftOp::Shl : ShiftOp(i.reg);
  const uint8_t top = uint8_t(size * 8 - 1);
  load_reg(RCX, ECX, 1);
  a_.alu_ri(AluOp::And, RCX, 31);
  a_.jcc(E, bail(Bail::Operand));  // a count of 0 changes nothing, flags included
  if (size < 4) {
    a_.alu_ri(AluOp::Cmp, RCX, size * 8);
    a_.jcc(AE, bail(Bail::Operand));
  }
  load_reg(RAX, i.rm, size);
  if (op == ShiftOp::Shr) {  // the old sign bit: OF when the count is 1
    a_.mov_rr(RDX, RAX);
    a_.shift_ri(ShiftOp::Shr, RDX, top);
  }
  a_.shift_cl_s(op, RAX, size);
  a_.alu_rr(AluOp::Sbb, R9, R9);  // R9D = -CF (the last bit shifted out)
  a_.alu_ri(AluOp::And, R9, 1);
  if (op == ShiftOp::Shl) {  // OF = the result's sign ^ CF
    a_.mov_rr(R8, RAX);
    a_.shift_ri(ShiftOp::Shr, R8, top);
    a_.alu_rr(AluOp::Xor, R8, R9);
  } else {
    a_.mov_ri(R8, 0);
    if (op == ShiftOp::Shr) {
      a_.alu_ri(AluOp::Cmp, RCX, 1);
      a_.cmov_rr(E, R8, RDX);
    }
  }
  store_reg(i.rm, RAX, size);
  a_.mov_rr(R10, RAX);
}

void RunCompiler::jcc(const Insn& i) {
  Label not_taken;
  next_eip(i);
  flags_for(i.op & 15);
  a_.jcc(Cond((i.op & 15) ^ 1), not_taken);
  if (self_loop(i)) {
    Label slow;
    back_edge(slow);
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

void RunCompiler::loop(const Insn& i) {
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
    back_edge(slow);
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

}  // namespace pxos::soft::jit

#include "engine/soft/jit/forms.h"

#include "engine/soft/jit/x64.h"
#include "engine/soft/opcode_table.h"

namespace pxos::soft::jit {
namespace {

// MOV at any operand size: register moves, MOV reg, imm, loads, stores and stores of an immediate.
uint8_t classify_mov(const OpInfo& t, const Insn& i, bool reg) {
  switch (t.operands) {
    case Operands::EG: return reg ? kMovRR_EG : kMovStore;
    case Operands::GE: return reg ? kMovRR_GE : kMovLoad;
    case Operands::EI: return !reg && i.reg == 0 ? kMovStoreImm : kNone;  // C6/C7 /0
    case Operands::RI: return kMovRI;
    default: return kNone;
  }
}

// ADD..CMP at any operand size: with registers (or AL/eAX, imm, which the specialisation
// pass made an E,I form with rm = 0), a load from memory, CMP with memory.
uint8_t classify_alu(const OpInfo& t, const Insn& i, bool reg) {
  if (t.kind == Kind::Group1) {
    if (reg) return uint8_t(kAluEI + i.reg);
    return AluOp(i.reg) == AluOp::Cmp ? uint8_t(kCmpMI) : uint8_t(kAluMI + i.reg);
  }
  const unsigned op = unsigned(t.op);
  switch (t.operands) {
    case Operands::EG:
      return uint8_t(reg ? unsigned(kAluEG) + op : t.op == AluOp::Cmp ? unsigned(kCmpMR) : unsigned(kAluMR) + op);
    case Operands::GE: return uint8_t((reg ? kAluGE : kAluLoad) + op);
    case Operands::AI: return uint8_t(kAluEI + op);
    default: return kNone;
  }
}

// SHL SHR SAL SAR of a register by imm8 or 1 (the count below the operand's width), or by CL.
uint8_t classify_shift(const OpInfo& t, const Insn& i, bool reg) {
  if (!reg || i.reg < unsigned(ShiftOp::Shl)) return kNone;
  if (t.operands == Operands::ECL) return kShiftCL;
  uint8_t f = t.operands == Operands::EI   ? uint8_t(kShiftImm)
              : t.operands == Operands::E1 ? uint8_t(kShift1)
                                           : uint8_t(kNone);
  unsigned n = f == kShift1 ? 1 : (i.imm & 0xFF) & 31;
  return n < operand_size(i) * 8 ? f : uint8_t(kNone);
}

// MOVZX, MOVSX, IMUL and CMOVcc with a 32-bit operand.
uint8_t classify_op32(const OpInfo& t, bool reg) {
  switch (t.kind) {
    case Kind::Cmov: return reg ? kCmovRR : kCmovRM;
    case Kind::Imul:
      if (t.operands == Operands::GEI) return reg ? kImulRRI : kImulRMI;
      return reg ? kImulRR : kImulRM;
    case Kind::Movzx:
      if (t.width == Width::W) return reg ? kMovzx16RR : kMovzx16Load;
      return reg ? kMovzx8RR : kMovzx8Load;
    case Kind::Movsx:
      if (t.width == Width::W) return reg ? kMovsx16RR : kMovsx16Load;
      return reg ? kMovsx8RR : kMovsx8Load;
    default: return kNone;
  }
}

uint8_t classify_any(const OpInfo& t, const Insn& i, bool reg) {
  switch (t.kind) {
    case Kind::Mov: return classify_mov(t, i, reg);
    case Kind::MovOffset: return t.operands == Operands::GE ? kMovLoad : kMovStore;  // AL/eAX and [moffs]
    case Kind::Group3: return i.reg < 2 ? kTestEI : i.reg == 2 ? kNot : i.reg == 3 ? kNeg : kNone;
    case Kind::Group4:
    case Kind::Group5: return i.reg < 2 ? kIncDecE : kNone;
    case Kind::Lods: return i.rep ? kNone : kLods;
    case Kind::Stos: return i.rep ? kNone : kStos;
    case Kind::Alu:
    case Kind::Group1: return classify_alu(t, i, reg);
    case Kind::Setcc: return reg ? kSetcc : kNone;
    case Kind::Push: return t.operands == Operands::R ? kPush : kNone;
    case Kind::Pop: return t.operands == Operands::R ? kPop : kNone;
    case Kind::Inc: return t.operands == Operands::R ? kIncR : kNone;
    case Kind::Dec: return t.operands == Operands::R ? kDecR : kNone;
    case Kind::Test:
      if (t.operands == Operands::AI) return kTestRI;
      return t.operands == Operands::EG && reg ? kTestRR : kNone;
    case Kind::Lea: return reg ? kNone : kLea;
    case Kind::Shift: return classify_shift(t, i, reg);
    default: return i.op32 ? classify_op32(t, reg) : uint8_t(kNone);
  }
}

}  // namespace

unsigned operand_size(const Insn& i) {
  const OpInfo& t = op_info(i);
  if (t.kind == Kind::Movzx || t.kind == Kind::Movsx) return i.op32 ? 4 : 2;
  return t.width == Width::B ? 1 : i.op32 ? 4 : 2;
}

unsigned memory_size(const Insn& i) {
  switch (i.jit) {
    case kMovzx8Load:
    case kMovsx8Load: return 1;
    case kMovzx16Load:
    case kMovsx16Load: return 2;
    default: return operand_size(i);
  }
}

uint8_t classify(const Insn& i) {
  const OpInfo& t = op_info(i);
  const bool reg = i.mod == 3;
  switch (Kind(i.kind)) {  // the block's last instruction
    case Kind::Plain: return kNone;
    case Kind::Jcc: return kJcc;
    case Kind::Jmp: return kJmpRel;
    case Kind::Call: return kCallRel;
    case Kind::Ret: return t.operands == Operands::None ? kRet : kNone;  // not RET imm16
    case Kind::Loop: return kLoop;
    case Kind::Jcxz: return kJcxz;
    default: break;
  }
  if (i.ends_block) return kNone;
  return classify_any(t, i, reg);
}

unsigned shift_count(const Insn& i) { return i.jit == kShift1 ? 1 : (i.imm & 0xFF) & 31; }

bool cond_ok(FlagKind k, unsigned cc) {
  switch (kind_op(k)) {
    case L_ADD:
    case L_SUB:
    case L_LOGIC: return true;
    case L_SZP: return cc == E || cc == NE || cc == S || cc == NS || cc == P || cc == NP;  // SF ZF PF from res
    case L_INC:
    case L_DEC: return cc != B && cc != AE && cc != BE && cc != A;  // CF is in Cpu::flags
    default: return false;
  }
}

FlagKind kind_after(const Insn& i, FlagKind k) {
  const uint8_t f = i.jit;
  const unsigned size = operand_size(i);
  if (f >= kAluEG) {
    AluOp op = alu_op(f);
    if (op == AluOp::Adc || op == AluOp::Sbb) return sized(op == AluOp::Adc ? kAdc : kSbb, size);
    return sized(op == AluOp::Add ? L_ADD : (op == AluOp::Sub || op == AluOp::Cmp) ? L_SUB : L_LOGIC, size);
  }
  switch (f) {
    case kCmpMR:
    case kCmpMI: return sized(L_SUB, size);
    case kIncR: return sized(L_INC, size);
    case kDecR: return sized(L_DEC, size);
    case kTestRR:
    case kTestRI:
    case kTestEI: return sized(L_LOGIC, size);
    case kNeg: return sized(L_SUB, size);
    case kIncDecE: return sized(i.reg == 0 ? L_INC : L_DEC, size);
    case kImulRR:
    case kImulRM:
    case kImulRRI:
    case kImulRMI: return L_SZP;
    case kShiftImm:
    case kShift1: return shift_count(i) ? sized(L_SZP, size) : k;
    case kShiftCL: return sized(L_SZP, size);  // a count of 0 leaves to the interpreter
    default: return k;
  }
}

bool memory_form(const Insn& i) {
  switch (i.jit) {
    case kMovLoad:
    case kMovStore:
    case kMovStoreImm:
    case kImulRM:
    case kImulRMI:
    case kMovzx8Load:
    case kMovzx16Load:
    case kMovsx8Load:
    case kMovsx16Load:
    case kCmovRM:
    case kCmpMR:
    case kCmpMI: return true;
    case kTestEI:
    case kNot:
    case kNeg:
    case kIncDecE: return i.mod != 3;
    default: return i.jit >= kAluLoad && i.jit < kAluMI + 8;
  }
}
unsigned segment_of(const Insn& i) {
  if (stack_form(i.jit)) return SS;
  if (i.jit == kStos) return ES;
  return memory_form(i) || i.jit == kLods ? i.seg : 8u;
}
bool writes_memory(const Insn& i) {
  switch (i.jit) {
    case kMovStore:
    case kMovStoreImm:
    case kPush:
    case kCallRel:
    case kStos: return true;
    case kNot:
    case kNeg:
    case kIncDecE: return i.mod != 3;
    default: return i.jit >= kAluMR && i.jit < kAluMI + 8;
  }
}
bool stack_form(uint8_t f) { return f == kPush || f == kPop || f == kCallRel || f == kRet; }

bool reads_flags(const Insn& i) { return i.jit == kSetcc || i.jit == kCmovRR || i.jit == kCmovRM || i.jit == kJcc; }

}  // namespace pxos::soft::jit

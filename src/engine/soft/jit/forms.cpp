#include "engine/soft/jit/forms.h"

#include "engine/soft/jit/x64.h"
#include "engine/soft/opcode_table.h"

namespace pxos::soft::jit {
namespace {

// MOV: byte loads and stores at any operand size, 16-bit loads and stores, and with a
// 32-bit operand register moves, loads, stores and MOV r32, imm32.
uint8_t classify_mov(const OpInfo& t, const Insn& i, bool reg, bool mem) {
  const Operands o = t.operands;
  const bool store_imm = o == Operands::EI && i.reg == 0;  // C6/C7 /0
  if (t.width == Width::B) {
    if (!mem) return kNone;
    return o == Operands::EG ? kMovStore8 : o == Operands::GE ? kMovLoad8 : store_imm ? kMovStoreImm8 : kNone;
  }
  if (!i.op32) {
    if (!mem) return kNone;
    return o == Operands::GE ? kMovLoad16 : o == Operands::EG ? kMovStore16 : store_imm ? kMovStoreImm16 : kNone;
  }
  switch (o) {
    case Operands::EG: return reg ? kMovRR_EG : mem ? kMovStore : kNone;
    case Operands::GE: return reg ? kMovRR_GE : mem ? kMovLoad : kNone;
    case Operands::EI: return mem && store_imm ? kMovStoreImm : kNone;
    case Operands::RI: return kMovRI;
    default: return kNone;
  }
}

// ADD..CMP with a 32-bit operand: with registers (or AL/eAX, imm, which the specialisation
// pass made an E,I form with rm = 0), a load from memory, CMP with memory.
uint8_t classify_alu(const OpInfo& t, const Insn& i, bool reg, bool mem) {
  if (t.width == Width::B) return kNone;
  if (t.kind == Kind::Group1)
    return reg ? uint8_t(kAluEI + i.reg) : mem && AluOp(i.reg) == AluOp::Cmp ? uint8_t(kCmpMI) : uint8_t(kNone);
  const unsigned op = unsigned(t.op);
  switch (t.operands) {
    case Operands::EG: return reg ? uint8_t(kAluEG + op) : mem && t.op == AluOp::Cmp ? uint8_t(kCmpMR) : uint8_t(kNone);
    case Operands::GE: return reg ? uint8_t(kAluGE + op) : mem ? uint8_t(kAluLoad + op) : uint8_t(kNone);
    case Operands::AI: return uint8_t(kAluEI + op);
    default: return kNone;
  }
}

// The other forms with a 32-bit operand.
uint8_t classify_op32(const OpInfo& t, const Insn& i, bool reg, bool mem) {
  const bool v = t.width == Width::V;
  switch (t.kind) {
    case Kind::Alu:
    case Kind::Group1: return classify_alu(t, i, reg, mem);
    case Kind::Cmov: return reg ? kCmovRR : mem ? kCmovRM : kNone;
    case Kind::Push: return t.operands == Operands::R ? kPush : kNone;
    case Kind::Pop: return t.operands == Operands::R ? kPop : kNone;
    case Kind::Inc: return t.operands == Operands::R ? kIncR : kNone;
    case Kind::Dec: return t.operands == Operands::R ? kDecR : kNone;
    case Kind::Test: return v && t.operands == Operands::EG && reg ? kTestRR : kNone;
    case Kind::Lea: return mem ? kLea : kNone;
    case Kind::Imul:
      if (t.operands == Operands::GEI) return reg ? kImulRRI : mem ? kImulRMI : kNone;
      return reg ? kImulRR : mem ? kImulRM : kNone;
    case Kind::Shift:  // SHL SHR SAL SAR of a register by imm8 or 1
      if (!v || !reg || i.reg < unsigned(ShiftOp::Shl)) return kNone;
      return t.operands == Operands::EI ? kShiftImm : t.operands == Operands::E1 ? kShift1 : kNone;
    case Kind::Movzx:
      if (t.width == Width::W) return reg ? kMovzx16RR : mem ? kMovzx16Load : kNone;
      return reg ? kMovzx8RR : mem ? kMovzx8Load : kNone;
    case Kind::Movsx:
      if (t.width == Width::W) return reg ? kMovsx16RR : mem ? kMovsx16Load : kNone;
      return reg ? kMovsx8RR : mem ? kMovsx8Load : kNone;
    default: return kNone;
  }
}

}  // namespace

uint8_t classify(const Insn& i) {
  const OpInfo& t = op_info(i);
  const bool reg = i.mod == 3;
  const bool mem = !reg && i.amask == 0xFFFFFFFFu;
  switch (Kind(i.kind)) {  // the block's last instruction, with a 32-bit operand
    case Kind::Plain: return kNone;
    case Kind::Jcc: return i.op32 ? kJcc : kNone;
    case Kind::Jmp: return i.op32 ? kJmpRel : kNone;
    case Kind::Call: return i.op32 ? kCallRel : kNone;
    case Kind::Ret: return i.op32 && t.operands == Operands::None ? kRet : kNone;  // not RET imm16
    default: break;
  }
  if (i.ends_block) return kNone;
  if (t.kind == Kind::Setcc) return reg ? kSetcc : kNone;
  if (t.kind == Kind::Mov) return classify_mov(t, i, reg, mem);
  return i.op32 ? classify_op32(t, i, reg, mem) : uint8_t(kNone);
}

unsigned shift_count(const Insn& i) { return i.jit == kShift1 ? 1 : (i.imm & 0xFF) & 31; }

bool cond_ok(FlagKind k, unsigned cc) {
  switch (k) {
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
  uint8_t f = i.jit;
  if (f >= kAluEG) {
    AluOp op = alu_op(f);
    if (op == AluOp::Adc || op == AluOp::Sbb) return op == AluOp::Adc ? kAdc : kSbb;
    return op == AluOp::Add ? L_ADD : (op == AluOp::Sub || op == AluOp::Cmp) ? L_SUB : L_LOGIC;
  }
  switch (f) {
    case kCmpMR:
    case kCmpMI: return L_SUB;
    case kIncR: return L_INC;
    case kDecR: return L_DEC;
    case kTestRR: return L_LOGIC;
    case kImulRR:
    case kImulRM:
    case kImulRRI:
    case kImulRMI: return L_SZP;
    case kShiftImm:
    case kShift1: return shift_count(i) ? FlagKind(L_SZP) : k;
    default: return k;
  }
}

bool memory_form(uint8_t f) {
  switch (f) {
    case kMovLoad:
    case kMovStore:
    case kMovStoreImm:
    case kMovLoad8:
    case kMovStore8:
    case kMovStoreImm8:
    case kImulRM:
    case kImulRMI:
    case kMovzx8Load:
    case kMovzx16Load:
    case kMovsx8Load:
    case kMovsx16Load:
    case kCmovRM:
    case kMovLoad16:
    case kMovStore16:
    case kMovStoreImm16:
    case kCmpMR:
    case kCmpMI: return true;
    default: return f >= kAluLoad && f < kAluLoad + 8;
  }
}
unsigned move_size(uint8_t f) {
  if (f == kMovLoad8 || f == kMovStore8 || f == kMovStoreImm8) return 1;
  if (f == kMovLoad16 || f == kMovStore16 || f == kMovStoreImm16) return 2;
  return 4;
}
bool stack_form(uint8_t f) { return f == kPush || f == kPop || f == kCallRel || f == kRet; }

bool reads_flags(const Insn& i) { return i.jit == kSetcc || i.jit == kCmovRR || i.jit == kCmovRM || i.jit == kJcc; }
bool reads_cf(const Insn& i) {
  return i.jit == kIncR || i.jit == kDecR ||
         (i.jit >= kAluEG && (alu_op(i.jit) == AluOp::Adc || alu_op(i.jit) == AluOp::Sbb));
}

}  // namespace pxos::soft::jit

#include "engine/soft/jit/forms.h"

#include "engine/soft/jit/x64.h"

namespace pxos::soft::jit {

uint8_t classify(unsigned opc, const Insn& i) {
  const bool reg = i.mod == 3;
  const bool mem = !reg && i.amask == 0xFFFFFFFFu;
  if ((opc >= 0x70 && opc <= 0x7F) || (opc >= 0x180 && opc <= 0x18F)) return i.op32 ? kJcc : kNone;
  if (i.ends_block) {
    if (!i.op32) return kNone;
    if (opc == 0xE9 || opc == 0xEB) return kJmpRel;
    if (opc == 0xE8) return kCallRel;
    if (opc == 0xC3) return kRet;
    return kNone;
  }
  switch (opc) {  // byte forms, any operand size
    case 0x88: return mem ? kMovStore8 : kNone;
    case 0x8A: return mem ? kMovLoad8 : kNone;
    case 0xC6: return mem && i.reg == 0 ? kMovStoreImm8 : kNone;
    default: break;
  }
  if (opc >= 0x190 && opc <= 0x19F) return reg ? kSetcc : kNone;
  if (!i.op32) {
    if (!mem) return kNone;
    if (opc == 0x8B) return kMovLoad16;
    if (opc == 0x89) return kMovStore16;
    if (opc == 0xC7 && i.reg == 0) return kMovStoreImm16;
    return kNone;
  }
  if (opc < 0x40 && (opc & 7) < 6) {
    unsigned f = opc & 7, op = (opc >> 3) & 7;
    if (!(f & 1)) return kNone;  // byte forms
    if (f == 1) return reg ? uint8_t(kAluEG + op) : mem && op == 7 ? uint8_t(kCmpMR) : uint8_t(kNone);
    if (f == 3) return reg ? uint8_t(kAluGE + op) : mem ? uint8_t(kAluLoad + op) : uint8_t(kNone);
    return uint8_t(kAluEI + op);  // eAX, imm32: the decoder made it E,I with rm = 0
  }
  if (opc >= 0x140 && opc <= 0x14F) return reg ? kCmovRR : mem ? kCmovRM : kNone;
  if (opc >= 0xB8 && opc <= 0xBF) return kMovRI;
  if (opc >= 0x50 && opc <= 0x57) return kPush;
  if (opc >= 0x58 && opc <= 0x5F) return kPop;
  if (opc >= 0x40 && opc <= 0x47) return kIncR;
  if (opc >= 0x48 && opc <= 0x4F) return kDecR;
  switch (opc) {
    case 0x81:
    case 0x83: return reg ? uint8_t(kAluEI + i.reg) : mem && i.reg == 7 ? uint8_t(kCmpMI) : uint8_t(kNone);
    case 0x85: return reg ? kTestRR : kNone;
    case 0x89: return reg ? kMovRR_EG : mem ? kMovStore : kNone;
    case 0x8B: return reg ? kMovRR_GE : mem ? kMovLoad : kNone;
    case 0xC7: return mem && i.reg == 0 ? kMovStoreImm : kNone;
    case 0x8D: return mem ? kLea : kNone;
    case 0x1AF: return reg ? kImulRR : mem ? kImulRM : kNone;
    case 0x69:
    case 0x6B: return reg ? kImulRRI : mem ? kImulRMI : kNone;
    case 0xC1:
    case 0xD1: return reg && i.reg >= 4 ? (opc == 0xC1 ? kShiftImm : kShift1) : kNone;
    case 0x1B6: return reg ? kMovzx8RR : mem ? kMovzx8Load : kNone;
    case 0x1B7: return reg ? kMovzx16RR : mem ? kMovzx16Load : kNone;
    case 0x1BE: return reg ? kMovsx8RR : mem ? kMovsx8Load : kNone;
    case 0x1BF: return reg ? kMovsx16RR : mem ? kMovsx16Load : kNone;
    default: return kNone;
  }
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

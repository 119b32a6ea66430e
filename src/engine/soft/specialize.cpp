#include "engine/soft/specialize.h"

#include "engine/soft/fast.h"
#include "engine/soft/handlers.h"
#include "engine/soft/opcode_table.h"

namespace pxos::soft {
namespace {

// ADD..CMP with the operation fixed.
void specialize_alu(const OpInfo& t, Insn& i) {
  unsigned size = t.bytes(i.op32);
  AluOp op = t.kind == Kind::Group1 ? AluOp(i.reg) : t.op;
  switch (t.operands) {
    case Operands::EG:
    case Operands::GE: return alu_specialized(t.operands, size, i.mod != 3, op, i);
    case Operands::AI:  // AL/eAX, imm: the register form of E,imm with rm = 0
      i.mod = 3;
      i.rm = 0;
      return alu_specialized(Operands::EI, size, false, op, i);
    default: return alu_specialized(Operands::EI, size, i.mod != 3, op, i);
  }
}

}  // namespace

void specialize(Insn& i) {
  const OpInfo& t = op_info(i);
  switch (Kind(i.kind)) {
    case Kind::Plain: return;
    case Kind::Alu:
    case Kind::Group1: specialize_alu(t, i); break;
    case Kind::Jcc: jcc_specialized(i); break;
    default: break;
  }
  fast_specialize(t, i);
}

}  // namespace pxos::soft

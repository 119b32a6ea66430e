#include "engine/engine.h"

namespace pxos {

CpuState reset_state() {
  CpuState s;
  s.gpr[EDX] = 0x00000600;  // family 6 signature, as a P6-class CPU reports it
  s.eip = 0xFFF0;
  for (Segment& seg : s.seg) seg = Segment{0, 0, 0xFFFF, 0x0093};
  s.seg[CS] = Segment{0xF000, 0xFFFF0000, 0xFFFF, 0x009B};
  return s;
}

}  // namespace pxos

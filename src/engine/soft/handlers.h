// Declarations of every instruction handler named in opcodes.inc, plus helpers
// shared by the handler families (alu.cpp, string.cpp, control.cpp, segment.cpp, system.cpp).
#pragma once

#include "engine/soft/cpu.h"
#include "engine/soft/opcode_table.h"
#include "engine/soft/ops.h"

namespace pxos::soft {

// Threaded-dispatch wrapper of a handler (defined in thunk.h, instantiated per family).
template <Handler H>
void thunk(Cpu& c, const Insn* in);

#define X(opcode, format, handler, ...) \
  template <class T>                    \
  void handler(Cpu&, const Insn&);
#include "engine/soft/opcodes.inc"
#undef X

template <class T>
void ud(Cpu&, const Insn&);

// Instantiates a handler template for both operand sizes (in the family's .cpp).
#define PXOS_INSTANTIATE(h)                             \
  template void h<uint16_t>(Cpu&, const Insn&);         \
  template void h<uint32_t>(Cpu&, const Insn&);         \
  template void thunk<&h<uint16_t>>(Cpu&, const Insn*); \
  template void thunk<&h<uint32_t>>(Cpu&, const Insn*);

// Near jump: EIP = target, truncated to the operand size.
template <class T>
inline void jump_near(Cpu& c, uint32_t target) {
  c.eip = T(target);
}

// The ALU handlers with the operation fixed (alu.cpp), for operands EG, GE or EI.
void alu_specialized(Operands form, unsigned size, bool mem, AluOp op, Insn& i);

// A segment descriptor as a hidden cache (segment.cpp).
SegCache cache_from_descriptor(uint16_t sel, uint64_t d);
// LAR/LSL/VERR/VERW: reads the selector operand and clears ZF; true with the
// descriptor in `d` when the selector is not null and its table holds it (segment.cpp).
bool probe_descriptor(Cpu& c, const Insn& i, uint16_t& sel, uint64_t& d);
// The checks of a data-segment register load; `rights` is the vector for a rights failure
// (#GP, or #TS in a task switch). Sets the accessed bit; returns the cache (segment.cpp).
SegCache check_data_segment(Cpu& c, unsigned s, uint16_t sel, uint64_t d, uint8_t rights);

// Jcc with the condition fixed (control.cpp).
void jcc_specialized(Insn& i);

// Port I/O hand-off to the monitor (system.cpp).
void io_out(Cpu& c, uint16_t port, unsigned size, uint32_t value);
void io_in(Cpu& c, uint16_t port, unsigned size, bool string);
// Checks I/O permission (IOPL / TSS bitmap) for protected mode.
void io_check(Cpu& c, uint16_t port, unsigned size);

// The hidden cache of a null selector in protected mode: expand-down and not present,
// so the fast path of Cpu::lin() always falls through and lin_slow() faults.
inline constexpr uint16_t kNullAttrib = 0x0014;

// Virtual-8086 mode (vm86.cpp): a segment as VM86 code sees it (base sel * 16, 64 KiB,
// writable data, DPL 3); IRET from CPL 0 into VM86 (the frame at `s`), IRET inside it.
SegCache vm86_segment(uint16_t sel);
void iret_to_vm86(Cpu& c, uint32_t s);
void iret_vm86(Cpu& c, unsigned size);

}  // namespace pxos::soft

// Virtual-8086 mode (Intel SDM vol. 3, chapter 20 "8086 emulation"): the
// segment caches of a VM86 task, and the IRETs into and inside the mode. The
// way out, an interrupt or exception through a ring-0 gate, is in gate.cpp
// (interrupt_pm); a task switch to a TSS with EFLAGS.VM in task.cpp; the
// IOPL-sensitive instructions (CLI, STI, PUSHF, POPF, INT n, IRET) check IOPL in
// their handlers, port I/O the TSS's bitmap in io_check. No VME: CPUID does not
// report it and CR4.VME is refused (cpu_model.h).
#include "engine/soft/handlers.h"

namespace pxos::soft {

SegCache vm86_segment(uint16_t sel) { return SegCache{uint32_t{sel} << 4, 0xFFFF, sel, 0xF3}; }

// A 32-bit IRET at CPL 0 whose EFLAGS image has VM set: the rest of the frame
// (ESP, SS, ES, DS, FS, GS after EIP, CS, EFLAGS at `s`) is popped, every
// segment is loaded as in real mode, and the CPU runs at CPL 3. EIP is loaded as it is
// (Bochs and QEMU do the same): past FFFFh, the first fetch is #GP(0).
void iret_to_vm86(Cpu& c, uint32_t s) {
  uint32_t m = c.stack32() ? ~0u : 0xFFFFu;
  c.lin(SS, s, 36);  // #SS(0) when the frame is not all within SS
  uint32_t v[9];
  for (unsigned k = 0; k < 9; ++k) v[k] = c.read<uint32_t>(SS, (s + 4 * k) & m);
  c.set_flags(v[2]);
  c.r[ESP] = v[3];
  c.seg[SS] = vm86_segment(uint16_t(v[4]));
  c.seg[ES] = vm86_segment(uint16_t(v[5]));
  c.seg[DS] = vm86_segment(uint16_t(v[6]));
  c.seg[FS] = vm86_segment(uint16_t(v[7]));
  c.seg[GS] = vm86_segment(uint16_t(v[8]));
  c.set_cs_cache(vm86_segment(uint16_t(v[1])));
  c.eip = v[0];
  c.set_cpl(3);
  c.exit_block = true;
}

uint32_t popf_mask(const Cpu& c, bool op32);

// IRET in virtual-8086 mode: #GP(0) unless IOPL is 3 (the monitor emulates it);
// then the real-mode IRET, which leaves VM and IOPL as they are.
void iret_vm86(Cpu& c, unsigned size) {
  if (((c.flags >> 12) & 3) != 3) gp(0);
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  c.lin(SS, s, 3 * size);
  uint32_t ip = size == 4 ? c.read<uint32_t>(SS, s) : c.read<uint16_t>(SS, s);
  uint16_t cs = c.read<uint16_t>(SS, (s + size) & m);
  uint32_t fl = size == 4 ? c.read<uint32_t>(SS, (s + 2 * size) & m) : c.read<uint16_t>(SS, (s + 2 * size) & m);
  uint32_t mask = popf_mask(c, size == 4) | (size == 4 ? flag::RF : 0);  // CPL 3: IOPL and VM stay
  c.load_cs(cs, ip);
  c.set_sp(s + 3 * size);
  c.set_flags((c.get_flags() & ~mask) | (fl & mask));
  c.exit_block = true;
}

}  // namespace pxos::soft

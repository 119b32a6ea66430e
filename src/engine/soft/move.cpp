// Data movement: MOV, XCHG, LEA, stack operations, conversions, flag
// instructions, SETcc, CMOVcc, MOVZX/MOVSX, BSWAP, XLAT.
#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {

template <class T>
void mov_Eb_Gb(Cpu& c, const Insn& i) {
  c.set_rm<uint8_t>(i, c.reg<uint8_t>(i.reg));
}
template <class T>
void mov_Ev_Gv(Cpu& c, const Insn& i) {
  c.set_rm<T>(i, c.reg<T>(i.reg));
}
template <class T>
void mov_Gb_Eb(Cpu& c, const Insn& i) {
  c.set_reg<uint8_t>(i.reg, c.get_rm<uint8_t>(i));
}
template <class T>
void mov_Gv_Ev(Cpu& c, const Insn& i) {
  c.set_reg<T>(i.reg, c.get_rm<T>(i));
}
template <class T>
void mov_Eb_Ib(Cpu& c, const Insn& i) {
  if (i.reg != 0) ud();
  c.set_rm<uint8_t>(i, uint8_t(i.imm));
}
template <class T>
void mov_Ev_Iz(Cpu& c, const Insn& i) {
  if (i.reg != 0) ud();
  c.set_rm<T>(i, T(i.imm));
}
template <class T>
void mov_r8_Ib(Cpu& c, const Insn& i) {
  c.set_reg<uint8_t>(i.op & 7, uint8_t(i.imm));
}
template <class T>
void mov_r_Iz(Cpu& c, const Insn& i) {
  c.set_reg<T>(i.op & 7, T(i.imm));
}
template <class T>
void mov_AL_Ob(Cpu& c, const Insn& i) {
  c.set_reg<uint8_t>(EAX, c.read<uint8_t>(i.seg, i.disp));
}
template <class T>
void mov_eAX_Ov(Cpu& c, const Insn& i) {
  c.set_reg<T>(EAX, c.read<T>(i.seg, i.disp));
}
template <class T>
void mov_Ob_AL(Cpu& c, const Insn& i) {
  c.write<uint8_t>(i.seg, i.disp, c.reg<uint8_t>(EAX));
}
template <class T>
void mov_Ov_eAX(Cpu& c, const Insn& i) {
  c.write<T>(i.seg, i.disp, c.reg<T>(EAX));
}
template <class T>
void xchg_Eb_Gb(Cpu& c, const Insn& i) {
  uint8_t rv = c.reg<uint8_t>(i.reg);
  if (i.mod == 3) {
    c.set_reg<uint8_t>(i.reg, c.reg<uint8_t>(i.rm));
    c.set_reg<uint8_t>(i.rm, rv);
    return;
  }
  uint32_t a = c.lin_w(i.seg, c.ea(i), 1);
  uint8_t mv = c.read_lin<uint8_t>(a);
  c.write_lin<uint8_t>(a, rv);
  c.set_reg<uint8_t>(i.reg, mv);
}
template <class T>
void xchg_Ev_Gv(Cpu& c, const Insn& i) {
  T rv = c.reg<T>(i.reg);
  if (i.mod == 3) {
    c.set_reg<T>(i.reg, c.reg<T>(i.rm));
    c.set_reg<T>(i.rm, rv);
    return;
  }
  uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
  T mv = c.read_lin<T>(a);
  c.write_lin<T>(a, rv);
  c.set_reg<T>(i.reg, mv);
}
template <class T>
void xchg_eAX_r(Cpu& c, const Insn& i) {
  unsigned r = i.op & 7;
  T a = c.reg<T>(EAX);
  c.set_reg<T>(EAX, c.reg<T>(r));
  c.set_reg<T>(r, a);
}
template <class T>
void lea(Cpu& c, const Insn& i) {
  if (i.mod == 3) ud();
  c.set_reg<T>(i.reg, T(c.ea(i)));
}
template <class T>
void cbw(Cpu& c, const Insn&) {
  if constexpr (sizeof(T) == 2)
    c.set_reg<uint16_t>(EAX, uint16_t(int16_t(int8_t(c.r[EAX]))));
  else
    c.r[EAX] = uint32_t(int32_t(int16_t(c.r[EAX])));
}
template <class T>
void cwd(Cpu& c, const Insn&) {
  if constexpr (sizeof(T) == 2)
    c.set_reg<uint16_t>(EDX, (c.r[EAX] & 0x8000) ? 0xFFFF : 0);
  else
    c.r[EDX] = (c.r[EAX] & 0x80000000u) ? ~0u : 0;
}
template <class T>
void xlat(Cpu& c, const Insn& i) {
  uint32_t off = (c.r[EBX] + (c.r[EAX] & 0xFF)) & i.amask;
  c.set_reg<uint8_t>(EAX, c.read<uint8_t>(i.seg, off));
}
template <class T>
void movzx_b(Cpu& c, const Insn& i) {
  c.set_reg<T>(i.reg, T(c.get_rm<uint8_t>(i)));
}
template <class T>
void movzx_w(Cpu& c, const Insn& i) {
  c.set_reg<T>(i.reg, T(c.get_rm<uint16_t>(i)));
}
template <class T>
void movsx_b(Cpu& c, const Insn& i) {
  c.set_reg<T>(i.reg, T(int32_t(int8_t(c.get_rm<uint8_t>(i)))));
}
template <class T>
void movsx_w(Cpu& c, const Insn& i) {
  c.set_reg<T>(i.reg, T(int32_t(int16_t(c.get_rm<uint16_t>(i)))));
}
template <class T>
void setcc(Cpu& c, const Insn& i) {
  c.set_rm<uint8_t>(i, c.cond(i.op & 15) ? 1 : 0);
}
// CMOVcc: the source is read (and may fault) whatever the condition.
template <class T>
void cmovcc(Cpu& c, const Insn& i) {
  T v = c.get_rm<T>(i);
  if (c.cond(i.op & 15)) c.set_reg<T>(i.reg, v);
}
template <class T>
void bswap(Cpu& c, const Insn& i) {
  unsigned r = i.op & 7;
  if constexpr (sizeof(T) == 4)
    c.r[r] = __builtin_bswap32(c.r[r]);
  else
    c.set_reg<uint16_t>(r, 0);  // undefined for 16-bit operands; a 486 clears the register
}

// ---- stack -------------------------------------------------------------------
template <class T>
void push_r(Cpu& c, const Insn& i) {
  c.push<T>(c.reg<T>(i.op & 7));  // PUSH SP pushes the value before the push (286 and later)
}
template <class T>
void pop_r(Cpu& c, const Insn& i) {
  T v = c.pop<T>();
  c.set_reg<T>(i.op & 7, v);
}
template <class T>
void push_imm(Cpu& c, const Insn& i) {
  c.push<T>(T(i.imm));
}
template <class T>
void pop_Ev(Cpu& c, const Insn& i) {
  if (i.reg != 0) ud();
  uint32_t s = c.sp();
  T v = c.read<T>(SS, s);
  if (i.mod == 3) {
    c.set_sp(s + sizeof(T));
    c.set_reg<T>(i.rm, v);
    return;
  }
  // The address is computed with the incremented stack pointer (as a 386 does).
  uint32_t old = c.r[ESP];
  c.set_sp(s + sizeof(T));
  try {
    c.write<T>(i.seg, c.ea(i), v);
  } catch (...) {
    c.r[ESP] = old;
    throw;
  }
}
template <class T>
void pusha(Cpu& c, const Insn&) {
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  // Check the whole frame first so a fault leaves the registers untouched.
  T vals[8];
  for (int k = 0; k < 8; ++k) vals[k] = c.reg<T>(k);
  for (int k = 0; k < 8; ++k) c.write<T>(SS, (s - (k + 1) * sizeof(T)) & m, vals[k]);
  c.set_sp(s - 8 * sizeof(T));
}
template <class T>
void popa(Cpu& c, const Insn&) {
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  T vals[8];
  for (int k = 0; k < 8; ++k) vals[7 - k] = c.read<T>(SS, (s + k * sizeof(T)) & m);
  for (int k = 0; k < 8; ++k)
    if (k != ESP) c.set_reg<T>(k, vals[k]);
  c.set_sp(s + 8 * sizeof(T));
}
template <class T>
void enter(Cpu& c, const Insn& i) {
  unsigned level = i.imm2 & 31;
  uint32_t m = c.stack32() ? ~0u : 0xFFFFu;
  uint32_t s = c.sp();
  T bp = c.reg<T>(EBP);
  uint32_t cur = (s - sizeof(T)) & m;
  c.write<T>(SS, cur, bp);
  uint32_t frame = cur;
  if (level > 0) {
    uint32_t ebp = c.stack32() ? c.r[EBP] : (c.r[EBP] & 0xFFFF);
    for (unsigned k = 1; k < level; ++k) {
      ebp = (ebp - sizeof(T)) & m;
      T v = c.read<T>(SS, ebp);
      cur = (cur - sizeof(T)) & m;
      c.write<T>(SS, cur, v);
    }
    cur = (cur - sizeof(T)) & m;
    c.write<T>(SS, cur, T(frame));
  }
  uint32_t nsp = (cur - i.imm) & m;
  c.set_reg<T>(EBP, T(frame));
  c.set_sp(nsp);
}
template <class T>
void leave(Cpu& c, const Insn&) {
  uint32_t bp = c.stack32() ? c.r[EBP] : (c.r[EBP] & 0xFFFF);
  T v = c.read<T>(SS, bp);
  c.set_sp(bp + sizeof(T));
  c.set_reg<T>(EBP, v);
}

// ---- flags ------------------------------------------------------------------------
template <class T>
void pushf(Cpu& c, const Insn&) {
  uint32_t f = c.get_flags();
  if (c.flags & flag::VM && ((f >> 12) & 3) != 3) gp(0);
  c.push<T>(T(f & ~(flag::RF | flag::VM)));
}
// The flags POPF/IRET may change in the current mode.
uint32_t popf_mask(const Cpu& c, bool op32) {
  uint32_t m = flag::CF | flag::PF | flag::AF | flag::ZF | flag::SF | flag::TF | flag::DF | flag::OF | flag::NT;
  if (op32) m |= flag::AC | flag::ID;
  if (!c.pm() || c.cpl == 0)
    m |= flag::IOPL | flag::IF;
  else if (c.cpl <= ((c.flags >> 12) & 3))
    m |= flag::IF;
  return m;
}
template <class T>
void popf(Cpu& c, const Insn&) {
  if ((c.flags & flag::VM) && ((c.flags >> 12) & 3) != 3) gp(0);  // IOPL-sensitive in VM86 (no VME)
  uint32_t v = c.pop<T>();
  uint32_t m = popf_mask(c, sizeof(T) == 4);
  uint32_t old = c.get_flags();
  uint32_t nf = (old & ~m) | (v & m);
  c.set_flags(nf);
  // The run loop must look again when IF changed (interrupt window) or TF is set.
  if (((old ^ nf) & flag::IF) || (nf & flag::TF)) c.exit_block = true;
}
template <class T>
void sahf(Cpu& c, const Insn&) {
  c.flush_flags();
  uint32_t m = flag::CF | flag::PF | flag::AF | flag::ZF | flag::SF;
  c.flags = (c.flags & ~m) | (c.reg<uint8_t>(4) & m);
}
template <class T>
void lahf(Cpu& c, const Insn&) {
  c.set_reg<uint8_t>(4, uint8_t((c.get_flags() & 0xD5) | 2));
}
template <class T>
void cmc(Cpu& c, const Insn&) {
  c.flush_flags();
  c.flags ^= flag::CF;
}
template <class T>
void clc(Cpu& c, const Insn&) {
  c.flush_flags();
  c.flags &= ~flag::CF;
}
template <class T>
void stc(Cpu& c, const Insn&) {
  c.flush_flags();
  c.flags |= flag::CF;
}
template <class T>
void cld(Cpu& c, const Insn&) {
  c.flags &= ~flag::DF;
}
template <class T>
void std_(Cpu& c, const Insn&) {
  c.flags |= flag::DF;
}
template <class T>
void cli(Cpu& c, const Insn&) {
  if (c.pm() && c.cpl > ((c.flags >> 12) & 3)) gp(0);
  c.flags &= ~flag::IF;
}
template <class T>
void sti(Cpu& c, const Insn&) {
  if (c.pm() && c.cpl > ((c.flags >> 12) & 3)) gp(0);
  if (!(c.flags & flag::IF)) {
    c.flags |= flag::IF;
    c.shadow = true;  // interrupts are recognised only after the next instruction
  }
  c.exit_block = true;
}
template <class T>
void nop(Cpu&, const Insn&) {}
template <class T>
void ud(Cpu&, const Insn&) {
  ud();
}

PXOS_INSTANTIATE(mov_Eb_Gb)
PXOS_INSTANTIATE(mov_Ev_Gv)
PXOS_INSTANTIATE(mov_Gb_Eb)
PXOS_INSTANTIATE(mov_Gv_Ev)
PXOS_INSTANTIATE(mov_Eb_Ib)
PXOS_INSTANTIATE(mov_Ev_Iz)
PXOS_INSTANTIATE(mov_r8_Ib)
PXOS_INSTANTIATE(mov_r_Iz)
PXOS_INSTANTIATE(mov_AL_Ob)
PXOS_INSTANTIATE(mov_eAX_Ov)
PXOS_INSTANTIATE(mov_Ob_AL)
PXOS_INSTANTIATE(mov_Ov_eAX)
PXOS_INSTANTIATE(xchg_Eb_Gb)
PXOS_INSTANTIATE(xchg_Ev_Gv)
PXOS_INSTANTIATE(xchg_eAX_r)
PXOS_INSTANTIATE(lea)
PXOS_INSTANTIATE(cbw)
PXOS_INSTANTIATE(cwd)
PXOS_INSTANTIATE(xlat)
PXOS_INSTANTIATE(movzx_b)
PXOS_INSTANTIATE(movzx_w)
PXOS_INSTANTIATE(movsx_b)
PXOS_INSTANTIATE(movsx_w)
PXOS_INSTANTIATE(setcc)
PXOS_INSTANTIATE(bswap)
PXOS_INSTANTIATE(cmovcc)
PXOS_INSTANTIATE(push_r)
PXOS_INSTANTIATE(pop_r)
PXOS_INSTANTIATE(push_imm)
PXOS_INSTANTIATE(pop_Ev)
PXOS_INSTANTIATE(pusha)
PXOS_INSTANTIATE(popa)
PXOS_INSTANTIATE(enter)
PXOS_INSTANTIATE(leave)
PXOS_INSTANTIATE(pushf)
PXOS_INSTANTIATE(popf)
PXOS_INSTANTIATE(sahf)
PXOS_INSTANTIATE(lahf)
PXOS_INSTANTIATE(cmc)
PXOS_INSTANTIATE(clc)
PXOS_INSTANTIATE(stc)
PXOS_INSTANTIATE(cld)
PXOS_INSTANTIATE(std_)
PXOS_INSTANTIATE(cli)
PXOS_INSTANTIATE(sti)
PXOS_INSTANTIATE(nop)
PXOS_INSTANTIATE(ud)

}  // namespace pxos::soft

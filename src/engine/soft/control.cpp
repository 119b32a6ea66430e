// Control transfer: jumps, calls, returns, loops, software interrupts, IRET,
// BOUND, HLT. The protected-mode far transfers and interrupt delivery are in gate.cpp.
#include <array>
#include <utility>

#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {

void raise_fault(uint8_t vector, uint32_t error, bool has_error) { throw Fault{vector, has_error, error}; }

namespace {
template <class T>
inline void near_target(Cpu& c, uint32_t target) {
  target = T(target);
  if (target > c.seg[CS].limit) gp(0);
  c.eip = target;
}
}  // namespace

template <class T>
void jcc(Cpu& c, const Insn& i) {
  if (c.cond(i.op & 15)) near_target<T>(c, c.eip + i.imm);
}
template <class T>
void jmp_rel(Cpu& c, const Insn& i) {
  near_target<T>(c, c.eip + i.imm);
}
template <class T>
void call_rel(Cpu& c, const Insn& i) {
  uint32_t target = T(c.eip + i.imm);
  if (target > c.seg[CS].limit) gp(0);
  c.push<T>(T(c.eip));
  c.eip = target;
}
template <class T>
void ret_near(Cpu& c, const Insn& i) {
  uint32_t s = c.sp();
  T target = c.read<T>(SS, s);
  if (target > c.seg[CS].limit) gp(0);
  c.set_sp(s + sizeof(T) + (i.op == 0xC2 ? i.imm : 0));
  c.eip = target;
}
template <class T>
void loop(Cpu& c, const Insn& i) {
  uint32_t m = i.amask;
  uint32_t n = (c.r[ECX] - 1) & m;
  bool take = n != 0;
  if (i.op == 0xE0) take = take && !c.zf();
  if (i.op == 0xE1) take = take && c.zf();
  uint32_t target = T(c.eip + i.imm);
  if (take && target > c.seg[CS].limit) gp(0);
  c.r[ECX] = (c.r[ECX] & ~m) | n;
  if (take) c.eip = target;
}
template <class T>
void jcxz(Cpu& c, const Insn& i) {
  if ((c.r[ECX] & i.amask) == 0) near_target<T>(c, c.eip + i.imm);
}
template <class T>
void jmp_far(Cpu& c, const Insn& i) {
  if (c.pm() && !(c.flags & flag::VM)) [[unlikely]]
    return c.far_jump(i.imm2, T(i.imm), sizeof(T));
  c.load_cs(i.imm2, T(i.imm));
}
template <class T>
void call_far(Cpu& c, const Insn& i) {
  if (c.pm() && !(c.flags & flag::VM)) [[unlikely]]
    return c.far_call(i.imm2, T(i.imm), sizeof(T));
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  // Check the stack frame before anything changes.
  c.lin_w(SS, (s - 2 * sizeof(T)) & m, sizeof(T));
  c.lin_w(SS, (s - sizeof(T)) & m, sizeof(T));
  uint16_t old_cs = c.seg[CS].sel;
  uint32_t old_eip = c.eip;
  c.load_cs(i.imm2, T(i.imm));
  c.write<T>(SS, (s - sizeof(T)) & m, T(old_cs));
  c.write<T>(SS, (s - 2 * sizeof(T)) & m, T(old_eip));
  c.set_sp(s - 2 * sizeof(T));
}
template <class T>
void retf(Cpu& c, const Insn& i) {
  uint32_t extra = i.op == 0xCA ? i.imm : 0;
  if (c.pm() && !(c.flags & flag::VM)) [[unlikely]]
    return c.far_return(sizeof(T), extra);
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  T ip = c.read<T>(SS, s);
  uint16_t cs = uint16_t(c.read<T>(SS, (s + sizeof(T)) & m));
  c.load_cs(cs, ip);
  c.set_sp(s + 2 * sizeof(T) + extra);
}
template <class T>
void int3(Cpu& c, const Insn&) {
  c.interrupt(3, true);
}
template <class T>
void int1(Cpu& c, const Insn&) {
  c.interrupt(1, false);  // ICEBP: no gate DPL check
}
template <class T>
void int_n(Cpu& c, const Insn& i) {
  if ((c.flags & flag::VM) && ((c.flags >> 12) & 3) != 3) gp(0);
  c.interrupt(uint8_t(i.imm), true);
}
template <class T>
void into(Cpu& c, const Insn&) {
  if (c.of()) c.interrupt(4, true);
}
uint32_t popf_mask(const Cpu& c, bool op32);
template <class T>
void iret(Cpu& c, const Insn&) {
  if (c.pm()) [[unlikely]]
    return c.iret_pm(sizeof(T));
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  T ip = c.read<T>(SS, s);
  uint16_t cs = uint16_t(c.read<T>(SS, (s + sizeof(T)) & m));
  uint32_t fl = c.read<T>(SS, (s + 2 * sizeof(T)) & m);
  // IRETD loads RF too (POPF never does); the run loop clears it after one instruction.
  uint32_t mask = popf_mask(c, sizeof(T) == 4) | (sizeof(T) == 4 ? flag::RF : 0);
  c.load_cs(cs, ip);
  c.set_sp(s + 3 * sizeof(T));
  uint32_t old = c.get_flags();
  uint32_t nf = (old & ~mask) | (fl & mask);
  c.set_flags(nf);
  if (((old ^ nf) & flag::IF) || (nf & (flag::TF | flag::RF))) c.exit_block = true;
}
template <class T>
void bound(Cpu& c, const Insn& i) {
  using S = std::make_signed_t<T>;
  if (i.mod == 3) ud();
  uint32_t off = c.ea(i);
  S lo = S(c.read<T>(i.seg, off));
  S hi = S(c.read<T>(i.seg, (off + sizeof(T)) & i.amask));
  S v = S(c.reg<T>(i.reg));
  if (v < lo || v > hi) raise_fault(5);
}
template <class T>
void hlt(Cpu& c, const Insn&) {
  if (c.pm() && c.cpl != 0) gp(0);
  c.stop = Stop::Hlt;
  c.exit_block = true;
}

// INVD / WBINVD: privileged; there are no caches to write back.
template <class T>
void invd(Cpu& c, const Insn&) {
  if (c.pm() && c.cpl != 0) gp(0);
}

void grp5_incdec16(Cpu& c, const Insn& i);
void grp5_incdec32(Cpu& c, const Insn& i);

// FF: INC, DEC, CALL near, CALL far, JMP near, JMP far, PUSH (reg 7: #UD).
template <class T>
void grp5(Cpu& c, const Insn& i) {
  switch (i.reg) {
    case 0:
    case 1:
      if constexpr (sizeof(T) == 2)
        grp5_incdec16(c, i);
      else
        grp5_incdec32(c, i);
      return;
    case 2: {
      uint32_t target = c.get_rm<T>(i);
      if (target > c.seg[CS].limit) gp(0);
      c.push<T>(T(c.eip));
      c.eip = target;
      return;
    }
    case 4:
      near_target<T>(c, c.get_rm<T>(i));
      return;
    case 3:
    case 5: {
      if (i.mod == 3) ud();
      uint32_t off = c.ea(i);
      T ip = c.read<T>(i.seg, off);
      uint16_t cs = c.read<uint16_t>(i.seg, (off + sizeof(T)) & i.amask);
      if (c.pm() && !(c.flags & flag::VM)) {
        if (i.reg == 5) return c.far_jump(cs, ip, sizeof(T));
        return c.far_call(cs, ip, sizeof(T));
      }
      if (i.reg == 5) return c.load_cs(cs, ip);
      uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
      c.lin_w(SS, (s - 2 * sizeof(T)) & m, sizeof(T));
      c.lin_w(SS, (s - sizeof(T)) & m, sizeof(T));
      uint16_t old_cs = c.seg[CS].sel;
      uint32_t old_eip = c.eip;
      c.load_cs(cs, ip);
      c.write<T>(SS, (s - sizeof(T)) & m, T(old_cs));
      c.write<T>(SS, (s - 2 * sizeof(T)) & m, T(old_eip));
      c.set_sp(s - 2 * sizeof(T));
      return;
    }
    case 6:
      c.push<T>(c.get_rm<T>(i));
      return;
    default:
      ud();
  }
}

// Jcc with the condition fixed at compile time (the specialisation pass swaps these in).
namespace {
template <unsigned CC, class T>
void jcc_fixed(Cpu& c, const Insn& i) {
  if (c.cond_fixed<CC>()) near_target<T>(c, c.eip + i.imm);
}
struct HT {
  Handler h;
  Thunk t;
};
template <class T, unsigned... CC>
constexpr std::array<HT, 16> jcc_row(std::integer_sequence<unsigned, CC...>) {
  return {HT{&jcc_fixed<CC, T>, &thunk<&jcc_fixed<CC, T>>}...};
}
constexpr auto kJcc16 = jcc_row<uint16_t>(std::make_integer_sequence<unsigned, 16>{});
constexpr auto kJcc32 = jcc_row<uint32_t>(std::make_integer_sequence<unsigned, 16>{});
}  // namespace

void jcc_specialized(Insn& i) {
  const HT& ht = (i.op32 ? kJcc32 : kJcc16)[i.op & 15];
  i.fn = ht.h;
  i.th = ht.t;
}

PXOS_INSTANTIATE(jcc)
PXOS_INSTANTIATE(jmp_rel)
PXOS_INSTANTIATE(call_rel)
PXOS_INSTANTIATE(ret_near)
PXOS_INSTANTIATE(loop)
PXOS_INSTANTIATE(jcxz)
PXOS_INSTANTIATE(jmp_far)
PXOS_INSTANTIATE(call_far)
PXOS_INSTANTIATE(retf)
PXOS_INSTANTIATE(int3)
PXOS_INSTANTIATE(int1)
PXOS_INSTANTIATE(int_n)
PXOS_INSTANTIATE(into)
PXOS_INSTANTIATE(iret)
PXOS_INSTANTIATE(bound)
PXOS_INSTANTIATE(hlt)
PXOS_INSTANTIATE(invd)
PXOS_INSTANTIATE(grp5)

}  // namespace pxos::soft

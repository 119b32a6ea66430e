// Control transfer: jumps, calls, returns, loops, software interrupts, IRET,
// BOUND, HLT, and interrupt/exception delivery (real mode IVT and protected-mode IDT).
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

// A privilege-changing return loads CS, then SS: if the SS load faults, CS, CPL
// and EIP go back to what they were so the instruction can be restarted.
void load_cs_then_ss(Cpu& c, uint16_t cs, uint32_t ip, uint16_t ss) {
  SegCache old_cs = c.seg[CS];
  uint8_t old_cpl = c.cpl;
  uint32_t old_eip = c.eip;
  c.load_cs(cs, ip);
  try {
    c.load_seg(SS, ss);
  } catch (...) {
    c.set_cpl(old_cpl);
    c.set_cs_cache(old_cs);
    c.eip = old_eip;
    throw;
  }
}

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
  c.load_cs(i.imm2, T(i.imm));
}
template <class T>
void call_far(Cpu& c, const Insn& i) {
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
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  T ip = c.read<T>(SS, s);
  uint16_t cs = uint16_t(c.read<T>(SS, (s + sizeof(T)) & m));
  uint32_t extra = i.op == 0xCA ? i.imm : 0;
  if (c.pm() && (cs & 3) > c.cpl) {
    // Return to an outer ring: the caller's SS:ESP follow the pushed immediate bytes.
    uint32_t p = (s + 2 * sizeof(T) + extra) & m;
    T nsp = c.read<T>(SS, p);
    uint16_t nss = uint16_t(c.read<T>(SS, (p + sizeof(T)) & m));
    load_cs_then_ss(c, cs, ip, nss);
    c.set_sp(uint32_t(nsp) + extra);
    return;
  }
  c.load_cs(cs, ip);
  c.set_sp(s + 2 * sizeof(T) + extra);
}
template <class T>
void int3(Cpu& c, const Insn&) {
  c.interrupt(3, true);
}
template <class T>
void int1(Cpu& c, const Insn&) {
  c.interrupt(1, true);
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
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  T ip = c.read<T>(SS, s);
  uint16_t cs = uint16_t(c.read<T>(SS, (s + sizeof(T)) & m));
  uint32_t fl = c.read<T>(SS, (s + 2 * sizeof(T)) & m);
  uint32_t mask = popf_mask(c, sizeof(T) == 4);
  if (!c.pm()) {
    c.load_cs(cs, ip);
    c.set_sp(s + 3 * sizeof(T));
    uint32_t old = c.get_flags();
    uint32_t nf = (old & ~mask) | (fl & mask);
    c.set_flags(nf);
    if (((old ^ nf) & flag::IF) || (nf & flag::TF)) c.exit_block = true;
    return;
  }
  if (c.flags & flag::NT) {
    c.stop = Stop::Error;
    c.error = "soft engine: IRET with NT set (task return) is not implemented";
    c.exit_block = true;
    return;
  }
  if ((cs & 3) > c.cpl) {
    uint32_t p = (s + 3 * sizeof(T)) & m;
    T nsp = c.read<T>(SS, p);
    uint16_t nss = uint16_t(c.read<T>(SS, (p + sizeof(T)) & m));
    uint32_t old_cpl = c.cpl;
    load_cs_then_ss(c, cs, ip, nss);
    c.set_sp(nsp);
    if (old_cpl == 0) mask |= flag::IOPL | flag::IF;
  } else {
    c.load_cs(cs, ip);
    c.set_sp(s + 3 * sizeof(T));
  }
  c.set_flags((c.get_flags() & ~mask) | (fl & mask));
  c.exit_block = true;
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

// ---- interrupt and exception delivery ------------------------------------------------
void Cpu::interrupt(uint8_t vector, bool software, bool has_error, uint32_t error) {
  uint32_t old_flags = get_flags();
  if (!pm()) {
    uint32_t a = uint32_t{vector} * 4;
    if (a + 3 > idt.limit) gp(vector * 8 + 2);
    uint16_t ip = read_lin<uint16_t>(idt.base + a);
    uint16_t cs = read_lin<uint16_t>(idt.base + a + 2);
    uint32_t s = sp(), m = stack32() ? ~0u : 0xFFFFu;
    write<uint16_t>(SS, (s - 2) & m, uint16_t(old_flags));
    write<uint16_t>(SS, (s - 4) & m, seg[CS].sel);
    write<uint16_t>(SS, (s - 6) & m, uint16_t(eip));
    set_sp(s - 6);
    flags = old_flags & ~(flag::IF | flag::TF | flag::AC | flag::RF);
    lazy.op = L_NONE;
    load_cs(cs, ip);
    return;
  }
  // Protected mode: IDT gate.
  uint32_t a = uint32_t{vector} * 8;
  if (a + 7 > idt.limit) gp(a + 2);
  uint32_t lo = read_sys<uint32_t>(idt.base + a), hi = read_sys<uint32_t>(idt.base + a + 4);
  unsigned type = (hi >> 8) & 0x1F;
  bool gate32 = type == 0xE || type == 0xF;
  if (!(hi & 0x8000)) raise_fault(11, a + 2, true);
  if (type != 0xE && type != 0xF && type != 0x6 && type != 0x7) {
    stop = Stop::Error;
    this->error = "soft engine: task gates are not implemented";
    exit_block = true;
    return;
  }
  if (software && ((hi >> 13) & 3) < cpl) gp(a + 2);
  uint16_t sel = uint16_t(lo >> 16);
  uint32_t off = (lo & 0xFFFF) | (gate32 ? (hi & 0xFFFF0000u) : 0);
  uint64_t d = read_descriptor(sel);
  unsigned dpl = (d >> 45) & 3;
  if (!((d >> 47) & 1)) raise_fault(11, sel & ~3u, true);
  uint16_t old_cs = seg[CS].sel, old_ss = seg[SS].sel;
  uint32_t old_esp = r[ESP];
  unsigned sz = gate32 ? 4 : 2;
  auto push_v = [&](uint32_t v) {
    if (sz == 4)
      push<uint32_t>(v);
    else
      push<uint16_t>(uint16_t(v));
  };
  bool conforming = (d >> 42) & 1;
  // Everything below may fault part-way: put SS, ESP, CPL and the flags back so the
  // exception can be delivered (or escalate) from a clean state.
  uint8_t old_cpl = cpl;
  SegCache old_ss_cache = seg[SS];
  try {
    if (!conforming && dpl < cpl) {
      // Inner ring: the new stack comes from the TSS.
      uint32_t ss_esp, new_ss;
      if ((tr.attrib & 0xF) == 0xB || (tr.attrib & 0xF) == 0x9) {
        ss_esp = read_sys<uint32_t>(tr.base + 4 + dpl * 8);
        new_ss = read_sys<uint16_t>(tr.base + 8 + dpl * 8);
      } else {
        ss_esp = read_sys<uint16_t>(tr.base + 2 + dpl * 4);
        new_ss = read_sys<uint16_t>(tr.base + 4 + dpl * 4);
      }
      set_cpl(uint8_t(dpl));
      load_seg(SS, uint16_t(new_ss));
      r[ESP] = ss_esp;
      push_v(old_ss);
      push_v(old_esp);
    }
    push_v(old_flags);
    push_v(old_cs);
    push_v(eip);
    if (has_error) push_v(error);
    flags = old_flags & ~(flag::TF | flag::NT | flag::RF | flag::VM);
    if (type == 0xE || type == 0x6) flags &= ~flag::IF;
    lazy.op = L_NONE;
    load_cs(uint16_t((sel & ~3u) | cpl), off);
  } catch (...) {
    seg[SS] = old_ss_cache;
    r[ESP] = old_esp;
    set_cpl(old_cpl);
    set_flags(old_flags);
    throw;
  }
  exit_block = true;
}

void Cpu::deliver_fault(const Fault& f) {
  // EIP already points at the faulting instruction.
  interrupt(f.vector, false, f.has_error, f.error);
}

// Jcc with the condition fixed at compile time (the decoder swaps these in).
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
PXOS_INSTANTIATE(grp5)

}  // namespace pxos::soft

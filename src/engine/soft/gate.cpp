// Protected-mode control transfers between code segments and rings: far JMP,
// CALL and RET (direct, through call gates, to a TSS or task gate), IRET, and
// interrupt/exception delivery through the IDT (real-mode IVT too), with the
// checks and fault error codes of the Intel SDM (vol. 2 JMP/CALL/RET/IRET/INT n,
// vol. 3 chapters 5 and 6).
#include "engine/soft/handlers.h"

namespace pxos::soft {

namespace {

inline unsigned dpl_of(uint16_t a) { return (a >> 5) & 3; }
inline bool present(uint16_t a) { return a & 0x80; }
inline bool is_code(uint16_t a) { return (a & 0x18) == 0x18; }
inline bool is_conforming(uint16_t a) { return (a & 0x1C) == 0x1C; }
inline uint16_t attrib_of(uint64_t d) { return uint16_t((d >> 40) & 0xF0FF); }

[[noreturn]] void fault_sel(uint8_t v, uint16_t sel) { raise_fault(v, sel & 0xFFFC, true); }

// What a far transfer may have changed before a later step faults: put back so
// the instruction (or the event) can be restarted from a clean state.
struct Snapshot {
  SegCache cs, ss;
  uint32_t esp, eip, flags;
  uint8_t cpl;
  explicit Snapshot(Cpu& c)
      : cs(c.seg[CS]), ss(c.seg[SS]), esp(c.r[ESP]), eip(c.eip), flags(c.get_flags()), cpl(c.cpl) {}
  void restore(Cpu& c) const {
    c.set_cpl(cpl);
    c.set_cs_cache(cs);
    c.seg[SS] = ss;
    c.r[ESP] = esp;
    c.eip = eip;
    c.set_flags(flags);
  }
};

// Room for `bytes` below `esp` on the stack segment `ss`, else #SS: with the selector of a
// new stack (a ring switch), with 0 for the current one.
void check_stack_room(const SegCache& ss, uint32_t esp, uint32_t bytes, bool new_stack) {
  uint32_t m = ss.big() ? ~0u : 0xFFFFu;
  uint32_t lo = (esp - bytes) & m, hi = (esp - 1) & m;
  bool ok;
  if (ss.expand_down())
    ok = lo > ss.limit && hi > ss.limit && lo <= hi;
  else
    ok = hi <= ss.limit && lo <= hi;
  if (!ok) fault_sel(12, new_stack ? ss.sel : 0);
}

// Room for `bytes` from `esp` up (the values a return pops), else #SS(0).
void check_stack_pop(const Cpu& c, uint32_t esp, uint32_t bytes) { c.lin(SS, esp, bytes); }

// The inner stack for ring `n`, from the current TSS, checked as a new SS for that ring.
struct InnerStack {
  SegCache ss;
  uint32_t esp;
};
InnerStack inner_stack(Cpu& c, unsigned n) {
  bool t32 = c.tr.attrib & 8;
  uint32_t off = t32 ? 4 + n * 8 : 2 + n * 4;
  if (off + (t32 ? 5 : 3) > c.tr.limit) fault_sel(10, c.tr.sel);
  uint32_t esp = c.sys_read(c.tr.base + off, t32 ? 4 : 2);
  uint16_t sel = uint16_t(c.sys_read(c.tr.base + off + (t32 ? 4 : 2), 2));
  if ((sel & ~3u) == 0) raise_fault(10, 0, true);
  uint64_t d = c.read_descriptor(sel, 10);
  SegCache ss = cache_from_descriptor(sel, d);
  if ((sel & 3u) != n || dpl_of(ss.attrib) != n || (ss.attrib & 0x1A) != 0x12) fault_sel(10, sel);
  if (!present(ss.attrib)) fault_sel(12, sel);
  c.set_accessed(sel, d);
  ss.attrib |= 1;
  return {ss, esp};
}

// The checks of the CS a far RET or IRET returns to; returns its cache.
SegCache check_return_cs(Cpu& c, uint16_t sel, uint64_t& d) {
  if ((sel & ~3u) == 0) gp(0);
  d = c.read_descriptor(sel);
  uint16_t a = attrib_of(d);
  unsigned rpl = sel & 3;
  if (rpl < c.cpl || !is_code(a)) fault_sel(13, sel);
  if (is_conforming(a) ? dpl_of(a) > rpl : dpl_of(a) != rpl) fault_sel(13, sel);
  if (!present(a)) fault_sel(11, sel);
  return cache_from_descriptor(sel, d);
}

// The checks of the SS a return to the outer ring `rpl` loads (#GP, #SS(sel) when not present).
SegCache check_return_ss(Cpu& c, uint16_t sel, unsigned rpl, uint64_t& d) {
  if ((sel & ~3u) == 0) gp(0);
  d = c.read_descriptor(sel);
  SegCache ss = cache_from_descriptor(sel, d);
  if ((sel & 3u) != rpl || dpl_of(ss.attrib) != rpl || (ss.attrib & 0x1A) != 0x12) fault_sel(13, sel);
  if (!present(ss.attrib)) fault_sel(12, sel);
  return ss;
}

void push_sized(Cpu& c, unsigned size, uint32_t v) {
  if (size == 4)
    c.push<uint32_t>(v);
  else
    c.push<uint16_t>(uint16_t(v));
}

// Pushes the return CS:EIP of a same-ring far CALL; ESP changes only when both writes succeed.
void push_return(Cpu& c, unsigned size, uint16_t cs, uint32_t ip) {
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  if (size == 4) {
    c.write<uint32_t>(SS, (s - 4) & m, cs);
    c.write<uint32_t>(SS, (s - 8) & m, ip);
  } else {
    c.write<uint16_t>(SS, (s - 2) & m, cs);
    c.write<uint16_t>(SS, (s - 4) & m, uint16_t(ip));
  }
  c.set_sp(s - 2 * size);
}

// The TSS a task gate names: a GDT selector of an available TSS.
uint64_t task_gate_target(Cpu& c, uint16_t tss_sel, uint16_t& out) {
  if (tss_sel & 4) fault_sel(13, tss_sel);
  uint64_t d = c.read_descriptor(tss_sel);
  unsigned type = unsigned(d >> 40) & 0x1F;
  if (type != 0x01 && type != 0x09) fault_sel(13, tss_sel);
  if (!((d >> 47) & 1)) fault_sel(11, tss_sel);
  out = tss_sel;
  return d;
}

}  // namespace

// ---- far JMP / CALL ---------------------------------------------------------------------

namespace {
// A direct far JMP/CALL to a code segment (no gate): the checks, then CS:EIP.
void direct_code_target(Cpu& c, uint16_t sel, uint64_t d, uint32_t off, bool call, unsigned size) {
  uint16_t a = attrib_of(d);
  unsigned rpl = sel & 3, dpl = dpl_of(a);
  if (is_conforming(a) ? dpl > c.cpl : (rpl > c.cpl || dpl != c.cpl)) fault_sel(13, sel);
  if (!present(a)) fault_sel(11, sel);
  SegCache cs = cache_from_descriptor(sel, d);
  if (off > cs.limit) gp(0);
  if (call) check_stack_room(c.seg[SS], c.sp(), 2 * size, false);
  c.set_accessed(sel, d);
  cs.attrib |= 1;
  cs.sel = uint16_t((sel & ~3u) | c.cpl);
  if (call) push_return(c, size, c.seg[CS].sel, c.eip);
  c.set_cs_cache(cs);
  c.eip = off;
}

void call_gate(Cpu& c, uint64_t g, bool call) {
  unsigned gtype = unsigned(g >> 40) & 0xF;
  unsigned gsize = gtype == 0xC ? 4 : 2;
  uint16_t sel = uint16_t(g >> 16);
  uint32_t off = uint32_t(g & 0xFFFF) | (gsize == 4 ? uint32_t(g >> 32) & 0xFFFF0000u : 0);
  unsigned params = unsigned(g >> 32) & 0x1F;
  if ((sel & ~3u) == 0) gp(0);
  uint64_t d = c.read_descriptor(sel);
  uint16_t a = attrib_of(d);
  unsigned dpl = dpl_of(a);
  if (!is_code(a) || dpl > c.cpl) fault_sel(13, sel);
  if (!call && !is_conforming(a) && dpl != c.cpl) fault_sel(13, sel);
  if (!present(a)) fault_sel(11, sel);
  SegCache cs = cache_from_descriptor(sel, d);
  cs.attrib |= 1;
  if (!call || is_conforming(a) || dpl == c.cpl) {
    // Same privilege.
    if (off > cs.limit) gp(0);
    if (call) check_stack_room(c.seg[SS], c.sp(), 2 * gsize, false);
    c.set_accessed(sel, d);
    cs.sel = uint16_t((sel & ~3u) | c.cpl);
    if (call) push_return(c, gsize, c.seg[CS].sel, c.eip);
    c.set_cs_cache(cs);
    c.eip = off;
    return;
  }
  // CALL to an inner ring: the stack from the TSS, the parameters copied across.
  InnerStack st = inner_stack(c, dpl);
  check_stack_room(st.ss, st.esp, (4 + params) * gsize, true);
  if (off > cs.limit) gp(0);
  uint32_t copied[32];
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  check_stack_pop(c, s, params * gsize);
  for (unsigned k = 0; k < params; ++k)
    copied[k] = gsize == 4 ? c.read<uint32_t>(SS, (s + 4 * k) & m) : c.read<uint16_t>(SS, (s + 2 * k) & m);
  Snapshot snap(c);
  uint16_t old_ss = c.seg[SS].sel, old_cs = c.seg[CS].sel;
  uint32_t old_esp = c.r[ESP], old_eip = c.eip;
  try {
    c.set_accessed(sel, d);
    c.set_cpl(uint8_t(dpl));
    c.seg[SS] = st.ss;
    c.r[ESP] = st.esp;
    push_sized(c, gsize, old_ss);
    push_sized(c, gsize, old_esp);
    for (unsigned k = params; k-- > 0;) push_sized(c, gsize, copied[k]);
    push_sized(c, gsize, old_cs);
    push_sized(c, gsize, old_eip);
    cs.sel = uint16_t((sel & ~3u) | dpl);
    c.set_cs_cache(cs);
    c.eip = off;
  } catch (...) {
    snap.restore(c);
    throw;
  }
}

void far_transfer(Cpu& c, uint16_t sel, uint32_t off, unsigned size, bool call) {
  if ((sel & ~3u) == 0) gp(0);
  uint64_t d = c.read_descriptor(sel);
  uint16_t a = attrib_of(d);
  if (a & 0x10) {
    if (!is_code(a)) fault_sel(13, sel);
    direct_code_target(c, sel, d, off, call, size);
    return;
  }
  unsigned dpl = dpl_of(a), rpl = sel & 3;
  unsigned type = a & 0xF;
  if (type != 0x1 && type != 0x9 && type != 0x5 && type != 0x4 && type != 0xC) fault_sel(13, sel);
  if (dpl < c.cpl || dpl < rpl) fault_sel(13, sel);
  if (!present(a)) fault_sel(11, sel);
  Cpu::TaskSwitch why = call ? Cpu::TaskSwitch::Call : Cpu::TaskSwitch::Jmp;
  switch (type) {
    case 0x1:
    case 0x9: c.task_switch(sel, d, why); return;
    case 0x5: {
      uint16_t tss;
      uint64_t td = task_gate_target(c, uint16_t(d >> 16), tss);
      c.task_switch(tss, td, why);
      return;
    }
    default: call_gate(c, d, call); return;
  }
}
}  // namespace

void Cpu::far_jump(uint16_t sel, uint32_t off, unsigned size) { far_transfer(*this, sel, off, size, false); }
void Cpu::far_call(uint16_t sel, uint32_t off, unsigned size) { far_transfer(*this, sel, off, size, true); }

// ---- far RET / IRET -----------------------------------------------------------------------

namespace {
// Far RET and IRET to an outer ring: the caller's SS:ESP at `p` (after the return frame), checked; then CS:EIP of
// ring RPL(sel), that SS:ESP (plus the `extra` parameter bytes RET n releases), and the data segments that ring may
// not use nulled.
void return_to_outer_ring(Cpu& c, uint32_t p, unsigned size, uint16_t sel, uint64_t d, SegCache cs, uint32_t ip,
                          uint32_t extra) {
  unsigned rpl = sel & 3;
  uint32_t m = c.stack32() ? ~0u : 0xFFFFu;
  check_stack_pop(c, p, 2 * size);
  uint32_t nsp = size == 4 ? c.read<uint32_t>(SS, p) : c.read<uint16_t>(SS, p);
  uint16_t nss = c.read<uint16_t>(SS, (p + size) & m);
  uint64_t sd;
  SegCache ss = check_return_ss(c, nss, rpl, sd);
  if (ip > cs.limit) gp(0);
  c.set_accessed(sel, d);
  c.set_accessed(nss, sd);
  cs.attrib |= 1;
  ss.attrib |= 1;
  c.set_cpl(uint8_t(rpl));
  c.set_cs_cache(cs);
  c.eip = ip;
  c.seg[SS] = ss;
  c.set_sp(nsp + extra);  // the new stack's size decides how much of ESP changes
  c.null_inner_data_segments();
}
}  // namespace

void Cpu::far_return(unsigned size, uint32_t extra) {
  uint32_t s = sp(), m = stack32() ? ~0u : 0xFFFFu;
  check_stack_pop(*this, s, 2 * size);
  uint32_t ip = size == 4 ? read<uint32_t>(SS, s) : read<uint16_t>(SS, s);
  uint16_t sel = read<uint16_t>(SS, (s + size) & m);
  uint64_t d;
  SegCache cs = check_return_cs(*this, sel, d);
  unsigned rpl = sel & 3;
  if (rpl == cpl) {
    if (ip > cs.limit) gp(0);
    set_accessed(sel, d);
    cs.attrib |= 1;
    set_cs_cache(cs);
    eip = ip;
    set_sp(s + 2 * size + extra);
    return;
  }
  // Return to an outer ring: the caller's SS:ESP follow the parameter bytes.
  return_to_outer_ring(*this, (s + 2 * size + extra) & m, size, sel, d, cs, ip, extra);
}

uint32_t popf_mask(const Cpu& c, bool op32);

void Cpu::iret_pm(unsigned size) {
  if (flags & flag::VM) return iret_vm86(*this, size);
  if (flags & flag::NT) {
    // Return to the task that called or was interrupted into this one (TSS back link).
    uint16_t link = uint16_t(sys_read(tr.base, 2));
    if (link & 4) fault_sel(10, link);
    uint64_t d = read_descriptor(link, 10);
    unsigned type = unsigned(d >> 40) & 0x1F;
    if (type != 0x03 && type != 0x0B) fault_sel(10, link);
    if (!((d >> 47) & 1)) fault_sel(11, link);
    task_switch(link, d, TaskSwitch::Iret);
    return;
  }
  uint32_t s = sp(), m = stack32() ? ~0u : 0xFFFFu;
  check_stack_pop(*this, s, 3 * size);
  uint32_t ip = size == 4 ? read<uint32_t>(SS, s) : read<uint16_t>(SS, s);
  uint16_t sel = read<uint16_t>(SS, (s + size) & m);
  uint32_t fl = size == 4 ? read<uint32_t>(SS, (s + 2 * size) & m) : read<uint16_t>(SS, (s + 2 * size) & m);
  if (size == 4 && (fl & flag::VM) && cpl == 0) return iret_to_vm86(*this, s);
  // By the CPL and IOPL before the return; a 32-bit IRET loads RF too (POPF never
  // does), and the run loop clears it after one instruction.
  uint32_t mask = popf_mask(*this, size == 4) | (size == 4 ? flag::RF : 0);
  uint64_t d;
  SegCache cs = check_return_cs(*this, sel, d);
  unsigned rpl = sel & 3;
  uint32_t old = get_flags();
  if (rpl == cpl) {
    if (ip > cs.limit) gp(0);
    set_accessed(sel, d);
    cs.attrib |= 1;
    set_cs_cache(cs);
    eip = ip;
    set_sp(s + 3 * size);
  } else {
    return_to_outer_ring(*this, (s + 3 * size) & m, size, sel, d, cs, ip, 0);
  }
  set_flags((old & ~mask) | (fl & mask));
  exit_block = true;
}

// ---- interrupt and exception delivery ------------------------------------------------------

namespace {
void interrupt_real(Cpu& c, uint8_t vector) {
  uint32_t old_flags = c.get_flags();
  uint32_t a = uint32_t{vector} * 4;
  if (a + 3 > c.idt.limit) gp(vector * 8 + 2);
  uint16_t ip = c.read_lin<uint16_t>(c.idt.base + a);
  uint16_t cs = c.read_lin<uint16_t>(c.idt.base + a + 2);
  uint32_t s = c.sp(), m = c.stack32() ? ~0u : 0xFFFFu;
  c.write<uint16_t>(SS, (s - 2) & m, uint16_t(old_flags));
  c.write<uint16_t>(SS, (s - 4) & m, c.seg[CS].sel);
  c.write<uint16_t>(SS, (s - 6) & m, uint16_t(c.eip));
  c.set_sp(s - 6);
  c.flags = old_flags & ~(flag::IF | flag::TF | flag::AC | flag::RF);
  c.lazy.op = L_NONE;
  c.load_cs(cs, ip);
}

// From virtual-8086 mode (VM set) the handler must be ring-0 code reached through an interrupt
// or trap gate: the ring-0 stack then also gets GS, FS, DS, ES, and those four are nulled.
void interrupt_pm(Cpu& c, uint8_t vector, bool software, bool has_error, uint32_t error) {
  const bool vm = c.flags & flag::VM;
  uint32_t a = uint32_t{vector} * 8;
  if (a + 7 > c.idt.limit) gp(a + 2);
  uint32_t lo = c.sys_read(c.idt.base + a, 4), hi = c.sys_read(c.idt.base + a + 4, 4);
  unsigned type = (hi >> 8) & 0x1F;
  if (type != 0x05 && type != 0x06 && type != 0x07 && type != 0x0E && type != 0x0F) gp(a + 2);
  if (software && ((hi >> 13) & 3) < c.cpl) gp(a + 2);
  if (!(hi & 0x8000)) raise_fault(11, a + 2, true);
  if (type == 0x05) {
    uint16_t tss;
    uint64_t td = task_gate_target(c, uint16_t(lo >> 16), tss);
    c.task_switch(tss, td, Cpu::TaskSwitch::Int, has_error, error);
    return;
  }
  bool gate32 = type >= 0x0E;
  unsigned size = gate32 ? 4 : 2;
  uint16_t sel = uint16_t(lo >> 16);
  uint32_t off = (lo & 0xFFFF) | (gate32 ? (hi & 0xFFFF0000u) : 0);
  if ((sel & ~3u) == 0) gp(0);
  uint64_t d = c.read_descriptor(sel);
  uint16_t at = attrib_of(d);
  unsigned dpl = dpl_of(at);
  if (!is_code(at) || dpl > c.cpl) fault_sel(13, sel);
  if (!present(at)) fault_sel(11, sel);
  bool inner = !is_conforming(at) && dpl < c.cpl;
  if (vm && (!inner || dpl != 0)) fault_sel(13, sel);
  SegCache cs = cache_from_descriptor(sel, d);
  cs.attrib |= 1;
  uint32_t old_flags = c.get_flags();
  uint16_t old_cs = c.seg[CS].sel, old_ss = c.seg[SS].sel;
  uint32_t old_esp = c.r[ESP], old_eip = c.eip;
  InnerStack st{};
  if (inner) {
    st = inner_stack(c, dpl);
    check_stack_room(st.ss, st.esp, ((has_error ? 6 : 5) + (vm ? 4 : 0)) * size, true);
  } else {
    check_stack_room(c.seg[SS], c.sp(), (has_error ? 4 : 3) * size, false);
  }
  if (off > cs.limit) gp(0);
  Snapshot snap(c);
  try {
    c.set_accessed(sel, d);
    if (inner) {
      c.set_cpl(uint8_t(dpl));
      c.seg[SS] = st.ss;
      c.r[ESP] = st.esp;
      if (vm)
        for (unsigned s : {GS, FS, DS, ES}) push_sized(c, size, c.seg[s].sel);
      push_sized(c, size, old_ss);
      push_sized(c, size, old_esp);
    }
    push_sized(c, size, old_flags);
    push_sized(c, size, old_cs);
    push_sized(c, size, old_eip);
    if (has_error) push_sized(c, size, error);
  } catch (...) {
    snap.restore(c);
    throw;
  }
  if (vm)
    for (unsigned s : {ES, DS, FS, GS}) c.seg[s] = SegCache{0, 0, 0, kNullAttrib};
  cs.sel = uint16_t((sel & ~3u) | c.cpl);
  c.set_cs_cache(cs);
  c.eip = off;
  c.flags = old_flags & ~(flag::TF | flag::NT | flag::RF | flag::VM);
  if (!(type & 1)) c.flags &= ~flag::IF;  // interrupt gate (trap gates leave IF)
  c.lazy.op = L_NONE;
}
}  // namespace

void Cpu::interrupt(uint8_t vector, bool software, bool has_error, uint32_t error) {
  if (!pm()) return interrupt_real(*this, vector);
  try {
    interrupt_pm(*this, vector, software, has_error, error);
  } catch (Fault& f) {
    // A fault while delivering an event the program did not ask for (an exception,
    // an external interrupt) has EXT set in its error code.
    if (!software && f.has_error && f.vector >= 10 && f.vector <= 13) f.error |= 1;
    throw;
  }
  exit_block = true;
}

void Cpu::deliver_fault(const Fault& f) {
  // EIP already points at the faulting instruction.
  interrupt(f.vector, false, f.has_error, f.error);
}

}  // namespace pxos::soft

// Segmentation: segment register loads (real and protected mode, hidden
// descriptor caches, so unreal mode falls out), the one place where segment
// limits and rights are checked (lin_slow), descriptor table reads.
#include <algorithm>

#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {

SegCache cache_from_descriptor(uint16_t sel, uint64_t d) {
  SegCache c;
  c.sel = sel;
  c.base = uint32_t((d >> 16) & 0xFFFFFF) | uint32_t((d >> 56) & 0xFF) << 24;
  uint32_t limit = uint32_t(d & 0xFFFF) | uint32_t((d >> 48) & 0xF) << 16;
  if ((d >> 55) & 1) limit = (limit << 12) | 0xFFF;
  c.limit = limit;
  c.attrib = uint16_t((d >> 40) & 0xF0FF);
  return c;
}

// What LAR, LSL, VERR and VERW share: the selector operand, ZF cleared, and
// the descriptor when the selector is not null, its table holds it and the
// privilege rule lets the current code see it (non-conforming segments and
// system descriptors need DPL >= CPL and DPL >= RPL).
bool probe_descriptor(Cpu& c, const Insn& i, uint16_t& sel, uint64_t& d) {
  sel = c.get_rm<uint16_t>(i);
  c.flush_flags();
  c.flags &= ~flag::ZF;
  if ((sel & ~3u) == 0) return false;
  try {
    c.descriptor_address(sel);
  } catch (const Fault&) {
    return false;
  }
  d = c.read_descriptor(sel);  // page faults here are real faults
  unsigned a = unsigned(d >> 40) & 0xFF, dpl = (a >> 5) & 3;
  bool conforming_code = (a & 0x1C) == 0x1C;
  if (!conforming_code && (dpl < c.cpl || dpl < (sel & 3u))) return false;
  return true;
}

uint32_t Cpu::lin_slow(unsigned s, uint32_t off, unsigned size, bool write) const {
  const SegCache& sc = seg[s];
  // The 386 raises #SS for stack-segment overruns and #GP for the others, in
  // real mode as in protected mode.
  auto fail = [&]() {
    if (s == SS) raise_fault(12, 0, true);
    gp(0);
  };
  if (pm() && !(flags & flag::VM)) {
    if (!(sc.attrib & 0x80)) fail();                               // null or not-present cache
    if (write && ((sc.attrib & 0x8) || !(sc.attrib & 2))) fail();  // code or read-only data
    if (!write && (sc.attrib & 0xA) == 0x8) fail();                // execute-only code
  }
  uint32_t last = off + size - 1;
  if (sc.expand_down()) {
    uint32_t upper = sc.big() ? 0xFFFFFFFFu : 0xFFFFu;
    if (off <= sc.limit || last > upper || last < off) fail();
  } else {
    if (off > sc.limit || sc.limit - off < size - 1) fail();
  }
  return sc.base + off;
}

// Implicit supervisor accesses of any size (read_sys/write_sys, cpu.h).
uint32_t Cpu::sys_read(uint32_t a, unsigned size) {
  return size == 1 ? read_sys<uint8_t>(a) : size == 2 ? read_sys<uint16_t>(a) : read_sys<uint32_t>(a);
}

void Cpu::sys_write(uint32_t a, uint32_t v, unsigned size) {
  if (size == 1) return write_sys<uint8_t>(a, uint8_t(v));
  if (size == 2) return write_sys<uint16_t>(a, uint16_t(v));
  write_sys<uint32_t>(a, v);
}

uint32_t Cpu::descriptor_address(uint16_t sel, uint8_t fault) {
  uint32_t idx = sel & ~7u;
  uint32_t base, limit;
  if (sel & 4) {
    if ((ldtr.sel & ~3u) == 0 || !(ldtr.attrib & 0x80)) raise_fault(fault, sel & 0xFFFC, true);
    base = ldtr.base;
    limit = ldtr.limit;
  } else {
    base = gdt.base;
    limit = gdt.limit;
  }
  if (idx + 7 > limit) raise_fault(fault, sel & 0xFFFC, true);
  return base + idx;
}

uint64_t Cpu::read_descriptor(uint16_t sel, uint8_t fault) {
  uint32_t a = descriptor_address(sel, fault);
  uint32_t lo = sys_read(a, 4), hi = sys_read(a + 4, 4);
  return uint64_t{hi} << 32 | lo;
}

void Cpu::set_accessed(uint16_t sel, uint64_t d) {
  if ((d >> 40) & 1) return;
  uint32_t a = descriptor_address(sel) + 5;
  sys_write(a, uint8_t(d >> 40) | 1u, 1);
}

void Cpu::set_cs_cache(const SegCache& c) {
  seg[CS] = c;
  if (code32 != c.big()) exit_block = true;  // blocks are decoded for one default operand size
  code32 = c.big();
}

// The checks of a data-segment register load (MOV, POP, LxS, a task switch:
// `rights` is #GP, or #TS in a task switch). Returns the cache to load.
SegCache check_data_segment(Cpu& c, unsigned s, uint16_t sel, uint64_t d, uint8_t rights) {
  SegCache sc = cache_from_descriptor(sel, d);
  unsigned dpl = (sc.attrib >> 5) & 3, rpl = sel & 3;
  bool is_seg = sc.attrib & 0x10, is_code = sc.attrib & 8, readable = sc.attrib & 2;
  auto fail = [&](uint8_t v) { raise_fault(v, sel & 0xFFFC, true); };
  if (!is_seg) fail(rights);
  if (s == SS) {
    if (is_code || !readable || rpl != c.cpl || dpl != c.cpl) fail(rights);
    if (!(sc.attrib & 0x80)) fail(12);
  } else {
    if (is_code && !readable) fail(rights);
    bool conforming = is_code && (sc.attrib & 4);
    if (!conforming && (dpl < c.cpl || dpl < rpl)) fail(rights);
    if (!(sc.attrib & 0x80)) fail(11);
  }
  c.set_accessed(sel, d);
  sc.attrib |= 1;
  return sc;
}

void Cpu::load_seg(unsigned s, uint16_t sel) {
  if (flags & flag::VM) {
    seg[s] = vm86_segment(sel);
    return;
  }
  if (!pm()) {
    seg[s].sel = sel;
    seg[s].base = uint32_t{sel} << 4;
    return;
  }
  if ((sel & ~3u) == 0) {
    if (s == SS) gp(0);
    seg[s] = SegCache{0, 0, sel, kNullAttrib};
    return;
  }
  seg[s] = check_data_segment(*this, s, sel, read_descriptor(sel), 13);
}

void Cpu::null_inner_data_segments() {
  for (unsigned s : {ES, DS, FS, GS}) {
    const SegCache& c = seg[s];
    bool conforming_code = (c.attrib & 0x1C) == 0x1C;
    if ((c.sel & ~3u) != 0 && !conforming_code && ((c.attrib >> 5) & 3) < cpl) seg[s] = SegCache{0, 0, 0, kNullAttrib};
  }
}

void Cpu::load_tr(uint16_t sel) {
  if ((sel & ~3u) == 0) gp(0);
  if (sel & 4) gp(sel & 0xFFFC);
  uint64_t d = read_descriptor(sel);
  unsigned type = unsigned(d >> 40) & 0x1F;  // with the S bit
  if (type != 0x01 && type != 0x09) gp(sel & 0xFFFC);
  if (!((d >> 47) & 1)) raise_fault(11, sel & 0xFFFC, true);
  sys_write(descriptor_address(sel) + 5, uint8_t(d >> 40) | 2u, 1);  // busy
  tr = cache_from_descriptor(sel, d | (uint64_t{2} << 40));
}

void Cpu::load_ldtr(uint16_t sel) {
  if ((sel & ~3u) == 0) {
    ldtr = SegCache{0, 0, 0, 0x82};
    return;
  }
  if (sel & 4) gp(sel & 0xFFFC);
  uint64_t d = read_descriptor(sel);
  if ((unsigned(d >> 40) & 0x1F) != 0x02) gp(sel & 0xFFFC);
  if (!((d >> 47) & 1)) raise_fault(11, sel & 0xFFFC, true);
  ldtr = cache_from_descriptor(sel, d);
}

void Cpu::load_cs(uint16_t sel, uint32_t new_eip) {
  if (new_eip > seg[CS].limit) gp(0);
  SegCache c = seg[CS];
  c.sel = sel;
  c.base = uint32_t{sel} << 4;
  set_cs_cache(c);
  eip = new_eip;
}

// ---- handlers ---------------------------------------------------------------------------
namespace {
inline unsigned sreg_of(const Insn& i) { return (i.op >> 3) & 7; }
}  // namespace

template <class T>
void push_sreg(Cpu& c, const Insn& i) {
  c.push<T>(c.seg[sreg_of(i)].sel);
}
template <class T>
void pop_sreg(Cpu& c, const Insn& i) {
  unsigned s = sreg_of(i);
  uint32_t sp = c.sp();
  uint16_t v = uint16_t(c.read<T>(SS, sp));
  c.load_seg(s, v);
  c.set_sp(sp + sizeof(T));
  if (s == SS) {
    c.shadow = true;
    c.exit_block = true;
  }
}
template <class T>
void mov_Ew_Sw(Cpu& c, const Insn& i) {
  if (i.reg > 5) ud();
  uint16_t v = c.seg[i.reg].sel;
  if (i.mod == 3) {
    if constexpr (sizeof(T) == 4)
      c.r[i.rm] = v;  // a 386 zero-extends into the full register
    else
      c.set_reg<uint16_t>(i.rm, v);
  } else {
    c.write<uint16_t>(i.seg, c.ea(i), v);
  }
}
template <class T>
void mov_Sw_Ew(Cpu& c, const Insn& i) {
  if (i.reg > 5 || i.reg == CS) ud();
  c.load_seg(i.reg, c.get_rm<uint16_t>(i));
  if (i.reg == SS) {
    c.shadow = true;  // interrupts wait until after the next instruction
    c.exit_block = true;
  }
}
namespace {
template <class T>
void load_far_pointer(Cpu& c, const Insn& i, unsigned s) {
  if (i.mod == 3) ud();
  uint32_t off = c.ea(i);
  T v = c.read<T>(i.seg, off);
  uint16_t sel = c.read<uint16_t>(i.seg, (off + sizeof(T)) & i.amask);
  c.load_seg(s, sel);
  c.set_reg<T>(i.reg, v);
}
}  // namespace
template <class T>
void les(Cpu& c, const Insn& i) {
  load_far_pointer<T>(c, i, ES);
}
template <class T>
void lds(Cpu& c, const Insn& i) {
  load_far_pointer<T>(c, i, DS);
}
template <class T>
void lss(Cpu& c, const Insn& i) {
  load_far_pointer<T>(c, i, SS);
  c.exit_block = true;
}
template <class T>
void lfs(Cpu& c, const Insn& i) {
  load_far_pointer<T>(c, i, FS);
}
template <class T>
void lgs(Cpu& c, const Insn& i) {
  load_far_pointer<T>(c, i, GS);
}
template <class T>
void arpl(Cpu& c, const Insn& i) {
  if (!c.pm() || (c.flags & flag::VM)) ud();
  uint16_t d = c.get_rm<uint16_t>(i), s = c.reg<uint16_t>(i.reg);
  c.flush_flags();
  if ((d & 3) < (s & 3)) {
    c.set_rm<uint16_t>(i, uint16_t((d & ~3u) | (s & 3)));
    c.flags |= flag::ZF;
  } else {
    c.flags &= ~flag::ZF;
  }
}
// LAR / LSL: protected mode only.
template <class T>
void lar(Cpu& c, const Insn& i) {
  if (!c.pm() || (c.flags & flag::VM)) ud();
  uint16_t sel;
  uint64_t d;
  if (!probe_descriptor(c, i, sel, d)) return;
  // System descriptors: the TSSs, LDT, call and task gates only (Intel SDM, LAR).
  unsigned type = unsigned(d >> 40) & 0x1F;
  if (type < 0x10 && !((0x1A3Eu >> type) & 1)) return;
  c.flags |= flag::ZF;
  c.set_reg<T>(i.reg, T(uint32_t(d >> 32) & 0x00FFFF00u));
}
template <class T>
void lsl(Cpu& c, const Insn& i) {
  if (!c.pm() || (c.flags & flag::VM)) ud();
  uint16_t sel;
  uint64_t d;
  if (!probe_descriptor(c, i, sel, d)) return;
  // System descriptors: the TSSs and the LDT only (Intel SDM, LSL).
  unsigned type = unsigned(d >> 40) & 0x1F;
  if (type < 0x10 && !((0x0A0Eu >> type) & 1)) return;
  c.flags |= flag::ZF;
  c.set_reg<T>(i.reg, T(cache_from_descriptor(sel, d).limit));
}

PXOS_INSTANTIATE(push_sreg)
PXOS_INSTANTIATE(pop_sreg)
PXOS_INSTANTIATE(mov_Ew_Sw)
PXOS_INSTANTIATE(mov_Sw_Ew)
PXOS_INSTANTIATE(les)
PXOS_INSTANTIATE(lds)
PXOS_INSTANTIATE(lss)
PXOS_INSTANTIATE(lfs)
PXOS_INSTANTIATE(lgs)
PXOS_INSTANTIATE(arpl)
PXOS_INSTANTIATE(lar)
PXOS_INSTANTIATE(lsl)

}  // namespace pxos::soft

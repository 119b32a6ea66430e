// Segmentation: segment register loads (real and protected mode, hidden
// descriptor caches, so unreal mode falls out), the one place where segment
// limits and rights are checked (lin_slow), descriptor table reads.
#include <algorithm>

#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {

namespace {
// A null selector in protected mode: any access through it must fault. Marked
// expand-down + not present so the fast path in Cpu::lin() always falls through.
constexpr uint16_t kNullAttrib = 0x0014;

}  // namespace

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
// the descriptor when the selector is not null and its table holds it.
bool probe_descriptor(Cpu& c, const Insn& i, uint16_t& sel, uint64_t& d) {
  sel = c.get_rm<uint16_t>(i);
  c.flush_flags();
  c.flags &= ~flag::ZF;
  if ((sel & ~3u) == 0) return false;
  try {
    d = c.read_descriptor(sel);
  } catch (const Fault&) {
    return false;
  }
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

uint64_t Cpu::read_descriptor(uint16_t sel) {
  uint32_t idx = sel & ~7u;
  uint32_t base, limit;
  if (sel & 4) {
    if (!(ldtr.attrib & 0x80)) gp(sel & ~3u);
    base = ldtr.base;
    limit = ldtr.limit;
  } else {
    base = gdt.base;
    limit = gdt.limit;
  }
  if (idx + 7 > limit) gp(sel & ~3u);
  uint32_t lo = read_sys<uint32_t>(base + idx), hi = read_sys<uint32_t>(base + idx + 4);
  return uint64_t{hi} << 32 | lo;
}

void Cpu::set_cs_cache(const SegCache& c) {
  seg[CS] = c;
  if (code32 != c.big()) exit_block = true;  // blocks are decoded for one default operand size
  code32 = c.big();
}

void Cpu::load_seg(unsigned s, uint16_t sel) {
  if (!pm() || (flags & flag::VM)) {
    seg[s].sel = sel;
    seg[s].base = uint32_t{sel} << 4;
    if (flags & flag::VM) {
      seg[s].limit = 0xFFFF;
      seg[s].attrib = 0xF3;
    }
    return;
  }
  if ((sel & ~3u) == 0) {
    if (s == SS) gp(0);
    seg[s] = SegCache{0, 0, sel, kNullAttrib};
    return;
  }
  uint64_t d = read_descriptor(sel);
  SegCache c = cache_from_descriptor(sel, d);
  unsigned dpl = (c.attrib >> 5) & 3, rpl = sel & 3;
  bool is_code = c.attrib & 8, readable = c.attrib & 2;
  if (!(c.attrib & 0x10)) gp(sel & ~3u);  // system descriptor
  if (s == SS) {
    if (is_code || !readable || rpl != cpl || dpl != cpl) gp(sel & ~3u);
    if (!(c.attrib & 0x80)) raise_fault(12, sel & ~3u, true);
  } else {
    if (is_code && !readable) gp(sel & ~3u);
    bool conforming = is_code && (c.attrib & 4);
    if (!conforming && (dpl < cpl || dpl < rpl)) gp(sel & ~3u);
    if (!(c.attrib & 0x80)) raise_fault(11, sel & ~3u, true);
  }
  c.attrib |= 1;  // accessed (the descriptor in memory is left alone)
  seg[s] = c;
}

void Cpu::load_cs(uint16_t sel, uint32_t new_eip) {
  if (!pm() || (flags & flag::VM)) {
    if (new_eip > seg[CS].limit) gp(0);
    SegCache c = seg[CS];
    c.sel = sel;
    c.base = uint32_t{sel} << 4;
    set_cs_cache(c);
    eip = new_eip;
    return;
  }
  if ((sel & ~3u) == 0) gp(0);
  uint64_t d = read_descriptor(sel);
  SegCache c = cache_from_descriptor(sel, d);
  if ((c.attrib & 0x18) != 0x18) {
    stop = Stop::Error;
    error = "soft engine: far transfer through a gate or TSS is not implemented";
    exit_block = true;
    return;
  }
  if (!(c.attrib & 0x80)) raise_fault(11, sel & ~3u, true);
  if (new_eip > c.limit) gp(0);
  unsigned dpl = (c.attrib >> 5) & 3, rpl = sel & 3;
  bool conforming = c.attrib & 4;
  // Same ring for JMP/CALL, the outer ring (RPL) for RET/IRET, the gate's ring for interrupts
  // (the caller has set cpl already). Privilege checks beyond this are issue 9.
  uint8_t new_cpl = conforming ? uint8_t(std::max<unsigned>(cpl, rpl)) : uint8_t(dpl);
  c.sel = uint16_t((sel & ~3u) | new_cpl);
  c.attrib |= 1;
  set_cpl(new_cpl);
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
  c.flags |= flag::ZF;
  c.set_reg<T>(i.reg, T(uint32_t(d >> 32) & 0x00FFFF00u));
}
template <class T>
void lsl(Cpu& c, const Insn& i) {
  if (!c.pm() || (c.flags & flag::VM)) ud();
  uint16_t sel;
  uint64_t d;
  if (!probe_descriptor(c, i, sel, d)) return;
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

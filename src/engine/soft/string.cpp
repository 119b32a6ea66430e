// String instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with REP/REPE/REPNE.
//
// A REP instruction runs at most Cpu::rep_chunk iterations per dispatch, then re-executes
// itself (EIP back at the instruction), so kicks and interrupts are taken in between,
// as on hardware. SI/DI/CX are updated every iteration: a fault leaves a restartable state.
#include <algorithm>

#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {
namespace {

template <class T>
inline uint32_t delta(const Cpu& c) {
  return (c.flags & flag::DF) ? uint32_t(-int32_t(sizeof(T))) : uint32_t(sizeof(T));
}
inline uint32_t rd(const Cpu& c, unsigned r, uint32_t m) { return c.r[r] & m; }
inline void wr(Cpu& c, unsigned r, uint32_t v, uint32_t m) { c.r[r] = (c.r[r] & ~m) | (v & m); }

// Ends this dispatch of a REP instruction with iterations left: EIP points at
// it again, so kicks and interrupts get in before the rest. RF is set, as after a
// non-final iteration on hardware: an interrupt taken here pushes RF=1 (SDM vol. 3,
// "RF flag"); the run loop clears it when the instruction runs again.
inline void come_back_later(Cpu& c) {
  c.eip = c.insn_eip;
  c.flags |= flag::RF;
  c.exit_block = true;
}
// After a fast path moved `room` elements with `left` to go: true when the
// instruction is done for this dispatch (nothing left, or a chunk's worth ran).
inline bool rep_chunk_done(Cpu& c, uint32_t left, uint32_t room, uint32_t& total) {
  if (left == 0) return true;
  total += room;
  if (total < c.rep_chunk) return false;
  come_back_later(c);
  return true;
}

// Runs body() once, or under REP as many times as CX/ECX allows. cmp: REPE/REPNE test ZF.
template <class Body>
inline void repeat(Cpu& c, const Insn& i, bool cmp, Body body) {
  uint32_t m = i.amask;
  if (!i.rep) {
    body();
    return;
  }
  uint32_t n = rd(c, ECX, m);
  for (uint32_t k = 0; n != 0; ++k) {
    if (k == c.rep_chunk) {
      come_back_later(c);
      return;
    }
    body();
    --n;
    wr(c, ECX, n, m);
    if (cmp && (c.zf() != (i.rep == 0xF3))) break;
  }
}

// How many elements of size sz fit at seg:off going forward (limit, address wrap, page).
inline uint32_t room_fwd(const Cpu& c, unsigned s, uint32_t off, uint32_t sz, uint32_t m, bool write) {
  const SegCache& sc = c.seg[s];
  if (sc.expand_down() || off > sc.limit || (write && c.pm() && (sc.attrib & 0xA) != 0x2)) return 0;
  if (sc.limit - off < sz - 1 || m - off < sz - 1) return 0;
  uint32_t lin = sc.base + off;
  return std::min({(sc.limit - off - (sz - 1)) / sz + 1, (m - off - (sz - 1)) / sz + 1, (0x1000 - (lin & 0xFFF)) / sz});
}

}  // namespace

template <class T>
void movs(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) > 1)
    if (i.op == 0xA4) return movs<uint8_t>(c, i);
  uint32_t m = i.amask, d = delta<T>(c);
  if (i.rep && !(c.flags & flag::DF)) {
    // Fast path: forward copy while both sides stay inside one page of plain RAM.
    // Element by element, so overlapping copies behave exactly as the instruction does.
    constexpr uint32_t sz = sizeof(T);
    for (uint32_t total = 0;;) {
      uint32_t n = rd(c, ECX, m);
      if (n == 0) return;
      uint32_t si = rd(c, ESI, m), di = rd(c, EDI, m);
      uint32_t room =
          std::min({room_fwd(c, i.seg, si, sz, m, false), room_fwd(c, ES, di, sz, m, true), n, c.rep_chunk});
      if (room == 0) break;
      uint32_t ls = c.seg[i.seg].base + si, ld = c.seg[ES].base + di;
      const TlbEntry& es = c.tlb[(ls >> 12) & 255];
      const TlbEntry& ed = c.tlb[(ld >> 12) & 255];
      if (es.tag_r != (ls >> 12) || ed.tag_w != (ld >> 12)) {
        c.write_lin<T>(ld, c.read_lin<T>(ls));  // one element the slow way: fills both TLB entries
        room = 1;
      } else {
        // Element by element semantics: a forward copy onto an overlapping destination repeats the pattern.
        const uint8_t* ps = es.host + (ls & 0xFFF);
        uint8_t* pd = ed.host + (ld & 0xFFF);
        if (pd >= ps + room * sz || ps >= pd + room * sz || pd <= ps) {
          std::memmove(pd, ps, room * sz);
        } else {
          for (uint32_t k = 0; k < room; ++k) std::memmove(pd + k * sz, ps + k * sz, sz);
        }
      }
      wr(c, ESI, si + room * sz, m);
      wr(c, EDI, di + room * sz, m);
      wr(c, ECX, n - room, m);
      if (rep_chunk_done(c, n - room, room, total)) return;
    }
  }
  repeat(c, i, false, [&] {
    T v = c.read<T>(i.seg, rd(c, ESI, m));
    c.write<T>(ES, rd(c, EDI, m), v);
    wr(c, ESI, c.r[ESI] + d, m);
    wr(c, EDI, c.r[EDI] + d, m);
  });
}
template <class T>
void cmps(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) > 1)
    if (i.op == 0xA6) return cmps<uint8_t>(c, i);
  uint32_t m = i.amask, d = delta<T>(c);
  repeat(c, i, true, [&] {
    T a = c.read<T>(i.seg, rd(c, ESI, m));
    T b = c.read<T>(ES, rd(c, EDI, m));
    c.set_lazy<T>(L_SUB, a, b, T(a - b));
    wr(c, ESI, c.r[ESI] + d, m);
    wr(c, EDI, c.r[EDI] + d, m);
  });
}
template <class T>
void stos(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) > 1)
    if (i.op == 0xAA) return stos<uint8_t>(c, i);
  uint32_t m = i.amask, d = delta<T>(c);
  T v = c.reg<T>(EAX);
  if (i.rep && !(c.flags & flag::DF)) {
    // Fast path: forward fill inside one page of plain RAM.
    constexpr uint32_t sz = sizeof(T);
    for (uint32_t total = 0;;) {
      uint32_t n = rd(c, ECX, m);
      if (n == 0) return;
      uint32_t di = rd(c, EDI, m);
      uint32_t room = std::min({room_fwd(c, ES, di, sz, m, true), n, c.rep_chunk});
      if (room == 0) break;
      uint32_t ld = c.seg[ES].base + di;
      const TlbEntry& ed = c.tlb[(ld >> 12) & 255];
      if (ed.tag_w != (ld >> 12)) {
        c.write_lin<T>(ld, v);  // one element the slow way: fills the TLB entry
        room = 1;
      } else {
        uint8_t* pd = ed.host + (ld & 0xFFF);
        if constexpr (sz == 1) {
          std::memset(pd, v, room);
        } else {
          for (uint32_t k = 0; k < room; ++k) std::memcpy(pd + k * sz, &v, sz);
        }
      }
      wr(c, EDI, di + room * sz, m);
      wr(c, ECX, n - room, m);
      if (rep_chunk_done(c, n - room, room, total)) return;
    }
  }
  repeat(c, i, false, [&] {
    c.write<T>(ES, rd(c, EDI, m), v);
    wr(c, EDI, c.r[EDI] + d, m);
  });
}
template <class T>
void lods(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) > 1)
    if (i.op == 0xAC) return lods<uint8_t>(c, i);
  uint32_t m = i.amask, d = delta<T>(c);
  repeat(c, i, false, [&] {
    T v = c.read<T>(i.seg, rd(c, ESI, m));
    c.set_reg<T>(EAX, v);
    wr(c, ESI, c.r[ESI] + d, m);
  });
}
template <class T>
void scas(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) > 1)
    if (i.op == 0xAE) return scas<uint8_t>(c, i);
  uint32_t m = i.amask, d = delta<T>(c);
  repeat(c, i, true, [&] {
    T a = c.reg<T>(EAX);
    T b = c.read<T>(ES, rd(c, EDI, m));
    c.set_lazy<T>(L_SUB, a, b, T(a - b));
    wr(c, EDI, c.r[EDI] + d, m);
  });
}

// INS/OUTS move one element per exit. Under REP the instruction re-executes
// (EIP stays on it) until CX reaches 0.
template <class T>
void ins(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) > 1)
    if (i.op == 0x6C) return ins<uint8_t>(c, i);
  uint32_t m = i.amask;
  if (i.rep && rd(c, ECX, m) == 0) return;
  uint16_t port = uint16_t(c.r[EDX]);
  io_check(c, port, sizeof(T));
  c.lin_w(ES, rd(c, EDI, m), sizeof(T));  // fault before the port is read
  io_in(c, port, sizeof(T), true);
  c.pending_in.rep = i.rep != 0;
  c.pending_in.amask = m;
}
template <class T>
void outs(Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) > 1)
    if (i.op == 0x6E) return outs<uint8_t>(c, i);
  uint32_t m = i.amask;
  if (i.rep && rd(c, ECX, m) == 0) return;
  uint16_t port = uint16_t(c.r[EDX]);
  io_check(c, port, sizeof(T));
  T v = c.read<T>(i.seg, rd(c, ESI, m));
  wr(c, ESI, c.r[ESI] + delta<T>(c), m);
  if (i.rep) {
    uint32_t n = rd(c, ECX, m) - 1;
    wr(c, ECX, n, m);
    if (n != 0) come_back_later(c);
  }
  io_out(c, port, sizeof(T), v);
}

template void movs<uint8_t>(Cpu&, const Insn&);
template void cmps<uint8_t>(Cpu&, const Insn&);
template void stos<uint8_t>(Cpu&, const Insn&);
template void lods<uint8_t>(Cpu&, const Insn&);
template void scas<uint8_t>(Cpu&, const Insn&);
template void ins<uint8_t>(Cpu&, const Insn&);
template void outs<uint8_t>(Cpu&, const Insn&);
PXOS_INSTANTIATE(movs)
PXOS_INSTANTIATE(cmps)
PXOS_INSTANTIATE(stos)
PXOS_INSTANTIATE(lods)
PXOS_INSTANTIATE(scas)
PXOS_INSTANTIATE(ins)
PXOS_INSTANTIATE(outs)

}  // namespace pxos::soft

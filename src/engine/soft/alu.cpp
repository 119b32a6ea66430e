// Arithmetic and logic: ADD..CMP, INC/DEC, TEST, NOT/NEG, MUL/DIV, shifts and
// rotates, BCD adjustments, bit tests and scans, SHLD/SHRD.
#include <array>

#include "engine/soft/alu_op.h"
#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

namespace pxos::soft {
namespace {

// Opcodes 00-3F: the ALU operation in bits 3-5.
AluOp op_of(const Insn& i) { return AluOp((i.op >> 3) & 7); }

template <class T>
inline void alu_rm_write(Cpu& c, const Insn& i, AluOp op, T src) {
  if (i.mod == 3) {
    T r = alu<T>(c, op, c.reg<T>(i.rm), src);
    if (op != AluOp::Cmp) c.set_reg<T>(i.rm, r);
    return;
  }
  uint32_t off = c.ea(i);
  if (op == AluOp::Cmp) {
    alu<T>(c, op, c.read<T>(i.seg, off), src);
    return;
  }
  uint32_t a = c.lin_w(i.seg, off, sizeof(T));
  T r = alu<T>(c, op, c.read_lin<T>(a), src);
  c.write_lin<T>(a, r);
}

template <class T>
inline unsigned shift_count(const Insn& i, Cpu& c) {
  switch (i.op) {
    case 0xC0:
    case 0xC1: return i.imm & 0xFF;
    case 0xD0:
    case 0xD1: return 1;
    default: return c.reg<uint8_t>(ECX);
  }
}

template <class T>
void shift_rm(Cpu& c, const Insn& i) {
  unsigned n = shift_count<T>(i, c);
  if (i.mod == 3) {
    c.set_reg<T>(i.rm, shift<T>(c, ShiftOp(i.reg), c.reg<T>(i.rm), n));
    return;
  }
  uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
  T v = c.read_lin<T>(a);
  c.write_lin<T>(a, shift<T>(c, ShiftOp(i.reg), v, n));
}

// Group 3: TEST/NOT/NEG/MUL/IMUL/DIV/IDIV.
template <class T>
void grp3(Cpu& c, const Insn& i) {
  using S = std::make_signed_t<T>;
  constexpr unsigned B = kBits<T>;
  switch (i.reg) {
    case 0:
    case 1: alu<T>(c, AluOp::And, c.get_rm<T>(i), T(i.imm)); return;
    case 2: {
      if (i.mod == 3) return c.set_reg<T>(i.rm, T(~c.reg<T>(i.rm)));
      uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
      c.write_lin<T>(a, T(~c.read_lin<T>(a)));
      return;
    }
    case 3: {
      T v, r;
      if (i.mod == 3) {
        v = c.reg<T>(i.rm);
        r = T(0 - v);
        c.set_reg<T>(i.rm, r);
      } else {
        uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
        v = c.read_lin<T>(a);
        r = T(0 - v);
        c.write_lin<T>(a, r);
      }
      c.set_lazy<T>(L_SUB, 0, v, r);
      return;
    }
    case 4: {  // MUL
      uint64_t p = uint64_t{c.get_rm<T>(i)} * uint64_t{c.reg<T>(EAX)};
      bool hi;
      if constexpr (B == 8) {
        c.set_reg<uint16_t>(EAX, uint16_t(p));
        hi = (p >> 8) != 0;
      } else {
        c.set_reg<T>(EAX, T(p));
        c.set_reg<T>(EDX, T(p >> B));
        hi = (p >> B) != 0;
      }
      set_szp<T>(c, T(p), hi, hi);
      return;
    }
    case 5: {  // IMUL
      int64_t p = int64_t{S(c.get_rm<T>(i))} * int64_t{S(c.reg<T>(EAX))};
      bool ovf = p != int64_t{S(T(p))};
      if constexpr (B == 8) {
        c.set_reg<uint16_t>(EAX, uint16_t(p));
      } else {
        c.set_reg<T>(EAX, T(p));
        c.set_reg<T>(EDX, T(uint64_t(p) >> B));
      }
      set_szp<T>(c, T(p), ovf, ovf);
      return;
    }
    case 6: {  // DIV
      T d = c.get_rm<T>(i);
      if (d == 0) raise_fault(0);
      uint64_t n = B == 8 ? c.reg<uint16_t>(EAX) : (uint64_t{c.reg<T>(EDX)} << B) | c.reg<T>(EAX);
      uint64_t q = n / d, rem = n % d;
      if (q >> B) raise_fault(0);
      if constexpr (B == 8) {
        c.set_reg<uint16_t>(EAX, uint16_t(q | rem << 8));
      } else {
        c.set_reg<T>(EAX, T(q));
        c.set_reg<T>(EDX, T(rem));
      }
      return;
    }
    default: {  // IDIV
      S d = S(c.get_rm<T>(i));
      if (d == 0) raise_fault(0);
      int64_t n = B == 8    ? int64_t{int16_t(c.reg<uint16_t>(EAX))}
                  : B == 16 ? int64_t{int32_t((uint32_t{c.reg<T>(EDX)} << 16) | c.reg<T>(EAX))}
                            : int64_t((uint64_t{c.reg<T>(EDX)} << 32) | c.reg<T>(EAX));
      if (B == 32 && n == INT64_MIN) raise_fault(0);
      int64_t q = n / d, rem = n % d;
      if (q != int64_t{S(q)}) raise_fault(0);
      if constexpr (B == 8) {
        c.set_reg<uint16_t>(EAX, uint16_t(uint8_t(q) | uint8_t(rem) << 8));
      } else {
        c.set_reg<T>(EAX, T(q));
        c.set_reg<T>(EDX, T(rem));
      }
      return;
    }
  }
}

}  // namespace

template <class T>
void alu_Eb_Gb(Cpu& c, const Insn& i) {
  alu_rm_write<uint8_t>(c, i, op_of(i), c.reg<uint8_t>(i.reg));
}
template <class T>
void alu_Ev_Gv(Cpu& c, const Insn& i) {
  alu_rm_write<T>(c, i, op_of(i), c.reg<T>(i.reg));
}
template <class T>
void alu_Gb_Eb(Cpu& c, const Insn& i) {
  AluOp op = op_of(i);
  uint8_t r = alu<uint8_t>(c, op, c.reg<uint8_t>(i.reg), c.get_rm<uint8_t>(i));
  if (op != AluOp::Cmp) c.set_reg<uint8_t>(i.reg, r);
}
template <class T>
void alu_Gv_Ev(Cpu& c, const Insn& i) {
  AluOp op = op_of(i);
  T r = alu<T>(c, op, c.reg<T>(i.reg), c.get_rm<T>(i));
  if (op != AluOp::Cmp) c.set_reg<T>(i.reg, r);
}
template <class T>
void alu_AL_Ib(Cpu& c, const Insn& i) {
  AluOp op = op_of(i);
  uint8_t r = alu<uint8_t>(c, op, c.reg<uint8_t>(EAX), uint8_t(i.imm));
  if (op != AluOp::Cmp) c.set_reg<uint8_t>(EAX, r);
}
template <class T>
void alu_eAX_Iz(Cpu& c, const Insn& i) {
  AluOp op = op_of(i);
  T r = alu<T>(c, op, c.reg<T>(EAX), T(i.imm));
  if (op != AluOp::Cmp) c.set_reg<T>(EAX, r);
}
template <class T>
void grp1_Eb(Cpu& c, const Insn& i) {
  alu_rm_write<uint8_t>(c, i, AluOp(i.reg), uint8_t(i.imm));
}
template <class T>
void grp1_Ev(Cpu& c, const Insn& i) {
  alu_rm_write<T>(c, i, AluOp(i.reg), T(i.imm));
}
template <class T>
void test_Eb_Gb(Cpu& c, const Insn& i) {
  alu<uint8_t>(c, AluOp::And, c.get_rm<uint8_t>(i), c.reg<uint8_t>(i.reg));
}
template <class T>
void test_Ev_Gv(Cpu& c, const Insn& i) {
  alu<T>(c, AluOp::And, c.get_rm<T>(i), c.reg<T>(i.reg));
}
template <class T>
void test_AL_Ib(Cpu& c, const Insn& i) {
  alu<uint8_t>(c, AluOp::And, c.reg<uint8_t>(EAX), uint8_t(i.imm));
}
template <class T>
void test_eAX_Iz(Cpu& c, const Insn& i) {
  alu<T>(c, AluOp::And, c.reg<T>(EAX), T(i.imm));
}
template <class T>
void inc_r(Cpu& c, const Insn& i) {
  unsigned r = i.op & 7;
  T v = c.reg<T>(r), res = T(v + 1);
  c.set_reg<T>(r, res);
  c.set_lazy_keep_cf<T>(L_INC, v, res);
}
template <class T>
void dec_r(Cpu& c, const Insn& i) {
  unsigned r = i.op & 7;
  T v = c.reg<T>(r), res = T(v - 1);
  c.set_reg<T>(r, res);
  c.set_lazy_keep_cf<T>(L_DEC, v, res);
}

namespace {
template <class T>
void incdec_rm(Cpu& c, const Insn& i, bool dec) {
  T v, res;
  if (i.mod == 3) {
    v = c.reg<T>(i.rm);
    res = dec ? T(v - 1) : T(v + 1);
    c.set_reg<T>(i.rm, res);
  } else {
    uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
    v = c.read_lin<T>(a);
    res = dec ? T(v - 1) : T(v + 1);
    c.write_lin<T>(a, res);
  }
  c.set_lazy_keep_cf<T>(dec ? L_DEC : L_INC, v, res);
}
}  // namespace

// FE: INC/DEC r/m8; other reg values are undefined (#UD on a 386).
template <class T>
void grp4(Cpu& c, const Insn& i) {
  if (i.reg > 1) ud();
  incdec_rm<uint8_t>(c, i, i.reg == 1);
}
// The INC/DEC part of FF (grp5 lives in control.cpp).
void grp5_incdec16(Cpu& c, const Insn& i) { incdec_rm<uint16_t>(c, i, i.reg == 1); }
void grp5_incdec32(Cpu& c, const Insn& i) { incdec_rm<uint32_t>(c, i, i.reg == 1); }

template <class T>
void grp3_Eb(Cpu& c, const Insn& i) {
  grp3<uint8_t>(c, i);
}
template <class T>
void grp3_Ev(Cpu& c, const Insn& i) {
  grp3<T>(c, i);
}
template <class T>
void shift_Eb(Cpu& c, const Insn& i) {
  shift_rm<uint8_t>(c, i);
}
template <class T>
void shift_Ev(Cpu& c, const Insn& i) {
  shift_rm<T>(c, i);
}

template <class T>
void imul_Gv_Ev_I(Cpu& c, const Insn& i) {
  using S = std::make_signed_t<T>;
  int64_t p = int64_t{S(c.get_rm<T>(i))} * int64_t{S(T(i.imm))};
  bool ovf = p != int64_t{S(T(p))};
  c.set_reg<T>(i.reg, T(p));
  set_szp<T>(c, T(p), ovf, ovf);
}
template <class T>
void imul_Gv_Ev(Cpu& c, const Insn& i) {
  using S = std::make_signed_t<T>;
  int64_t p = int64_t{S(c.get_rm<T>(i))} * int64_t{S(c.reg<T>(i.reg))};
  bool ovf = p != int64_t{S(T(p))};
  c.set_reg<T>(i.reg, T(p));
  set_szp<T>(c, T(p), ovf, ovf);
}

// ---- BCD -------------------------------------------------------------------
template <class T>
void daa(Cpu& c, const Insn&) {
  uint8_t al = c.reg<uint8_t>(EAX), old = al;
  bool oc = c.cf(), af = false, cf = false;
  if ((al & 0xF) > 9 || c.af()) {
    al = uint8_t(al + 6);
    cf = oc || old > 0xF9;
    af = true;
  }
  if (old > 0x99 || oc) {
    al = uint8_t(al + 0x60);
    cf = true;
  }
  c.set_reg<uint8_t>(EAX, al);
  set_szp<uint8_t>(c, al, cf, ((old ^ al) & al & 0x80) != 0, af);
}
template <class T>
void das(Cpu& c, const Insn&) {
  uint8_t al = c.reg<uint8_t>(EAX), old = al;
  bool oc = c.cf(), af = false, cf = false;
  if ((al & 0xF) > 9 || c.af()) {
    al = uint8_t(al - 6);
    cf = oc || old < 6;
    af = true;
  }
  if (old > 0x99 || oc) {
    al = uint8_t(al - 0x60);
    cf = true;
  }
  c.set_reg<uint8_t>(EAX, al);
  set_szp<uint8_t>(c, al, cf, ((old ^ al) & old & 0x80) != 0, af);
}
template <class T>
void aaa(Cpu& c, const Insn&) {
  uint16_t ax = c.reg<uint16_t>(EAX);
  bool adj = (ax & 0xF) > 9 || c.af();
  if (adj) ax = uint16_t(ax + 0x106);
  ax &= 0xFF0F;
  c.set_reg<uint16_t>(EAX, ax);
  set_szp<uint8_t>(c, uint8_t(ax), adj, false, adj);
}
template <class T>
void aas(Cpu& c, const Insn&) {
  uint16_t ax = c.reg<uint16_t>(EAX);
  bool adj = (ax & 0xF) > 9 || c.af();
  if (adj) ax = uint16_t(ax - 6 - 0x100);  // AX -= 6 (borrowing from AH), then AH -= 1
  ax &= 0xFF0F;
  c.set_reg<uint16_t>(EAX, ax);
  set_szp<uint8_t>(c, uint8_t(ax), adj, false, adj);
}
template <class T>
void aam(Cpu& c, const Insn& i) {
  uint8_t base = uint8_t(i.imm);
  if (base == 0) raise_fault(0);
  uint8_t al = c.reg<uint8_t>(EAX);
  uint8_t q = al / base, r = al % base;
  c.set_reg<uint16_t>(EAX, uint16_t(q << 8 | r));
  set_szp<uint8_t>(c, r, false, false);
}
template <class T>
void aad(Cpu& c, const Insn& i) {
  uint16_t ax = c.reg<uint16_t>(EAX);
  uint8_t al = uint8_t(ax), ah = uint8_t(ax >> 8);
  uint8_t prod = uint8_t(ah * uint8_t(i.imm));
  uint8_t r = uint8_t(al + prod);
  c.set_reg<uint16_t>(EAX, r);
  c.set_lazy<uint8_t>(L_ADD, al, prod, r);
}
template <class T>
void salc(Cpu& c, const Insn&) {
  c.set_reg<uint8_t>(EAX, c.cf() ? 0xFF : 0);
}

// ---- 386 bit instructions -----------------------------------------------------
// BT/BTS/BTR/BTC with a register bit offset (0F A3/AB/B3/BB) and group 8 (0F BA).
namespace {
template <class T>
void bit_op(Cpu& c, const Insn& i, unsigned kind, uint32_t bitoff, bool from_reg) {
  constexpr unsigned B = kBits<T>;
  T v;
  uint32_t a = 0;
  if (i.mod == 3) {
    bitoff %= B;
    v = c.reg<T>(i.rm);
  } else {
    uint32_t off = c.ea(i);
    if (from_reg) {
      using S = std::make_signed_t<T>;
      int32_t disp = int32_t(S(T(bitoff))) >> (B == 16 ? 4 : 5);
      off = (off + uint32_t(disp) * sizeof(T)) & i.amask;
    }
    bitoff %= B;
    a = kind ? c.lin_w(i.seg, off, sizeof(T)) : c.lin(i.seg, off, sizeof(T));
    v = c.read_lin<T>(a);
  }
  bool bit = (v >> bitoff) & 1;
  c.flush_flags();
  c.flags = (c.flags & ~flag::CF) | (bit ? flag::CF : 0);
  if (kind == 0) return;
  T m = T(T(1) << bitoff);
  T nv = kind == 1 ? T(v | m) : kind == 2 ? T(v & ~m) : T(v ^ m);
  if (i.mod == 3)
    c.set_reg<T>(i.rm, nv);
  else
    c.write_lin<T>(a, nv);
}
}  // namespace

template <class T>
void bt_Ev_Gv(Cpu& c, const Insn& i) {
  unsigned kind = i.op == 0xA3 ? 0 : i.op == 0xAB ? 1 : i.op == 0xB3 ? 2 : 3;
  bit_op<T>(c, i, kind, c.reg<T>(i.reg), true);
}
template <class T>
void grp8(Cpu& c, const Insn& i) {
  if (i.reg < 4) ud();
  bit_op<T>(c, i, i.reg - 4, i.imm & 0xFF, false);
}
template <class T>
void bsf(Cpu& c, const Insn& i) {
  T v = c.get_rm<T>(i);
  c.flush_flags();
  if (v == 0) {
    c.flags |= flag::ZF;
    return;
  }
  c.flags &= ~flag::ZF;
  c.set_reg<T>(i.reg, T(__builtin_ctz(v)));
}
template <class T>
void bsr(Cpu& c, const Insn& i) {
  T v = c.get_rm<T>(i);
  c.flush_flags();
  if (v == 0) {
    c.flags |= flag::ZF;
    return;
  }
  c.flags &= ~flag::ZF;
  c.set_reg<T>(i.reg, T(31 - __builtin_clz(v)));
}
// SHLD (0F A4/A5) and SHRD (0F AC/AD).
template <class T>
void shxd(Cpu& c, const Insn& i) {
  constexpr unsigned B = kBits<T>;
  unsigned n = ((i.op & 1) ? c.reg<uint8_t>(ECX) : i.imm) & 31;
  if (n == 0) return;
  bool left = i.op < 0xA8;
  T src = c.reg<T>(i.reg);
  uint32_t a = 0;
  T v;
  if (i.mod == 3) {
    v = c.reg<T>(i.rm);
  } else {
    a = c.lin_w(i.seg, c.ea(i), sizeof(T));
    v = c.read_lin<T>(a);
  }
  T r;
  bool cf;
  if (left) {
    uint64_t x = (uint64_t{v} << B | src);
    if (B == 16 && n > 16) x = (x << 16) | v;  // the 386 wraps 16-bit counts through the source
    r = T((x << n) >> B);
    cf = (x >> (2 * B - n)) & 1;
  } else {
    uint64_t x = (uint64_t{src} << B | v);
    if (B == 16 && n > 16) x |= uint64_t{v} << 32;
    r = T(x >> n);
    cf = (x >> (n - 1)) & 1;
  }
  bool of = ((r ^ v) >> (B - 1)) & 1;
  if (i.mod == 3)
    c.set_reg<T>(i.rm, r);
  else
    c.write_lin<T>(a, r);
  set_szp<T>(c, r, cf, of);
}

// CMPXCHG (486) and XADD (486): the byte forms are the same code on bytes.
template <class T>
void cmpxchg_Ev(Cpu& c, const Insn& i) {
  uint32_t a = 0;
  T v;
  if (i.mod == 3) {
    v = c.reg<T>(i.rm);
  } else {
    a = c.lin_w(i.seg, c.ea(i), sizeof(T));
    v = c.read_lin<T>(a);
  }
  alu<T>(c, AluOp::Cmp, c.reg<T>(EAX), v);
  T nv = v;
  if (c.zf())
    nv = c.reg<T>(i.reg);
  else
    c.set_reg<T>(EAX, v);
  if (i.mod == 3)
    c.set_reg<T>(i.rm, nv);
  else
    c.write_lin<T>(a, nv);
}
template <class T>
void xadd_Ev(Cpu& c, const Insn& i) {
  T s = c.reg<T>(i.reg);
  if (i.mod == 3) {
    T d = c.reg<T>(i.rm);
    T r = alu<T>(c, AluOp::Add, d, s);
    c.set_reg<T>(i.reg, d);
    c.set_reg<T>(i.rm, r);
    return;
  }
  uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
  T d = c.read_lin<T>(a);
  T r = alu<T>(c, AluOp::Add, d, s);
  c.write_lin<T>(a, r);
  c.set_reg<T>(i.reg, d);
}

// 0F C7 /1: CMPXCHG8B m64. The operand is written in both outcomes (a locked
// read-modify-write), so both of its pages are checked for writing first.
template <class T>
void grp9(Cpu& c, const Insn& i) {
  if (i.reg != 1 || i.mod == 3) ud();
  uint32_t a = c.lin_w(i.seg, c.ea(i), 8);
  if ((a & 0xFFF) > 0xFF8) {
    c.translate(a, true);
    c.translate(a + 7, true);
  }
  uint32_t lo = c.read_lin<uint32_t>(a), hi = c.read_lin<uint32_t>(a + 4);
  c.flush_flags();
  if (lo == c.r[EAX] && hi == c.r[EDX]) {
    c.write_lin<uint32_t>(a, c.r[EBX]);
    c.write_lin<uint32_t>(a + 4, c.r[ECX]);
    c.flags |= flag::ZF;
  } else {
    c.write_lin<uint32_t>(a, lo);
    c.write_lin<uint32_t>(a + 4, hi);
    c.r[EAX] = lo;
    c.r[EDX] = hi;
    c.flags &= ~flag::ZF;
  }
}

template <class T>
void cmpxchg_Eb(Cpu& c, const Insn& i) {
  cmpxchg_Ev<uint8_t>(c, i);
}
template <class T>
void xadd_Eb(Cpu& c, const Insn& i) {
  xadd_Ev<uint8_t>(c, i);
}

PXOS_INSTANTIATE(alu_Eb_Gb)
PXOS_INSTANTIATE(alu_Ev_Gv)
PXOS_INSTANTIATE(alu_Gb_Eb)
PXOS_INSTANTIATE(alu_Gv_Ev)
PXOS_INSTANTIATE(alu_AL_Ib)
PXOS_INSTANTIATE(alu_eAX_Iz)
PXOS_INSTANTIATE(grp1_Eb)
PXOS_INSTANTIATE(grp1_Ev)
PXOS_INSTANTIATE(test_Eb_Gb)
PXOS_INSTANTIATE(test_Ev_Gv)
PXOS_INSTANTIATE(test_AL_Ib)
PXOS_INSTANTIATE(test_eAX_Iz)
PXOS_INSTANTIATE(inc_r)
PXOS_INSTANTIATE(dec_r)
PXOS_INSTANTIATE(grp4)
PXOS_INSTANTIATE(grp3_Eb)
PXOS_INSTANTIATE(grp3_Ev)
PXOS_INSTANTIATE(shift_Eb)
PXOS_INSTANTIATE(shift_Ev)
PXOS_INSTANTIATE(imul_Gv_Ev_I)
PXOS_INSTANTIATE(imul_Gv_Ev)
PXOS_INSTANTIATE(daa)
PXOS_INSTANTIATE(das)
PXOS_INSTANTIATE(aaa)
PXOS_INSTANTIATE(aas)
PXOS_INSTANTIATE(aam)
PXOS_INSTANTIATE(aad)
PXOS_INSTANTIATE(salc)
PXOS_INSTANTIATE(bt_Ev_Gv)
PXOS_INSTANTIATE(grp8)
PXOS_INSTANTIATE(bsf)
PXOS_INSTANTIATE(bsr)
PXOS_INSTANTIATE(shxd)
PXOS_INSTANTIATE(cmpxchg_Eb)
PXOS_INSTANTIATE(cmpxchg_Ev)
PXOS_INSTANTIATE(xadd_Eb)
PXOS_INSTANTIATE(xadd_Ev)
PXOS_INSTANTIATE(grp9)

}  // namespace pxos::soft

// ---- specialisations --------------------------------------------------------------------
// The ALU forms with the operation (and register vs memory operand) fixed at compile
// time: the block builder's specialisation pass (specialize.cpp) swaps these in for the
// generic handlers, which removes a switch from the hottest instructions.
namespace pxos::soft {
namespace {
template <AluOp OP, class T, bool MEM>
void alu_E_G(Cpu& c, const Insn& i) {
  T src = c.reg<T>(i.reg);
  if constexpr (!MEM) {
    T r = alu<T>(c, OP, c.reg<T>(i.rm), src);
    if constexpr (OP != AluOp::Cmp) c.set_reg<T>(i.rm, r);
  } else if constexpr (OP == AluOp::Cmp) {
    alu<T>(c, OP, c.read<T>(i.seg, c.ea(i)), src);
  } else {
    uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
    c.write_lin<T>(a, alu<T>(c, OP, c.read_lin<T>(a), src));
  }
}
template <AluOp OP, class T, bool MEM>
void alu_G_E(Cpu& c, const Insn& i) {
  T src = MEM ? c.read<T>(i.seg, c.ea(i)) : c.reg<T>(i.rm);
  T r = alu<T>(c, OP, c.reg<T>(i.reg), src);
  if constexpr (OP != AluOp::Cmp) c.set_reg<T>(i.reg, r);
}
template <AluOp OP, class T, bool MEM>
void alu_E_I(Cpu& c, const Insn& i) {
  T src = T(i.imm);
  if constexpr (!MEM) {
    T r = alu<T>(c, OP, c.reg<T>(i.rm), src);
    if constexpr (OP != AluOp::Cmp) c.set_reg<T>(i.rm, r);
  } else if constexpr (OP == AluOp::Cmp) {
    alu<T>(c, OP, c.read<T>(i.seg, c.ea(i)), src);
  } else {
    uint32_t a = c.lin_w(i.seg, c.ea(i), sizeof(T));
    c.write_lin<T>(a, alu<T>(c, OP, c.read_lin<T>(a), src));
  }
}

struct HT {
  Handler h;
  Thunk t;
};
#define PXOS_HT(F, O, T, MEM) \
  HT { &F<O, T, MEM>, &thunk<&F<O, T, MEM>> }
#define PXOS_ROW(F, T, MEM)                                                                             \
  std::array<HT, 8> {                                                                                   \
    PXOS_HT(F, AluOp::Add, T, MEM), PXOS_HT(F, AluOp::Or, T, MEM), PXOS_HT(F, AluOp::Adc, T, MEM),      \
        PXOS_HT(F, AluOp::Sbb, T, MEM), PXOS_HT(F, AluOp::And, T, MEM), PXOS_HT(F, AluOp::Sub, T, MEM), \
        PXOS_HT(F, AluOp::Xor, T, MEM), PXOS_HT(F, AluOp::Cmp, T, MEM)                                  \
  }
#define PXOS_FORMS(F)                                                    \
  std::array<std::array<std::array<HT, 8>, 2>, 3> {                      \
    {                                                                    \
      {PXOS_ROW(F, uint8_t, false), PXOS_ROW(F, uint8_t, true)},         \
          {PXOS_ROW(F, uint16_t, false), PXOS_ROW(F, uint16_t, true)}, { \
        PXOS_ROW(F, uint32_t, false), PXOS_ROW(F, uint32_t, true)        \
      }                                                                  \
    }                                                                    \
  }
constexpr auto kEG = PXOS_FORMS(alu_E_G);
constexpr auto kGE = PXOS_FORMS(alu_G_E);
constexpr auto kEI = PXOS_FORMS(alu_E_I);
#undef PXOS_FORMS
#undef PXOS_ROW
#undef PXOS_HT
}  // namespace

void alu_specialized(Operands form, unsigned size, bool mem, AluOp op, Insn& i) {
  unsigned s = size == 1 ? 0 : size == 2 ? 1 : 2, o = unsigned(op);
  const HT& ht = form == Operands::EG ? kEG[s][mem][o] : form == Operands::GE ? kGE[s][mem][o] : kEI[s][mem][o];
  i.fn = ht.h;
  i.th = ht.t;
}

}  // namespace pxos::soft

// The eight classic ALU operations (ADD OR ADC SBB AND SUB XOR CMP), the shifts
// and rotates, with their flags; shared by the ALU handlers (alu.cpp) and the
// specialised thunks (fast.cpp).
#pragma once

#include <type_traits>

#include "engine/soft/cpu.h"
#include "engine/soft/ops.h"

namespace pxos::soft {

template <class T>
constexpr unsigned kBits = sizeof(T) * 8;
template <class T>
constexpr T kSign = T(T(1) << (kBits<T> - 1));

// Returns the result (CMP's is discarded by the caller).
template <class T>
inline T alu(Cpu& c, AluOp op, T a, T b) {
  T r;
  switch (op) {
    case AluOp::Add:
      r = T(a + b);
      c.set_lazy<T>(L_ADD, a, b, r);
      return r;
    case AluOp::Or:
      r = T(a | b);
      c.set_lazy<T>(L_LOGIC, a, b, r);
      return r;
    case AluOp::Adc: {
      T ci = c.cf();
      r = T(a + b + ci);
      c.set_lazy<T>(L_ADD, a, b, r);
      return r;
    }
    case AluOp::Sbb: {
      T bi = c.cf();
      r = T(a - b - bi);
      c.set_lazy<T>(L_SUB, a, b, r);
      return r;
    }
    case AluOp::And:
      r = T(a & b);
      c.set_lazy<T>(L_LOGIC, a, b, r);
      return r;
    case AluOp::Sub:
    case AluOp::Cmp:
      r = T(a - b);
      c.set_lazy<T>(L_SUB, a, b, r);
      return r;
    default:  // Xor
      r = T(a ^ b);
      c.set_lazy<T>(L_LOGIC, a, b, r);
      return r;
  }
}

// Sets SF/ZF/PF from r and CF/OF/AF as given (lazily: L_SZP).
template <class T>
inline void set_szp(Cpu& c, T r, bool cf, bool of, bool af = false) {
  c.lazy.op = L_SZP;
  c.lazy.bits = sizeof(T) * 8;
  c.lazy.res = r;
  c.lazy.src = uint32_t{cf} | uint32_t{af} << 1;
  c.lazy.dst = of;
}
inline void set_cf_of(Cpu& c, bool cf, bool of) {
  c.flush_flags();
  c.flags = (c.flags & ~(flag::CF | flag::OF)) | (cf ? flag::CF : 0) | (of ? flag::OF : 0);
}

// Shifts and rotates (group 2). Returns the result; sets flags.
template <class T>
[[gnu::always_inline]] inline T shift(Cpu& c, ShiftOp op, T v, unsigned count) {
  constexpr unsigned B = kBits<T>;
  count &= 31;
  if (count == 0) return v;
  T r;
  bool cf, of;
  switch (op) {
    case ShiftOp::Rol: {
      unsigned n = count % B;
      r = n ? T((v << n) | (v >> (B - n))) : v;
      cf = r & 1;
      of = ((r >> (B - 1)) & 1) ^ cf;
      set_cf_of(c, cf, of);
      return r;
    }
    case ShiftOp::Ror: {
      unsigned n = count % B;
      r = n ? T((v >> n) | (v << (B - n))) : v;
      cf = (r >> (B - 1)) & 1;
      of = cf ^ ((r >> (B - 2)) & 1);
      set_cf_of(c, cf, of);
      return r;
    }
    case ShiftOp::Rcl: {
      unsigned n = count % (B + 1);
      bool ci = c.cf();
      uint64_t x = (uint64_t{ci} << B) | v;  // B+1 bit value, carry on top
      if (n) x = ((x << n) | (x >> (B + 1 - n))) & ((uint64_t{1} << (B + 1)) - 1);
      r = T(x);
      cf = (x >> B) & 1;
      of = ((r >> (B - 1)) & 1) ^ cf;
      set_cf_of(c, cf, of);
      return r;
    }
    case ShiftOp::Rcr: {
      unsigned n = count % (B + 1);
      bool ci = c.cf();
      uint64_t x = (uint64_t{ci} << B) | v;
      if (n) x = ((x >> n) | (x << (B + 1 - n))) & ((uint64_t{1} << (B + 1)) - 1);
      r = T(x);
      cf = (x >> B) & 1;
      of = ((r >> (B - 1)) ^ (r >> (B - 2))) & 1;
      set_cf_of(c, cf, of);
      return r;
    }
    case ShiftOp::Shl:
    case ShiftOp::Sal: {
      uint64_t x = uint64_t{v} << count;
      r = T(x);
      cf = (x >> B) & 1;
      of = ((r >> (B - 1)) & 1) ^ cf;
      set_szp<T>(c, r, cf, of);
      return r;
    }
    case ShiftOp::Shr: {
      cf = count <= B ? (uint64_t{v} >> (count - 1)) & 1 : 0;
      r = count < B ? T(v >> count) : T(0);
      of = count == 1 ? (v >> (B - 1)) & 1 : false;
      set_szp<T>(c, r, cf, of);
      return r;
    }
    default: {  // Sar
      using S = std::make_signed_t<T>;
      unsigned n = count < B ? count : B - 1;
      int64_t sv = S(v);
      cf = count < B ? (sv >> (count - 1)) & 1 : (sv < 0);
      r = T(sv >> n);
      if (count >= B) r = sv < 0 ? T(~T(0)) : T(0);
      set_szp<T>(c, r, cf, false);
      return r;
    }
  }
}

}  // namespace pxos::soft

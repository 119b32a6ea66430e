// The x87 FPU: the D8-DF escape opcodes and WAIT (9B), as on a Pentium Pro.
//
// The engine keeps the guest's FPU state itself (fpu.h: registers, TOP, tags,
// control and status words, the last instruction and operand pointers) and
// does the stack, tags, condition codes, exception masking, #NM, #MF and the
// FNSTENV/FNSAVE layouts here. The arithmetic itself runs on the host's x87:
// every operation loads the guest's control word (rounding, precision, masks)
// and condition codes into the host FPU, executes the same instruction on the
// same 80-bit operands, and reads back the result and the host's status word
// (exception flags and condition codes). Rounding, precision control,
// denormals, NaN propagation and the transcendental functions are therefore
// those of real hardware, bit for bit (of the host CPU: transcendentals may
// differ in the last bit between CPU vendors). THE SOFTWARE ENGINE'S FPU NEEDS
// AN x86 HOST for this reason (a portable softfloat path is not written);
// elsewhere the build fails here. tests/soft/fpu_test.cpp checks the stack and
// status logic here against the host CPU on random states and operands.
//
// Unmasked exceptions follow the SDM: an unmasked IE, DE or ZE leaves the
// destination and the stack unchanged (compares set no condition codes); an
// unmasked OE or UE stores the result with its exponent wrapped (the host FPU
// does that when the guest's masks are loaded) into a register, and nothing
// into memory; PE always completes. Any unmasked exception sets ES and B and
// is reported at the next waiting FPU instruction or WAIT: #MF (vector 16)
// with CR0.NE = 1, otherwise FERR# (Fpu::ferr, for the monitor's IRQ 13) and
// execution goes on.
//
// A fault on a memory operand (segment limit, page fault) leaves the FPU state
// as it was: every handler reads its operands before it changes anything, and
// FNSTENV/FNSAVE/stores write memory before they change the state.
#include "engine/soft/fpu.h"

#include <cstring>

#include "engine/soft/handlers.h"
#include "engine/soft/thunk.h"

#if !defined(__x86_64__) && !defined(__i386__)
#error "the software engine's x87 runs its arithmetic on the host's x87: an x86 host is needed"
#endif

namespace pxos::soft {

using namespace fpu;

fpu::Tag classify(const F80& v) {
  unsigned exp = v.se & 0x7FFF;
  if (exp == 0x7FFF) return kSpecial;
  if (exp == 0) return v.mant == 0 ? kZero : kSpecial;
  return (v.mant >> 63) ? kValid : kSpecial;  // no integer bit: an unnormal
}

uint16_t Fpu::tag_word() const {
  uint16_t tw = 0;
  for (unsigned n = 0; n < 8; ++n) tw |= uint16_t(((empty >> n) & 1 ? kEmpty : classify(reg[n])) << (2 * n));
  return tw;
}

void Fpu::sync_es() {
  if (sw & ~cw & kExceptions)
    sw |= ES | B;
  else
    sw &= uint16_t(~(ES | B));
}

// The environment layouts of SDM vol. 1 figures 8-9 to 8-12: 14 bytes with a
// 16-bit operand size, 28 with 32; in real and virtual-8086 mode the pointers
// are 20/32-bit linear addresses with the opcode beside the instruction pointer.
unsigned Fpu::store_env(uint8_t* p, bool op32, bool real) const {
  uint32_t w[7];
  uint32_t ip = fip, dp = fdp;
  if (real) {
    ip = uint32_t(fcs) * 16 + fip;
    dp = uint32_t(fds) * 16 + fdp;
  }
  w[0] = cw;
  w[1] = sw;
  w[2] = tag_word();
  if (real) {
    w[3] = ip & 0xFFFF;
    w[4] = ((ip >> 16) << 12) | (fop & 0x7FF);
    w[5] = dp & 0xFFFF;
    w[6] = (dp >> 16) << 12;
  } else {
    w[3] = ip;
    w[4] = fcs | (op32 ? uint32_t(fop & 0x7FF) << 16 : 0);
    w[5] = dp;
    w[6] = fds;
  }
  if (op32) {
    for (unsigned k = 0; k < 7; ++k) {
      uint32_t v = w[k];
      if (k < 3 || (real && (k == 3 || k == 5)) || (!real && k == 6)) v |= 0xFFFF0000u;  // reserved halves
      std::memcpy(p + 4 * k, &v, 4);
    }
    return 28;
  }
  for (unsigned k = 0; k < 7; ++k) {
    uint16_t v = uint16_t(w[k]);
    std::memcpy(p + 2 * k, &v, 2);
  }
  return 14;
}

void Fpu::load_env(const uint8_t* p, bool op32, bool real) {
  uint32_t w[7];
  for (unsigned k = 0; k < 7; ++k) {
    if (op32) {
      std::memcpy(&w[k], p + 4 * k, 4);
    } else {
      uint16_t v;
      std::memcpy(&v, p + 2 * k, 2);
      w[k] = v;
    }
  }
  cw = uint16_t((w[0] & 0x1F3F) | 0x40);
  sw = uint16_t(w[1]);
  empty = 0;
  for (unsigned n = 0; n < 8; ++n)
    if (((w[2] >> (2 * n)) & 3) == kEmpty) empty |= uint8_t(1u << n);
  if (real) {
    fip = (w[3] & 0xFFFF) | ((w[4] >> 12) << 16);
    fop = uint16_t(w[4] & 0x7FF);
    fdp = (w[5] & 0xFFFF) | ((w[6] >> 12) << 16);
    if (!op32) {
      fip &= 0xFFFFF;
      fdp &= 0xFFFFF;
    }
    fcs = fds = 0;
  } else {
    fip = w[3];
    fcs = uint16_t(w[4]);
    if (op32) fop = uint16_t((w[4] >> 16) & 0x7FF);
    fdp = w[5];
    fds = uint16_t(w[6]);
  }
  sync_es();
}

unsigned Fpu::save(uint8_t* p, bool op32, bool real) const {
  unsigned n = store_env(p, op32, real);
  for (unsigned k = 0; k < 8; ++k) {
    const F80& v = st(k);
    std::memcpy(p + n + 10 * k, &v.mant, 8);
    std::memcpy(p + n + 10 * k + 8, &v.se, 2);
  }
  return n + 80;
}

void Fpu::restore(const uint8_t* p, bool op32, bool real) {
  load_env(p, op32, real);
  unsigned n = op32 ? 28 : 14;
  for (unsigned k = 0; k < 8; ++k) {
    F80& v = st(k);
    std::memcpy(&v.mant, p + n + 10 * k, 8);
    std::memcpy(&v.se, p + n + 10 * k + 8, 2);
  }
}

namespace {

constexpr uint32_t kCr0MP = 2, kCr0EM = 4, kCr0TS = 8, kCr0NE = 0x20;
constexpr F80 kIndefinite{0xC000000000000000ull, 0xFFFF};

// A memory operand's bytes (at most 10 are used by the data formats).
struct Buf {
  alignas(16) uint8_t b[16] = {};
};

// ---- the host's x87 ---------------------------------------------------------------------
// Each operation: save the host control word, load the guest's control word and
// condition codes (FLDENV, which also empties the stack), load the operands, run the instruction, read the status word,
// clear the host's exceptions, mask them all, store the results, FNINIT and restore the host control word. The host
// stack is empty before and after, as the ABI wants.
namespace host {

// The host FPU's environment (FLDENV image) for one operation: the guest's
// control word and condition codes, an empty stack. Bits an instruction leaves
// unchanged (or undefined) thus come back as the guest had them.
struct Env {
  uint32_t w[7];
  explicit Env(const Fpu& f, uint16_t extra_masks = 0)
      : w{0xFFFF0000u | f.cw | extra_masks, 0xFFFF0000u | (f.sw & kConditions), 0xFFFFFFFFu, 0, 0, 0, 0xFFFF0000u} {}
};

#define PX_CLOBBER "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"
#define PX_BEGIN "fnstcw %[save]\n\tfldenv %[env]\n\t"
#define PX_END "fnstsw %[sw]\n\tfnclex\n\tfldcw %[mcw]\n\t"
#define PX_FINI "fninit\n\tfldcw %[save]"

// Two register operands: ST(0) = a, ST(1) = b; results ST(0) -> r0, ST(1) -> r1.
using Op2 = uint16_t (*)(const F80& a, const F80& b, F80& r0, F80& r1, const Env& env);
#define PX_OP2(name, insn)                                                                                         \
  uint16_t name(const F80& a, const F80& b, F80& r0, F80& r1, const Env& env) {                                    \
    uint16_t save, sw, mcw = uint16_t(env.w[0] | 0x3F);                                                            \
    asm volatile(PX_BEGIN "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\t" PX_END "fstpt %[r0]\n\tfstpt %[r1]\n\t" PX_FINI \
                 : [r0] "=m"(r0), [r1] "=m"(r1), [sw] "=m"(sw), [save] "=m"(save)                                  \
                 : [a] "m"(a), [b] "m"(b), [env] "m"(env), [mcw] "m"(mcw)                                          \
                 : PX_CLOBBER);                                                                                    \
    return sw;                                                                                                     \
  }
PX_OP2(add, "fadd %%st(1), %%st")
PX_OP2(mul, "fmul %%st(1), %%st")
PX_OP2(sub, "fsub %%st(1), %%st")
PX_OP2(subr, "fsubr %%st(1), %%st")
PX_OP2(div, "fdiv %%st(1), %%st")
PX_OP2(divr, "fdivr %%st(1), %%st")
PX_OP2(com, "fcom %%st(1)")
PX_OP2(ucom, "fucom %%st(1)")
PX_OP2(prem, "fprem")
PX_OP2(prem1, "fprem1")
PX_OP2(scale, "fscale")
PX_OP2(yl2x, "fyl2x")
PX_OP2(yl2xp1, "fyl2xp1")
PX_OP2(patan, "fpatan")
PX_OP2(sqrt, "fsqrt")
PX_OP2(rndint, "frndint")
PX_OP2(f2xm1, "f2xm1")
PX_OP2(sin, "fsin")
PX_OP2(cos, "fcos")
PX_OP2(ptan, "fptan")
PX_OP2(sincos, "fsincos")
PX_OP2(xtract, "fxtract")
PX_OP2(tst, "ftst")
PX_OP2(xam, "fxam")

// ST(0) = a with a memory operand m: result ST(0) -> r0.
using OpM = uint16_t (*)(const F80& a, const Buf& m, F80& r0, const Env& env);
#define PX_OPM(name, insn)                                                                  \
  uint16_t name(const F80& a, const Buf& m, F80& r0, const Env& env) {                      \
    uint16_t save, sw, mcw = uint16_t(env.w[0] | 0x3F);                                     \
    asm volatile(PX_BEGIN "fldt %[a]\n\t" insn " %[m]\n\t" PX_END "fstpt %[r0]\n\t" PX_FINI \
                 : [r0] "=m"(r0), [sw] "=m"(sw), [save] "=m"(save)                          \
                 : [a] "m"(a), [m] "m"(m), [env] "m"(env), [mcw] "m"(mcw)                   \
                 : PX_CLOBBER);                                                             \
    return sw;                                                                              \
  }
// clang-format off
PX_OPM(add_f32, "fadds")   PX_OPM(add_f64, "faddl")   PX_OPM(add_i32, "fiaddl")   PX_OPM(add_i16, "fiadds")
PX_OPM(mul_f32, "fmuls")   PX_OPM(mul_f64, "fmull")   PX_OPM(mul_i32, "fimull")   PX_OPM(mul_i16, "fimuls")
PX_OPM(com_f32, "fcoms")   PX_OPM(com_f64, "fcoml")   PX_OPM(com_i32, "ficoml")   PX_OPM(com_i16, "ficoms")
PX_OPM(sub_f32, "fsubs")   PX_OPM(sub_f64, "fsubl")   PX_OPM(sub_i32, "fisubl")   PX_OPM(sub_i16, "fisubs")
PX_OPM(subr_f32, "fsubrs") PX_OPM(subr_f64, "fsubrl") PX_OPM(subr_i32, "fisubrl") PX_OPM(subr_i16, "fisubrs")
PX_OPM(div_f32, "fdivs")   PX_OPM(div_f64, "fdivl")   PX_OPM(div_i32, "fidivl")   PX_OPM(div_i16, "fidivs")
PX_OPM(divr_f32, "fdivrs") PX_OPM(divr_f64, "fdivrl") PX_OPM(divr_i32, "fidivrl") PX_OPM(divr_i16, "fidivrs")

// A load from memory (or a constant, m unused): result ST(0) -> r0.
using Load = uint16_t (*)(const Buf& m, F80& r0, const Env& env);
// clang-format on
#define PX_LOAD(name, insn)                                            \
  uint16_t name(const Buf& m, F80& r0, const Env& env) {               \
    uint16_t save, sw, mcw = uint16_t(env.w[0] | 0x3F);                \
    asm volatile(PX_BEGIN insn "\n\t" PX_END "fstpt %[r0]\n\t" PX_FINI \
                 : [r0] "=m"(r0), [sw] "=m"(sw), [save] "=m"(save)     \
                 : [m] "m"(m), [env] "m"(env), [mcw] "m"(mcw)          \
                 : PX_CLOBBER);                                        \
    return sw;                                                         \
  }
PX_LOAD(ld_f32, "flds %[m]")
PX_LOAD(ld_f64, "fldl %[m]")
PX_LOAD(ld_i16, "filds %[m]")
PX_LOAD(ld_i32, "fildl %[m]")
PX_LOAD(ld_i64, "fildll %[m]")
PX_LOAD(ld_bcd, "fbld %[m]")
PX_LOAD(ld_1, "fld1")
PX_LOAD(ld_l2t, "fldl2t")
PX_LOAD(ld_l2e, "fldl2e")
PX_LOAD(ld_pi, "fldpi")
PX_LOAD(ld_lg2, "fldlg2")
PX_LOAD(ld_ln2, "fldln2")
PX_LOAD(ld_z, "fldz")

// A store of a to memory m (left as it was when the host reports an unmasked exception).
using Store = uint16_t (*)(const F80& a, Buf& m, const Env& env);
#define PX_STORE(name, insn)                                              \
  uint16_t name(const F80& a, Buf& m, const Env& env) {                   \
    uint16_t save, sw, mcw = uint16_t(env.w[0] | 0x3F);                   \
    asm volatile(PX_BEGIN "fldt %[a]\n\t" insn " %[m]\n\t" PX_END PX_FINI \
                 : [m] "+m"(m), [sw] "=m"(sw), [save] "=m"(save)          \
                 : [a] "m"(a), [env] "m"(env), [mcw] "m"(mcw)             \
                 : PX_CLOBBER);                                           \
    return sw;                                                            \
  }
PX_STORE(st_f32, "fsts")
PX_STORE(st_f64, "fstl")
PX_STORE(st_i16, "fists")
PX_STORE(st_i32, "fistl")
PX_STORE(st_i64, "fistpll")
PX_STORE(st_bcd, "fbstp")

#undef PX_OP2
#undef PX_OPM
#undef PX_LOAD
#undef PX_STORE
#undef PX_CLOBBER
#undef PX_BEGIN
#undef PX_END
#undef PX_FINI
}  // namespace host

// ---- guest memory -------------------------------------------------------------------------
// Checks the whole operand against its segment first, then moves it in
// dword/word/byte pieces through the Cpu's memory path.
void mem_read(Cpu& c, unsigned seg, uint32_t off, uint32_t amask, uint8_t* p, unsigned n) {
  c.lin(seg, off, n);
  unsigned k = 0;
  for (; k + 4 <= n; k += 4) {
    uint32_t v = c.read<uint32_t>(seg, (off + k) & amask);
    std::memcpy(p + k, &v, 4);
  }
  for (; k + 2 <= n; k += 2) {
    uint16_t v = c.read<uint16_t>(seg, (off + k) & amask);
    std::memcpy(p + k, &v, 2);
  }
  if (k < n) p[k] = c.read<uint8_t>(seg, (off + k) & amask);
}

void mem_write(Cpu& c, unsigned seg, uint32_t off, uint32_t amask, const uint8_t* p, unsigned n) {
  uint32_t a = c.lin_w(seg, off, n);
  if ((a ^ (a + n - 1)) & ~0xFFFu) {  // crosses a page: both pages must be writable before anything is written
    c.translate(a, true);
    c.translate(a + n - 1, true);
  }
  unsigned k = 0;
  for (; k + 4 <= n; k += 4) {
    uint32_t v;
    std::memcpy(&v, p + k, 4);
    c.write<uint32_t>(seg, (off + k) & amask, v);
  }
  for (; k + 2 <= n; k += 2) {
    uint16_t v;
    std::memcpy(&v, p + k, 2);
    c.write<uint16_t>(seg, (off + k) & amask, v);
  }
  if (k < n) c.write<uint8_t>(seg, (off + k) & amask, p[k]);
}

// ---- stack, tags, exceptions ---------------------------------------------------------------
void set_st(Fpu& f, unsigned i, const F80& v) {
  f.st(i) = v;
  f.empty &= uint8_t(~(1u << f.phys(i)));
}
void push(Fpu& f, const F80& v) {
  f.set_top(f.top() - 1);
  set_st(f, 0, v);
}
void pop(Fpu& f) {
  f.empty |= uint8_t(1u << f.top());
  f.set_top(f.top() + 1);
}
void set_cc(Fpu& f, uint16_t host_sw, uint16_t mask) { f.sw = uint16_t((f.sw & ~mask) | (host_sw & mask)); }

// ES (and B) follow the unmasked exception flags; FERR# is raised with them when CR0.NE = 0.
void update_es(Cpu& c) {
  c.fpu.sync_es();
  if ((c.fpu.sw & ES) && !(c.cr0 & kCr0NE)) c.fpu.ferr = true;
}

// Merges the exception flags an operation raised. False when one of them is
// unmasked IE, DE or ZE: then the instruction changes nothing else.
bool raise(Cpu& c, uint16_t host_sw) {
  Fpu& f = c.fpu;
  uint16_t ex = host_sw & (kExceptions | SF);
  if (!ex) return true;
  f.sw |= ex;
  update_es(c);
  return !(ex & ~f.cw & (IE | DE | ZE));
}
bool unmasked(const Fpu& f, uint16_t host_sw, uint16_t which) { return host_sw & ~f.cw & which; }

// Stack underflow (an empty source) and overflow (a push onto a full
// register): IE with SF, C1 = 0 / 1. True when IE is masked: the instruction
// then goes on with the QNaN indefinite.
bool underflow(Cpu& c) {
  c.fpu.sw &= uint16_t(~C1);
  return raise(c, IE | SF);
}
bool overflow(Cpu& c) {
  c.fpu.sw |= C1;
  return raise(c, IE | SF);
}
// Reads ST(i) as a source: false (nothing more to do) on an unmasked underflow.
bool source(Cpu& c, unsigned i, F80& v) {
  if (!c.fpu.is_empty(i)) {
    v = c.fpu.st(i);
    return true;
  }
  v = kIndefinite;
  return underflow(c);
}
// Before a push: true when the register below ST(0) is free. Otherwise stack
// overflow, and the caller stops: the masked response pushes the indefinite.
bool room(Cpu& c) {
  Fpu& f = c.fpu;
  if ((f.empty >> ((f.top() - 1) & 7)) & 1) return true;
  if (overflow(c)) push(f, kIndefinite);
  return false;
}

// The pending-exception check of every waiting instruction.
void check_pending(Cpu& c) {
  if ((c.fpu.sw & ES) && (c.cr0 & kCr0NE)) raise_fault(16);
}

// ---- operations on the stack -----------------------------------------------------------------
// dst = a op b on registers; then `pops` pops.
void arith(Cpu& c, host::Op2 op, unsigned dst, unsigned ia, unsigned ib, int pops) {
  Fpu& f = c.fpu;
  F80 a, b, r0, r1;
  if (f.is_empty(ia) || f.is_empty(ib)) {
    if (!underflow(c)) return;
    r0 = kIndefinite;
  } else {
    a = f.st(ia);
    b = f.st(ib);
    uint16_t hs = op(a, b, r0, r1, host::Env(f));
    set_cc(f, hs, kConditions);
    if (!raise(c, hs)) return;
  }
  set_st(f, dst, r0);
  while (pops-- > 0) pop(f);
}

// Sets C3 C2 C0 (or ZF PF CF with eflags) from a comparison's host status word.
void compare_result(Cpu& c, uint16_t cc, bool eflags) {
  Fpu& f = c.fpu;
  f.sw &= uint16_t(~C1);
  if (!eflags) {
    set_cc(f, cc, C0 | C2 | C3);
    return;
  }
  c.flush_flags();
  c.flags &= ~(flag::CF | flag::PF | flag::ZF | flag::OF | flag::SF | flag::AF);
  if (cc & C0) c.flags |= flag::CF;
  if (cc & C2) c.flags |= flag::PF;
  if (cc & C3) c.flags |= flag::ZF;
}
// A compare whose IE (or DE) is unmasked sets no condition codes (SDM; AMD
// CPUs set them to unordered), but FCOMI clears OF SF AF all the same.
void unmasked_compare(Cpu& c, bool eflags) {
  if (!eflags) {
    c.fpu.sw &= uint16_t(~C1);
    return;
  }
  c.flush_flags();
  c.flags &= ~(flag::OF | flag::SF | flag::AF);
}
void compare(Cpu& c, unsigned ia, unsigned ib, bool unordered, bool eflags, int pops) {
  Fpu& f = c.fpu;
  if (f.is_empty(ia) || f.is_empty(ib)) {
    if (!underflow(c)) return unmasked_compare(c, eflags);
    compare_result(c, C0 | C2 | C3, eflags);
  } else {
    F80 r0, r1;
    uint16_t hs = (unordered ? host::ucom : host::com)(f.st(ia), f.st(ib), r0, r1, host::Env(f));
    if (!raise(c, hs)) return unmasked_compare(c, eflags);
    if (eflags)
      compare_result(c, hs, true);
    else
      set_cc(f, hs, kConditions);
  }
  while (pops-- > 0) pop(f);
}

// One-operand functions on ST(0): FSQRT, FRNDINT, F2XM1, FSIN, FCOS (`ranged`:
// C2 set means the operand was out of range and stays).
void unary(Cpu& c, host::Op2 op, bool ranged) {
  Fpu& f = c.fpu;
  F80 a, r0, r1;
  if (f.is_empty(0)) {  // underflow: C2 = 0 as well
    if (ranged) f.sw &= uint16_t(~C2);
    if (underflow(c)) set_st(f, 0, kIndefinite);
    return;
  }
  a = f.st(0);
  uint16_t hs = op(a, a, r0, r1, host::Env(f));
  set_cc(f, hs, kConditions);
  if (!raise(c, hs)) return;
  if (ranged && (hs & C2)) return;  // FSIN/FCOS out of range: the operand stays
  set_st(f, 0, r0);
}

// FPTAN, FSINCOS, FXTRACT: ST(0) = r1, then push r0.
void unary_push(Cpu& c, host::Op2 op, bool ranged) {
  Fpu& f = c.fpu;
  F80 a, r0, r1;
  bool under = f.is_empty(0);
  if (under || !((f.empty >> ((f.top() - 1) & 7)) & 1)) {  // a stack fault: C2 = 0, both results the indefinite
    f.sw &= uint16_t(~C2);
    if (!(under ? underflow(c) : overflow(c))) return;
    set_st(f, 0, kIndefinite);
    push(f, kIndefinite);
    return;
  }
  a = f.st(0);
  uint16_t hs = op(a, a, r0, r1, host::Env(f));
  set_cc(f, hs, kConditions);
  if (!raise(c, hs)) return;
  if (ranged && (hs & C2)) return;  // out of range: nothing pushed
  set_st(f, 0, r1);
  push(f, r0);
}

// ---- the instruction forms ------------------------------------------------------------------
constexpr host::Op2 kArith2[8] = {host::add, host::mul,  host::com, host::com,
                                  host::sub, host::subr, host::div, host::divr};

// D8 / DC / DE with a register operand.
void arith_reg(Cpu& c, const Insn& i) {
  unsigned esc = i.op & 7, r = i.reg, sti = i.rm;
  if (r == 2 || r == 3) {  // FCOM, FCOMP (DC and DE: the undocumented aliases); DE D9: FCOMPP
    if (esc == 6 && r == 3) {
      if (sti != 1) ud();
      compare(c, 0, 1, false, false, 2);
      return;
    }
    compare(c, 0, sti, false, false, (r == 3 || esc == 6) ? 1 : 0);
    return;
  }
  if (esc == 0) {
    arith(c, kArith2[r], 0, 0, sti, 0);
  } else {  // ST(i) = ST(i) op ST(0): the SUB/SUBR and DIV/DIVR encodings are swapped
    arith(c, kArith2[r >= 4 ? r ^ 1 : r], sti, sti, 0, esc == 6 ? 1 : 0);
  }
}

// D8 / DA / DC / DE with a memory operand.
void arith_mem(Cpu& c, const Insn& i) {
  static constexpr host::OpM kOps[4][8] = {
      {host::add_f32, host::mul_f32, host::com_f32, host::com_f32, host::sub_f32, host::subr_f32, host::div_f32,
       host::divr_f32},
      {host::add_i32, host::mul_i32, host::com_i32, host::com_i32, host::sub_i32, host::subr_i32, host::div_i32,
       host::divr_i32},
      {host::add_f64, host::mul_f64, host::com_f64, host::com_f64, host::sub_f64, host::subr_f64, host::div_f64,
       host::divr_f64},
      {host::add_i16, host::mul_i16, host::com_i16, host::com_i16, host::sub_i16, host::subr_i16, host::div_i16,
       host::divr_i16},
  };
  static constexpr uint8_t kSize[4] = {4, 4, 8, 2};
  unsigned kind = (i.op & 7) >> 1;
  Buf m;
  mem_read(c, i.seg, c.ea(i), i.amask, m.b, kSize[kind]);
  Fpu& f = c.fpu;
  bool cmp = i.reg == 2 || i.reg == 3;
  F80 r;
  if (f.is_empty(0)) {
    if (!underflow(c)) return;
    if (cmp)
      compare_result(c, C0 | C2 | C3, false);
    else
      set_st(f, 0, kIndefinite);
  } else {
    uint16_t hs = kOps[kind][i.reg](f.st(0), m, r, host::Env(f));
    if (!cmp) set_cc(f, hs, kConditions);
    if (!raise(c, hs)) return;
    if (cmp)
      set_cc(f, hs, kConditions);
    else
      set_st(f, 0, r);
  }
  if (i.reg == 3) pop(f);
}

// FLD from memory (and FILD, FBLD): the memory is read, then converted, then pushed.
void load_mem(Cpu& c, const Insn& i, host::Load op, unsigned size) {
  Buf m;
  mem_read(c, i.seg, c.ea(i), i.amask, m.b, size);
  Fpu& f = c.fpu;
  F80 r;
  uint16_t hs = op(m, r, host::Env(f));
  if (!room(c)) return;
  set_cc(f, hs, kConditions);
  raise(c, hs);
  // The host's TOP (0 before) tells whether the value was pushed: an unmasked
  // IE (SNaN) stops the load, an unmasked DE (denormal) does not.
  if (((hs >> 11) & 7) == 7) push(f, r);
}

// Stores of ST(0) to memory; pops when `pop_after`.
void store_mem(Cpu& c, const Insn& i, host::Store op, unsigned size, bool pop_after) {
  Fpu& f = c.fpu;
  Buf m;
  uint16_t hs;
  if (f.is_empty(0)) {
    hs = op(kIndefinite, m, host::Env(f, 0x3F)) | IE | SF;
    if (unmasked(f, IE, IE)) {
      underflow(c);
      return;
    }
  } else {
    hs = op(f.st(0), m, host::Env(f));
    if (unmasked(f, hs, IE | DE | ZE | OE | UE)) {  // nothing is stored
      set_cc(f, hs, kConditions);
      raise(c, hs);
      return;
    }
  }
  mem_write(c, i.seg, c.ea(i), i.amask, m.b, size);
  if (f.is_empty(0)) {
    underflow(c);
  } else {
    set_cc(f, hs, kConditions);
    raise(c, hs);
  }
  if (pop_after) pop(f);
}

void load_m80(Cpu& c, const Insn& i) {
  Buf m;
  mem_read(c, i.seg, c.ea(i), i.amask, m.b, 10);
  F80 v;
  std::memcpy(&v.mant, m.b, 8);
  std::memcpy(&v.se, m.b + 8, 2);
  if (!room(c)) return;
  c.fpu.sw &= uint16_t(~C1);
  push(c.fpu, v);
}

void store_m80(Cpu& c, const Insn& i) {
  Fpu& f = c.fpu;
  F80 v = kIndefinite;
  if (!f.is_empty(0))
    v = f.st(0);
  else if (unmasked(f, IE, IE)) {
    underflow(c);
    return;
  }
  Buf m;
  std::memcpy(m.b, &v.mant, 8);
  std::memcpy(m.b + 8, &v.se, 2);
  mem_write(c, i.seg, c.ea(i), i.amask, m.b, 10);
  if (f.is_empty(0))
    underflow(c);
  else
    f.sw &= uint16_t(~C1);
  pop(f);
}

// ---- environment: FNSTENV/FLDENV/FNSAVE/FRSTOR ---------------------------------------------
bool real_layout(const Cpu& c) { return !c.pm() || (c.flags & flag::VM); }

void fnstenv(Cpu& c, const Insn& i, bool op32) {
  uint8_t buf[28];
  unsigned n = c.fpu.store_env(buf, op32, real_layout(c));
  mem_write(c, i.seg, c.ea(i), i.amask, buf, n);
  c.fpu.cw |= kExceptions;  // FNSTENV masks every exception
  update_es(c);
}

void fldenv(Cpu& c, const Insn& i, bool op32) {
  uint8_t buf[28];
  unsigned n = op32 ? 28 : 14;
  mem_read(c, i.seg, c.ea(i), i.amask, buf, n);
  c.fpu.load_env(buf, op32, real_layout(c));
  update_es(c);
}

void fnsave(Cpu& c, const Insn& i, bool op32) {
  uint8_t buf[108];
  unsigned n = c.fpu.save(buf, op32, real_layout(c));
  mem_write(c, i.seg, c.ea(i), i.amask, buf, n);
  c.fpu.init();
  c.fpu.ferr = false;
}

void frstor(Cpu& c, const Insn& i, bool op32) {
  uint8_t buf[108];
  unsigned n = op32 ? 28 : 14;
  mem_read(c, i.seg, c.ea(i), i.amask, buf, n + 80);
  c.fpu.restore(buf, op32, real_layout(c));
  update_es(c);
}

// ---- the opcode map --------------------------------------------------------------------------
// D9 E0-FF: sign, test, constants and the functions.
void d9_misc(Cpu& c, unsigned low) {
  Fpu& f = c.fpu;
  switch (low) {
    case 0x20:    // FCHS
    case 0x21: {  // FABS
      F80 v;
      if (!source(c, 0, v)) return;
      if (!f.is_empty(0)) {
        if (low == 0x20)
          v.se ^= 0x8000;
        else
          v.se &= 0x7FFF;
        f.sw &= uint16_t(~C1);
      }
      set_st(f, 0, v);
      return;
    }
    case 0x24:    // FTST
    case 0x25: {  // FXAM
      if (low == 0x25 && f.is_empty(0)) {
        f.sw = uint16_t((f.sw & ~(C0 | C1 | C2 | C3)) | C3 | C0 | ((f.st(0).se & 0x8000) ? C1 : 0));
        return;
      }
      if (f.is_empty(0)) {
        if (!underflow(c)) return;
        compare_result(c, C0 | C2 | C3, false);
        return;
      }
      F80 r0, r1;
      uint16_t hs = (low == 0x24 ? host::tst : host::xam)(f.st(0), f.st(0), r0, r1, host::Env(f));
      set_cc(f, hs, kConditions);
      if (!raise(c, hs)) return;
      return;
    }
    case 0x28:
    case 0x29:
    case 0x2A:
    case 0x2B:
    case 0x2C:
    case 0x2D:
    case 0x2E: {
      static constexpr host::Load kConst[7] = {host::ld_1,   host::ld_l2t, host::ld_l2e, host::ld_pi,
                                               host::ld_lg2, host::ld_ln2, host::ld_z};
      Buf none;
      F80 r;
      uint16_t hs = kConst[low - 0x28](none, r, host::Env(f));
      if (!room(c)) return;
      set_cc(f, hs, kConditions);
      if (!raise(c, hs)) return;
      push(f, r);
      return;
    }
    case 0x30: unary(c, host::f2xm1, false); return;
    case 0x31: arith(c, host::yl2x, 1, 0, 1, 1); return;
    case 0x32: unary_push(c, host::ptan, true); return;
    case 0x33: arith(c, host::patan, 1, 0, 1, 1); return;
    case 0x34: unary_push(c, host::xtract, false); return;
    case 0x35:
    case 0x38: {  // FPREM1, FPREM: partial remainder, C2 = incomplete, C0 C3 C1 = quotient bits
      if (f.is_empty(0) || f.is_empty(1)) {
        f.sw &= uint16_t(~C2);
        if (underflow(c)) set_st(f, 0, kIndefinite);
        return;
      }
      F80 r0, r1;
      uint16_t hs = (low == 0x35 ? host::prem1 : host::prem)(f.st(0), f.st(1), r0, r1, host::Env(f));
      set_cc(f, hs, kConditions);
      if (!raise(c, hs)) return;
      set_st(f, 0, r0);
      return;
    }
    case 0x36:
      f.set_top(f.top() - 1);
      f.sw &= uint16_t(~C1);
      return;  // FDECSTP
    case 0x37:
      f.set_top(f.top() + 1);
      f.sw &= uint16_t(~C1);
      return;  // FINCSTP
    case 0x39: arith(c, host::yl2xp1, 1, 0, 1, 1); return;
    case 0x3A: unary(c, host::sqrt, false); return;
    case 0x3B: unary_push(c, host::sincos, true); return;
    case 0x3C: unary(c, host::rndint, false); return;
    case 0x3D: arith(c, host::scale, 0, 0, 1, 0); return;
    case 0x3E: unary(c, host::sin, true); return;
    case 0x3F: unary(c, host::cos, true); return;
    default: ud();
  }
}

// FLD ST(i)
void fld_st(Cpu& c, unsigned sti) {
  F80 v;
  bool under = c.fpu.is_empty(sti);
  if (!source(c, sti, v)) return;
  if (!under) {  // an underflow takes precedence over an overflow (as the host CPU does)
    if (!room(c)) return;
    c.fpu.sw &= uint16_t(~C1);
  }
  push(c.fpu, v);
}
// FST / FSTP ST(i)
void fst_st(Cpu& c, unsigned sti, bool pop_after) {
  F80 v;
  if (!source(c, 0, v)) return;
  if (!c.fpu.is_empty(0)) c.fpu.sw &= uint16_t(~C1);
  set_st(c.fpu, sti, v);
  if (pop_after) pop(c.fpu);
}
void fxch(Cpu& c, unsigned sti) {
  Fpu& f = c.fpu;
  F80 a, b;
  bool e = f.is_empty(0) || f.is_empty(sti);
  if (e && !underflow(c)) return;
  a = f.is_empty(0) ? kIndefinite : f.st(0);
  b = f.is_empty(sti) ? kIndefinite : f.st(sti);
  set_st(f, 0, b);
  set_st(f, sti, a);
  if (!e) f.sw &= uint16_t(~C1);
}
void fcmov(Cpu& c, unsigned sti, bool cond) {
  Fpu& f = c.fpu;
  if (f.is_empty(0) || f.is_empty(sti)) {
    if (underflow(c)) set_st(f, 0, kIndefinite);  // whatever the condition (as the host CPU does)
    return;
  }
  if (cond) set_st(f, 0, f.st(sti));  // C1 changes only on a stack underflow
}

void exec_reg(Cpu& c, const Insn& i) {
  Fpu& f = c.fpu;
  unsigned esc = i.op & 7, r = i.reg, sti = i.rm;
  switch (esc) {
    case 0:
    case 4:
    case 6: arith_reg(c, i); return;
    case 1:
      switch (r) {
        case 0: fld_st(c, sti); return;
        case 1: fxch(c, sti); return;
        case 2:
          if (sti != 0) ud();
          return;  // FNOP
        case 3:    // FSTPNCE (undocumented): FSTP without the empty check: an empty ST(0) just pops
          if (f.is_empty(0)) {
            f.sw &= uint16_t(~C1);
            pop(f);
          } else {
            fst_st(c, sti, true);
          }
          return;
        default: d9_misc(c, (r << 3 | sti)); return;
      }
    case 2:
      switch (r) {
        case 0: fcmov(c, sti, c.cf()); return;
        case 1: fcmov(c, sti, c.zf()); return;
        case 2: fcmov(c, sti, c.cf() || c.zf()); return;
        case 3: fcmov(c, sti, c.pf()); return;
        case 5:
          if (sti != 1) ud();
          compare(c, 0, 1, true, false, 2);
          return;  // FUCOMPP
        default: ud();
      }
    case 3:
      switch (r) {
        case 0: fcmov(c, sti, !c.cf()); return;
        case 1: fcmov(c, sti, !c.zf()); return;
        case 2: fcmov(c, sti, !(c.cf() || c.zf())); return;
        case 3: fcmov(c, sti, !c.pf()); return;
        case 5: compare(c, 0, sti, true, true, 0); return;   // FUCOMI
        case 6: compare(c, 0, sti, false, true, 0); return;  // FCOMI
        default: ud();
      }
    case 5:
      switch (r) {
        case 0: f.empty |= uint8_t(1u << f.phys(sti)); return;  // FFREE
        case 1: fxch(c, sti); return;                           // FXCH4 (alias)
        case 2: fst_st(c, sti, false); return;
        case 3: fst_st(c, sti, true); return;
        case 4: compare(c, 0, sti, true, false, 0); return;  // FUCOM
        case 5: compare(c, 0, sti, true, false, 1); return;  // FUCOMP
        default: ud();
      }
    default:  // 7
      switch (r) {
        case 0:
          f.empty |= uint8_t(1u << f.phys(sti));
          pop(f);
          return;                      // FFREEP
        case 1: fxch(c, sti); return;  // FXCH7 (alias)
        case 2:
        case 3: fst_st(c, sti, true); return;                // FSTP8/FSTP9 (aliases)
        case 5: compare(c, 0, sti, true, true, 1); return;   // FUCOMIP
        case 6: compare(c, 0, sti, false, true, 1); return;  // FCOMIP
        default: ud();
      }
  }
}

void exec_mem(Cpu& c, const Insn& i) {
  unsigned esc = i.op & 7, r = i.reg;
  switch (esc) {
    case 0:
    case 2:
    case 4:
    case 6: arith_mem(c, i); return;
    case 1:
      switch (r) {
        case 0: load_mem(c, i, host::ld_f32, 4); return;
        case 2: store_mem(c, i, host::st_f32, 4, false); return;
        case 3: store_mem(c, i, host::st_f32, 4, true); return;
        default: ud();
      }
    case 3:
      switch (r) {
        case 0: load_mem(c, i, host::ld_i32, 4); return;
        case 2: store_mem(c, i, host::st_i32, 4, false); return;
        case 3: store_mem(c, i, host::st_i32, 4, true); return;
        case 5: load_m80(c, i); return;
        case 7: store_m80(c, i); return;
        default: ud();
      }
    case 5:
      switch (r) {
        case 0: load_mem(c, i, host::ld_f64, 8); return;
        case 2: store_mem(c, i, host::st_f64, 8, false); return;
        case 3: store_mem(c, i, host::st_f64, 8, true); return;
        default: ud();
      }
    default:  // 7
      switch (r) {
        case 0: load_mem(c, i, host::ld_i16, 2); return;
        case 2: store_mem(c, i, host::st_i16, 2, false); return;
        case 3: store_mem(c, i, host::st_i16, 2, true); return;
        case 4: load_mem(c, i, host::ld_bcd, 10); return;
        case 5: load_mem(c, i, host::ld_i64, 8); return;
        case 6: store_mem(c, i, host::st_bcd, 10, true); return;
        case 7: store_mem(c, i, host::st_i64, 8, true); return;
        default: ud();
      }
  }
}

}  // namespace

// D8-DF. #NM first (CR0.EM or CR0.TS: lazy FPU switching), then the no-wait
// control instructions (FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE), then
// the pending-exception check (#MF) of every other, waiting, instruction.
template <class T>
void fpu_esc(Cpu& c, const Insn& i) {
  if (c.cr0 & (kCr0EM | kCr0TS)) raise_fault(7);
  Fpu& f = c.fpu;
  unsigned esc = i.op & 7;
  bool op32 = sizeof(T) == 4;
  if (i.mod == 3) {
    if (esc == 3 && i.reg == 4) {
      switch (i.rm) {
        case 0:
        case 1:
        case 4: return;  // FNENI, FNDISI, FNSETPM: nothing on a 387 and later
        case 2:          // FNCLEX
          f.sw &= uint16_t(~(kExceptions | SF | ES | B));
          f.ferr = false;
          return;
        case 3:  // FNINIT
          f.init();
          f.ferr = false;
          return;
        default: ud();
      }
    }
    if (esc == 7 && i.reg == 4) {  // FNSTSW AX
      if (i.rm != 0) ud();
      c.set_reg<uint16_t>(EAX, f.sw);
      return;
    }
  } else if (esc == 1 && i.reg >= 6) {
    if (i.reg == 6) return fnstenv(c, i, op32);
    return c.write<uint16_t>(i.seg, c.ea(i), f.cw);  // FNSTCW
  } else if (esc == 5 && i.reg >= 6) {
    if (i.reg == 6) return fnsave(c, i, op32);
    return c.write<uint16_t>(i.seg, c.ea(i), f.sw);  // FNSTSW m16
  }
  check_pending(c);
  if (i.mod != 3) {  // FLDENV, FLDCW, FRSTOR: control instructions, the pointers stay
    if (esc == 1 && i.reg == 4) return fldenv(c, i, op32);
    if (esc == 1 && i.reg == 5) {
      uint16_t v = c.read<uint16_t>(i.seg, c.ea(i));
      f.cw = uint16_t((v & 0x1F3F) | 0x40);
      update_es(c);
      return;
    }
    if (esc == 5 && i.reg == 4) return frstor(c, i, op32);
  }
  // The last instruction (and operand) pointers, put back if the instruction faults.
  uint16_t fop = f.fop, fcs = f.fcs, fds = f.fds;
  uint32_t fip = f.fip, fdp = f.fdp;
  f.fop = uint16_t((esc << 8) | (i.mod << 6) | (i.reg << 3) | i.rm);
  f.fcs = c.seg[CS].sel;
  f.fip = c.insn_eip;
  if (i.mod != 3) {
    f.fds = c.seg[i.seg].sel;
    f.fdp = c.ea(i);
  }
  try {
    if (i.mod == 3)
      exec_reg(c, i);
    else
      exec_mem(c, i);
  } catch (const Fault&) {
    f.fop = fop;
    f.fcs = fcs;
    f.fip = fip;
    f.fds = fds;
    f.fdp = fdp;
    throw;
  }
}

// WAIT/FWAIT: #NM when CR0.TS and CR0.MP are both set, else the pending-exception check.
template <class T>
void fwait(Cpu& c, const Insn&) {
  if ((c.cr0 & (kCr0MP | kCr0TS)) == (kCr0MP | kCr0TS)) raise_fault(7);
  check_pending(c);
}

PXOS_INSTANTIATE(fpu_esc)
PXOS_INSTANTIATE(fwait)

}  // namespace pxos::soft

// The x87 FPU of the software engine (a Pentium Pro's: 387 instruction set plus
// FCOMI/FUCOMI and FCMOVcc). The state is a plain struct inside soft::Cpu; the
// instructions live in fpu.cpp (the D8-DF `fpu_esc` and 9B `fwait` handlers).
//
// The arithmetic runs on the host's own x87 (x86 hosts only, see fpu.cpp), so
// rounding, precision control and the transcendental functions are bit-exact.
#pragma once

#include <cstdint>

namespace pxos::soft {

// An 80-bit extended real as the guest stores it: 64-bit significand (explicit
// integer bit) and 16-bit sign + exponent. Layout-compatible with the host's
// `long double` in its first 10 bytes.
struct F80 {
  uint64_t mant = 0;
  uint16_t se = 0;
  bool operator==(const F80&) const = default;
};

namespace fpu {
// Status word.
inline constexpr uint16_t IE = 1u << 0, DE = 1u << 1, ZE = 1u << 2, OE = 1u << 3, UE = 1u << 4, PE = 1u << 5;
inline constexpr uint16_t SF = 1u << 6, ES = 1u << 7, C0 = 1u << 8, C1 = 1u << 9, C2 = 1u << 10, C3 = 1u << 14;
inline constexpr uint16_t B = 1u << 15;
inline constexpr uint16_t kExceptions = 0x3F;
inline constexpr uint16_t kConditions = C0 | C1 | C2 | C3;
// Tags (two bits per physical register in the tag word).
enum Tag : uint8_t { kValid = 0, kZero = 1, kSpecial = 2, kEmpty = 3 };
}  // namespace fpu

struct Fpu {
  // The power-up state (SDM vol. 3 table 9-1, P6 family): CW 0040h (every
  // exception unmasked, 24-bit precision), SW 0, every register +0.0 tagged
  // zero (tag word 5555h). FNINIT then sets CW 037Fh and empties the stack.
  F80 reg[8] = {};       // physical registers R0-R7 (ST(i) is reg[(top + i) & 7])
  uint16_t cw = 0x0040;  // control word
  uint16_t sw = 0;       // status word, TOP in bits 11-13
  uint8_t empty = 0;     // bit n: R<n> is empty (the other tags are computed from the value)
  uint16_t fop = 0;      // last non-control instruction: opcode (11 bits)
  uint16_t fcs = 0;      //   its CS selector
  uint32_t fip = 0;      //   its offset
  uint16_t fds = 0;      //   its memory operand's segment selector
  uint32_t fdp = 0;      //   and offset
  // FERR# (CR0.NE = 0): set when an unmasked exception becomes pending, for a
  // monitor that routes it to IRQ 13 through the PIC; the monitor clears it.
  bool ferr = false;

  unsigned top() const { return (sw >> 11) & 7; }
  void set_top(unsigned t) { sw = uint16_t((sw & ~0x3800u) | ((t & 7) << 11)); }
  unsigned phys(unsigned i) const { return (top() + i) & 7; }
  bool is_empty(unsigned i) const { return (empty >> phys(i)) & 1; }
  F80& st(unsigned i) { return reg[phys(i)]; }
  const F80& st(unsigned i) const { return reg[phys(i)]; }
  // The full tag word (FNSTENV/FNSAVE).
  uint16_t tag_word() const;
  // ES and B from the exception flags and masks.
  void sync_es();
  // The FNSTENV / FLDENV image (14 or 28 bytes; `real`: the real/virtual-8086
  // mode layout) and the FNSAVE / FRSTOR image (the environment, then ST(0)..ST(7):
  // 94 or 108 bytes). store_env and save return the size.
  unsigned store_env(uint8_t* p, bool op32, bool real) const;
  void load_env(const uint8_t* p, bool op32, bool real);
  unsigned save(uint8_t* p, bool op32, bool real) const;
  void restore(const uint8_t* p, bool op32, bool real);
  // FNINIT.
  void init() {
    cw = 0x037F;
    sw = 0;
    empty = 0xFF;
    fop = fcs = fds = 0;
    fip = fdp = 0;
  }
};

// The tag a value gets (zero, special or valid).
fpu::Tag classify(const F80& v);

}  // namespace pxos::soft

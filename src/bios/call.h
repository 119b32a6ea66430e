// One BIOS call: the caller's registers and its FLAGS image (the word INT
// pushed), as every service takes them. Services read and write registers
// only through these accessors, return success or an error code through
// success() and fail(), and never touch FLAGS bits by hand (SeaBIOS's
// struct bregs and its set_code_* helpers are the model).
#pragma once

#include <cstdint>

#include "engine/engine.h"

namespace pxos {

class BiosCall {
 public:
  // `flags` is the caller's FLAGS, written back to its stack on return.
  BiosCall(CpuState& cpu, uint16_t flags, uint8_t vector) : cpu_(cpu), flags_(flags), vector_(vector) {}

  uint8_t vector() const { return vector_; }

  // 8-bit registers.
  uint8_t ah() const { return cpu_.r8hi(EAX); }
  uint8_t al() const { return cpu_.r8lo(EAX); }
  uint8_t bh() const { return cpu_.r8hi(EBX); }
  uint8_t bl() const { return cpu_.r8lo(EBX); }
  uint8_t ch() const { return cpu_.r8hi(ECX); }
  uint8_t cl() const { return cpu_.r8lo(ECX); }
  uint8_t dh() const { return cpu_.r8hi(EDX); }
  uint8_t dl() const { return cpu_.r8lo(EDX); }
  void set_ah(uint8_t v) { cpu_.set_r8hi(EAX, v); }
  void set_al(uint8_t v) { cpu_.set_r8lo(EAX, v); }
  void set_bh(uint8_t v) { cpu_.set_r8hi(EBX, v); }
  void set_bl(uint8_t v) { cpu_.set_r8lo(EBX, v); }
  void set_ch(uint8_t v) { cpu_.set_r8hi(ECX, v); }
  void set_cl(uint8_t v) { cpu_.set_r8lo(ECX, v); }
  void set_dh(uint8_t v) { cpu_.set_r8hi(EDX, v); }
  void set_dl(uint8_t v) { cpu_.set_r8lo(EDX, v); }

  // 16-bit registers.
  uint16_t ax() const { return cpu_.r16(EAX); }
  uint16_t bx() const { return cpu_.r16(EBX); }
  uint16_t cx() const { return cpu_.r16(ECX); }
  uint16_t dx() const { return cpu_.r16(EDX); }
  uint16_t si() const { return cpu_.r16(ESI); }
  uint16_t di() const { return cpu_.r16(EDI); }
  uint16_t bp() const { return cpu_.r16(EBP); }
  uint16_t sp() const { return cpu_.r16(ESP); }
  void set_ax(uint16_t v) { cpu_.set_r16(EAX, v); }
  void set_bx(uint16_t v) { cpu_.set_r16(EBX, v); }
  void set_cx(uint16_t v) { cpu_.set_r16(ECX, v); }
  void set_dx(uint16_t v) { cpu_.set_r16(EDX, v); }
  void set_si(uint16_t v) { cpu_.set_r16(ESI, v); }
  void set_di(uint16_t v) { cpu_.set_r16(EDI, v); }
  void set_bp(uint16_t v) { cpu_.set_r16(EBP, v); }

  // 32-bit registers (INT 15h E820h, INT 1Ah B1xxh).
  uint32_t eax() const { return cpu_.gpr[EAX]; }
  uint32_t ebx() const { return cpu_.gpr[EBX]; }
  uint32_t ecx() const { return cpu_.gpr[ECX]; }
  uint32_t edx() const { return cpu_.gpr[EDX]; }
  void set_eax(uint32_t v) { cpu_.gpr[EAX] = v; }
  void set_ebx(uint32_t v) { cpu_.gpr[EBX] = v; }
  void set_ecx(uint32_t v) { cpu_.gpr[ECX] = v; }
  void set_edx(uint32_t v) { cpu_.gpr[EDX] = v; }
  uint32_t edi() const { return cpu_.gpr[EDI]; }
  void set_edi(uint32_t v) { cpu_.gpr[EDI] = v; }

  // Segment registers, loaded as real mode does.
  uint16_t es() const { return cpu_.seg[ES].selector; }
  uint16_t ds() const { return cpu_.seg[DS].selector; }
  uint16_t ss() const { return cpu_.seg[SS].selector; }
  void set_es(uint16_t v) { cpu_.load_real_segment(ES, v); }
  void set_ds(uint16_t v) { cpu_.load_real_segment(DS, v); }

  // The linear address of the caller's stack at SP + k: INT pushed IP at
  // k = 0, CS at 2 and FLAGS at 4 (the offset wraps in the 64 KiB segment).
  uint32_t stack(uint16_t k) const { return cpu_.seg[SS].base + uint16_t(sp() + k); }

  // The caller's whole state (its mode and paging, for buffers: guest_buffer.h).
  const CpuState& cpu() const { return cpu_; }

  // FLAGS.
  uint16_t flags() const { return flags_; }
  void set_flags(uint16_t f) { flags_ = f; }
  bool cf() const { return flags_ & flag::CF; }
  bool zf() const { return flags_ & flag::ZF; }
  void set_cf(bool on) { flags_ = on ? (flags_ | flag::CF) : (flags_ & ~flag::CF); }
  void set_zf(bool on) { flags_ = on ? (flags_ | flag::ZF) : (flags_ & ~flag::ZF); }

  // The two ways a call ends: AH = 0 with CF clear, or AH = code with CF set.
  void success() {
    set_ah(0);
    set_cf(false);
  }
  void fail(uint8_t code) {
    set_ah(code);
    set_cf(true);
  }

  // No result yet: the caller halts until an event, then makes the same
  // call again (rom.h: the stub's wait loop).
  void wait() { waiting_ = true; }
  bool waiting() const { return waiting_; }

 private:
  CpuState& cpu_;
  uint16_t flags_;
  uint8_t vector_;
  bool waiting_ = false;
};

}  // namespace pxos

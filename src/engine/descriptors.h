// x86 protected-mode descriptors as the CPU reads them from the GDT and the
// IDT (Intel SDM vol. 3: 3.4.5 segment descriptors, 6.11 gates, 7.2 the TSS),
// and the segment-register caches that loading them leaves: for the code that
// sets up protected mode by hand (the soft engine's test rigs, the fuzzer, the
// differential tester). Values only: each caller stores them in its own memory.
#pragma once

#include <cstdint>

#include "engine/engine.h"

namespace pxos::x86 {

// Access bytes (descriptor byte 5: P, DPL, S, type).
inline constexpr uint8_t kCode0 = 0x9A;    // ring-0 code, execute/read
inline constexpr uint8_t kData0 = 0x92;    // ring-0 data, read/write
inline constexpr uint8_t kCode3 = 0xFA;    // ring-3 code, execute/read
inline constexpr uint8_t kData3 = 0xF2;    // ring-3 data, read/write
inline constexpr uint8_t kTssBusy = 0x8B;  // busy 32-bit TSS
inline constexpr uint8_t kIntGate = 0x8E;  // 32-bit interrupt gate, DPL 0
inline constexpr uint8_t kFlat32 = 0xC;    // flags nibble: G (limit in 4 KiB units), D/B (32-bit)

// A segment descriptor: base, limit (20 bits), access byte, flags nibble (G, D/B, L, AVL).
constexpr uint64_t segment_descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  return (limit & 0xFFFFull) | uint64_t(base & 0xFFFFFF) << 16 | uint64_t(access) << 40 |
         uint64_t((limit >> 16) & 0xF) << 48 | uint64_t(flags & 0xF) << 52 | uint64_t(base >> 24) << 56;
}

// A flat segment: base 0, limit 4 GiB, 32-bit, with access byte kCode0, kData0, kCode3 or kData3.
constexpr uint64_t flat_descriptor(uint8_t access) { return segment_descriptor(0, 0xFFFFF, access, kFlat32); }

// The null descriptor, then the four flat segments, in the order most fixtures use:
// 08h ring-0 code, 10h ring-0 data, 18h ring-3 code, 20h ring-3 data.
inline constexpr uint64_t kFlatGdt[] = {0, flat_descriptor(kCode0), flat_descriptor(kData0), flat_descriptor(kCode3),
                                        flat_descriptor(kData3)};

// A gate (interrupt, trap or call gate): the target selector:offset, the access byte,
// the parameter count (call gates).
constexpr uint64_t gate_descriptor(uint16_t selector, uint32_t offset, uint8_t access, uint8_t params = 0) {
  return (offset & 0xFFFFull) | uint64_t(selector) << 16 | uint64_t(params & 0x1F) << 32 | uint64_t(access) << 40 |
         uint64_t(offset >> 16) << 48;
}

// The 32-bit TSS: its size without an I/O bitmap, and the offsets of the fields a
// fixture sets (the ring-0 stack, the I/O map base).
inline constexpr uint32_t kTssSize = 0x68;
inline constexpr uint32_t kTssEsp0 = 0x04, kTssSs0 = 0x08, kTssIoMapBase = 0x66;

// A 32-bit TSS of kTssSize bytes at `base`, marked busy (as LTR leaves it).
constexpr uint64_t busy_tss_descriptor(uint32_t base) { return segment_descriptor(base, kTssSize - 1, kTssBusy, 0); }

// The caches that loading a flat_descriptor leaves (accessed bit set). The DPL is
// the selector's RPL: flat_code(0x1B) is ring-3 code.
constexpr Segment flat_code(uint16_t selector) {
  return Segment{selector, 0, 0xFFFFFFFF, uint16_t(0xC09B | (selector & 3) << 5)};
}
constexpr Segment flat_data(uint16_t selector) {
  return Segment{selector, 0, 0xFFFFFFFF, uint16_t(0xC093 | (selector & 3) << 5)};
}
// TR after LTR of a busy_tss_descriptor.
constexpr Segment tss_segment(uint16_t selector, uint32_t base) {
  return Segment{selector, base, kTssSize - 1, kTssBusy};
}

// CS = flat_code(code), SS DS ES FS GS = flat_data(data).
inline void load_flat_segments(CpuState& s, uint16_t code, uint16_t data) {
  for (Segment& r : s.seg) r = flat_data(data);
  s.seg[CS] = flat_code(code);
}

}  // namespace pxos::x86

// Random ring-3 instruction sequences for the differential tester
// (pxos-difftest): what a generated program is, and the generator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pxos::difftest {

// Where the test program lives in guest memory (no paging: linear = physical).
inline constexpr uint32_t kCodeBase = 0x10000;     // ring-3 code
inline constexpr uint32_t kCodeLimit = 0x1F000;    // the code must end below
inline constexpr uint32_t kDataBase = 0x20000;     // the data page, EBP points here
inline constexpr uint32_t kStackTop = 0x21800;     // ring-3 ESP at the start
inline constexpr uint32_t kCheckedBase = 0x20000;  // [kCheckedBase, kCheckedEnd) is compared
inline constexpr uint32_t kCheckedEnd = 0x22000;

// The ring-3 selectors, the same as the compatibility-mode ones of a 64-bit
// Linux host (so that the native runner and the engines agree on MOV r, Sreg).
inline constexpr uint16_t kUserCode = 0x23;
inline constexpr uint16_t kUserData = 0x2B;

// The six status flags: CF PF AF ZF SF OF.
inline constexpr uint32_t kStatusFlags = 0x8D5;

// One generated instruction (or a short group: a Jcc and the instruction it
// may skip, a setup move and the instruction that needs it).
struct Chunk {
  std::vector<uint8_t> bytes;
  std::string text;  // e.g. "shl r/m16, 3" (what was generated, for reports)
};

struct Program {
  std::vector<Chunk> chunks;
  // After chunk k: the status flags that some instruction left undefined
  // (per the SDM) and no later one defined again, not compared at the end.
  std::vector<uint32_t> undefined_after;
  uint32_t undefined_flags(size_t n) const { return n ? undefined_after[n - 1] : 0; }
  // The code bytes of the first n chunks followed by the terminator (HLT at
  // CPL 3, whose #GP ends the run).
  std::vector<uint8_t> code(size_t n) const;
};

// The state a program starts from, derived from a seed: the registers (ESP =
// kStackTop, EBP = kDataBase), EFLAGS (random status flags and DF) and the
// contents of [kCheckedBase, kCheckedEnd).
struct Start {
  uint32_t gpr[8];
  uint32_t eflags;
  std::vector<uint8_t> data;
};
Start make_start(uint64_t seed);

// How a program ended, as ring 3 saw it: the exception that stopped it (the
// HLT at its end raises #GP(0)), where, and the registers, flags and data.
struct View {
  bool ok = false;
  std::string problem;  // when not ok: shutdown, engine error, timeout...
  int vector = -1;
  uint32_t error = 0;  // the error code (0 for vectors without one)
  uint32_t eip = 0, eflags = 0;
  uint32_t gpr[8] = {};       // ESP as it was at ring 3
  std::vector<uint8_t> data;  // [kCheckedBase, kCheckedEnd)
};

// The differences between two views, one line each ("" when they agree);
// the EFLAGS bits in `ignored` are left out.
std::string compare(const View& a, const View& b, const std::string& na, const std::string& nb, uint32_t ignored);

// Generates `length` chunks from `seed` (the same seed gives the same
// program). Every chunk is valid ring-3 code that touches memory only in
// [kCheckedBase, kCheckedEnd); DIV/IDIV/AAM get operands that cannot raise
// #DE, BSF/BSR a nonzero source.
// `excluded` (from class_mask) leaves instruction classes out.
Program generate(uint64_t seed, int length, uint64_t excluded = 0);

// The mask of a comma-separated list of class names ("cmov,bcd"); throws
// std::invalid_argument for an unknown name. class_names() lists them all.
uint64_t class_mask(const std::string& names);
std::string class_names();

}  // namespace pxos::difftest

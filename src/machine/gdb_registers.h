// The i386 register file as GDB's remote protocol sees it: the target
// description (qXfer:features:read:target.xml) and the `g`/`p` byte layout,
// to and from the engine's CpuState and x87 image.
//
// Registers, in GDB's numbering: 0-7 EAX ECX EDX EBX ESP EBP ESI EDI, 8 EIP,
// 9 EFLAGS, 10-15 CS SS DS ES FS GS (32 bits each), 16-23 ST0-ST7 (80 bits
// each), 24-31 FCTRL FSTAT FTAG FISEG FIOFF FOSEG FOOFF FOP (32 bits each).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace pxos::gdb {

inline constexpr int kRegisterCount = 32;

// The target description GDB reads: the i386 core feature, with the
// architecture i8086 (GDB disassembles 16-bit code) or i386. GDB reads it once,
// when it connects, and a `set architecture` does not override it.
std::string target_xml(bool sixteen_bit);

// The register's size in bytes (0 for a number out of range).
unsigned register_size(int reg);

// Where a segment register's new selector comes from (CpuState::seg's index for GDB's 10-15).
Sreg segment_of(int reg);

// All registers, GDB's order, little-endian (the `g` reply's bytes).
std::vector<uint8_t> read_registers(const CpuState& s, const FpuImage* fpu);
// One register's bytes (the `p` reply's); empty for a number out of range.
std::vector<uint8_t> read_register(const CpuState& s, const FpuImage* fpu, int reg);

// Writes one register from its bytes (`P`). Segment selectors are stored in
// the selector only: the caller reloads the segment's cache (load_segment).
// False for a number out of range or the wrong size.
bool write_register(CpuState& s, FpuImage* fpu, int reg, std::span<const uint8_t> bytes);
// All of them (`G`): false when `bytes` is shorter than the general registers.
// Registers the bytes do not reach keep their values.
bool write_registers(CpuState& s, FpuImage* fpu, std::span<const uint8_t> bytes);

// A segment register's hidden part after its selector changed: base = selector
// * 16 in real and virtual-8086 mode; in protected mode from the descriptor,
// read through `read_linear` (8 bytes at a linear address). False when the
// descriptor cannot be read or is not present (the state is then unchanged).
using LinearReader = bool (*)(void* ctx, uint32_t linear, std::span<uint8_t> out);
bool load_segment(CpuState& s, Sreg seg, uint16_t selector, LinearReader read, void* ctx);

}  // namespace pxos::gdb

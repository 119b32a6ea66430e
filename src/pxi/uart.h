// The 16550 UART device class: op decoding and validation, written once for the
// host and CUDA (the GLSL kernel in shaders/uart.comp mirrors it; docs/PXI.md
// is the specification all three follow).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define PXI_HD __host__ __device__ __forceinline__
#else
#define PXI_HD inline
#endif

namespace pxi::uart {

// Op types (the A channel).
inline constexpr std::uint32_t kOpNop = 0x00;
inline constexpr std::uint32_t kOpWrite = 0x01;
inline constexpr std::uint32_t kOpSetLine = 0x02;

// Error codes, equal to pxi::Errc's op errors.
inline constexpr std::uint32_t kErrNone = 0;
inline constexpr std::uint32_t kErrUnknownOp = 1;
inline constexpr std::uint32_t kErrDivisorZero = 2;
inline constexpr std::uint32_t kErrLcrReserved = 3;
inline constexpr std::uint32_t kErrReservedNonZero = 4;

inline constexpr std::uint32_t kLcrReservedMask = 0xC0;  // break control, DLAB: never set by a PXI op

// The error of one op pixel (R bits 0..7, G 8..15, B 16..23, A 24..31), 0 when valid.
// Checked in this order: op type, divisor, line control, unused fields.
PXI_HD std::uint32_t op_error(std::uint32_t p) {
  const std::uint32_t a = p >> 24, r = p & 0xFF, g = (p >> 8) & 0xFF, b = (p >> 16) & 0xFF;
  if (a == kOpNop) return (p & 0xFFFFFF) ? kErrReservedNonZero : kErrNone;
  if (a != kOpWrite && a != kOpSetLine) return kErrUnknownOp;
  if (g == 0) return kErrDivisorZero;
  if (b & kLcrReservedMask) return kErrLcrReserved;
  if (a == kOpSetLine && r != 0) return kErrReservedNonZero;
  return kErrNone;
}
PXI_HD std::uint32_t op_type(std::uint32_t p) { return p >> 24; }
PXI_HD bool is_write(std::uint32_t p) { return (p >> 24) == kOpWrite; }
PXI_HD bool is_line_op(std::uint32_t p) { return (p >> 24) == kOpWrite || (p >> 24) == kOpSetLine; }
// The line settings an op asks for: divisor | lcr << 8.
PXI_HD std::uint32_t line_of(std::uint32_t p) { return (p >> 8) & 0xFFFF; }

}  // namespace pxi::uart

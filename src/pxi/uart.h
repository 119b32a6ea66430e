// The 16550 UART device class: op decoding and validation, written once for the
// host and CUDA (the GLSL kernel in shaders/uart.comp mirrors it; docs/PXI.md
// is the specification all three follow).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define PXOS_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define PXOS_HOST_DEVICE inline
#endif

namespace pxos::pxi::uart {

// Op types (the A channel).
inline constexpr uint32_t kOpNop = 0x00;
inline constexpr uint32_t kOpWrite = 0x01;
inline constexpr uint32_t kOpSetLine = 0x02;

// Error codes, equal to pxi::Errc's op errors.
inline constexpr uint32_t kErrNone = 0;
inline constexpr uint32_t kErrUnknownOp = 1;
inline constexpr uint32_t kErrDivisorZero = 2;
inline constexpr uint32_t kErrLcrReserved = 3;
inline constexpr uint32_t kErrReservedNonZero = 4;

inline constexpr uint32_t kLcrReservedMask = 0xC0;  // break control, DLAB: never set by a PXI op

// The error of one op pixel (R bits 0..7, G 8..15, B 16..23, A 24..31), 0 when valid.
// Checked in this order: op type, divisor, line control, unused fields.
PXOS_HOST_DEVICE uint32_t op_error(uint32_t p) {
  const uint32_t a = p >> 24, r = p & 0xFF, g = (p >> 8) & 0xFF, b = (p >> 16) & 0xFF;
  if (a == kOpNop) return (p & 0xFFFFFF) ? kErrReservedNonZero : kErrNone;
  if (a != kOpWrite && a != kOpSetLine) return kErrUnknownOp;
  if (g == 0) return kErrDivisorZero;
  if (b & kLcrReservedMask) return kErrLcrReserved;
  if (a == kOpSetLine && r != 0) return kErrReservedNonZero;
  return kErrNone;
}
PXOS_HOST_DEVICE uint32_t op_type(uint32_t p) { return p >> 24; }
PXOS_HOST_DEVICE bool is_write(uint32_t p) { return (p >> 24) == kOpWrite; }
PXOS_HOST_DEVICE bool is_line_op(uint32_t p) { return (p >> 24) == kOpWrite || (p >> 24) == kOpSetLine; }
// The line settings an op asks for: divisor | lcr << 8.
PXOS_HOST_DEVICE uint32_t line_of(uint32_t p) { return (p >> 8) & 0xFFFF; }

}  // namespace pxos::pxi::uart

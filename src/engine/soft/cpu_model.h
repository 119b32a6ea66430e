// The CPU this engine presents: what CPUID reports, the CR4 bits it accepts.
// One place, so what the guest is told matches what is implemented.
#pragma once

#include <cstdint>

namespace pxos::soft {

// The x87 (fpu.cpp): CPUID.1:EDX.FPU.
inline constexpr bool kHasFpu = true;

// GenuineIntel family 6, model 1, stepping 9: a Pentium Pro (i686 without MMX).
inline constexpr uint32_t kCpuSignature = 0x0619;

namespace cpuid1 {
inline constexpr uint32_t FPU = 1u << 0, PSE = 1u << 3, TSC = 1u << 4, MSR = 1u << 5, CX8 = 1u << 8, PGE = 1u << 13,
                          CMOV = 1u << 15;
}
inline constexpr uint32_t kCpuidFeatures =
    (kHasFpu ? cpuid1::FPU : 0) | cpuid1::PSE | cpuid1::TSC | cpuid1::MSR | cpuid1::CX8 | cpuid1::PGE | cpuid1::CMOV;

inline constexpr uint32_t kCr4Tsd = 1u << 2, kCr4Pse = 1u << 4, kCr4Pge = 1u << 7;
inline constexpr uint32_t kCr4Supported = kCr4Tsd | kCr4Pse | kCr4Pge;  // others: #GP(0)

// CPUID's highest basic leaf: 16h, for the TSC frequency (15h and 16h), so that a
// guest reads it instead of calibrating against the PIT (which fails when the host
// stalls the guest for a moment).
inline constexpr uint32_t kCpuidMaxLeaf = 0x16;

// The time-stamp counter runs at 1 GHz of guest time: one tick per nanosecond.
inline constexpr uint64_t kTscHz = 1'000'000'000;
inline constexpr uint64_t kNsPerInstructionNoClock = 10;  // without a clock (unit tests, bench)

}  // namespace pxos::soft

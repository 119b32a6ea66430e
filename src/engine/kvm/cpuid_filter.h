// The CPUID that the KVM engine shows its guest: the host KVM's supported
// CPUID cut down to an i686 without MMX/SSE, the same features the software
// engine aims at (fpu pse tsc msr cx8 pge cmov), so that a guest sees one
// CPU on both engines. Features the host's KVM cannot emulate on our
// machines (RDRAND, CMPXCHG16B, XSAVE/OSXSAVE/AVX each stopped a QEMU+KVM
// boot there) are hidden with everything else; there is no local APIC
// (the engine has no in-kernel irqchip) and no hypervisor leaves.
#pragma once

#include <cstdint>
#include <vector>

namespace pxos {

struct CpuidEntry {
  uint32_t function = 0, index = 0, flags = 0;
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

namespace cpuid_bits {
inline constexpr uint32_t kFpu = 1u << 0, kPse = 1u << 3, kTsc = 1u << 4, kMsr = 1u << 5, kCx8 = 1u << 8;
inline constexpr uint32_t kApic = 1u << 9, kPge = 1u << 13, kCmov = 1u << 15;
inline constexpr uint32_t kLeaf1Edx = kFpu | kPse | kTsc | kMsr | kCx8 | kPge | kCmov;
inline constexpr uint32_t kSignature = 0x00000619;  // family 6 model 1 stepping 9: a Pentium Pro, as soft reports
}  // namespace cpuid_bits

// Keeps leaves 0 and 1 (max basic leaf 1, the host's vendor); drops the
// rest, extended leaves included, as the software engine has none.
std::vector<CpuidEntry> filter_cpuid(const std::vector<CpuidEntry>& host);

}  // namespace pxos

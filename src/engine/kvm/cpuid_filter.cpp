#include "engine/kvm/cpuid_filter.h"

#include <algorithm>

namespace pxos {

std::vector<CpuidEntry> filter_cpuid(const std::vector<CpuidEntry>& host) {
  std::vector<CpuidEntry> out;
  for (CpuidEntry e : host) {
    switch (e.function) {
      case 0: e.eax = std::min<uint32_t>(e.eax, 1); break;
      case 1:
        e.eax = cpuid_bits::kSignature;
        e.ebx = 0;  // no brand index, CLFLUSH size, logical CPU count or APIC ID
        e.ecx = 0;  // no SSE3..AVX, CMPXCHG16B, XSAVE, RDRAND, hypervisor
        e.edx &= cpuid_bits::kLeaf1Edx;
        break;
      default: continue;
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace pxos

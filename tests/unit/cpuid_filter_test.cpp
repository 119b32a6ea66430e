// The KVM engine's CPUID filter: an i686 without the features that stopped
// boots on nested KVM, whatever the host offers.
#include "engine/kvm/cpuid_filter.h"

#include <gtest/gtest.h>

namespace pxos {
namespace {

TEST(CpuidFilter, LeavesAnI686) {
  std::vector<CpuidEntry> host = {
      {0, 0, 0, 0x16, 0x756E6547, 0x6C65746E, 0x49656E69},
      {1, 0, 0, 0x000906EA, 0x00100800, 0xFFFAB223, 0x1F8BFBFF},  // everything incl. RDRAND, CX16, XSAVE, AVX
      {7, 0, 1, 0, 0x029C6FBF, 0, 0},
      {0xD, 0, 1, 0x1F, 0x440, 0x440, 0},
      {0x40000000, 0, 0, 0x40000001, 0x4B4D564B, 0x564B4D56, 0x4D},
      {0x80000000, 0, 0, 0x80000008, 0, 0, 0},
      {0x80000001, 0, 0, 0, 0, 0x121, 0x2C100800},
      {0x80000002, 0, 0, 0x65746E49, 1, 2, 3},
      {0x80000008, 0, 0, 0x3027, 0, 0, 0},
  };
  std::vector<CpuidEntry> g = filter_cpuid(host);
  auto find = [&](uint32_t f) -> const CpuidEntry* {
    for (const CpuidEntry& e : g)
      if (e.function == f) return &e;
    return nullptr;
  };
  ASSERT_NE(find(0), nullptr);
  EXPECT_EQ(find(0)->eax, 1u);           // max basic leaf
  EXPECT_EQ(find(0)->ebx, 0x756E6547u);  // the host's vendor
  ASSERT_NE(find(1), nullptr);
  EXPECT_EQ(find(1)->edx, cpuid_bits::kLeaf1Edx);  // fpu pse tsc msr cx8 pge cmov, no APIC/MMX/SSE
  EXPECT_EQ(find(1)->ecx, 0u);                     // no RDRAND, CX16, XSAVE, OSXSAVE, AVX, hypervisor
  EXPECT_EQ(find(1)->eax, cpuid_bits::kSignature);
  EXPECT_FALSE(find(1)->edx & cpuid_bits::kApic);
  EXPECT_EQ(find(7), nullptr);
  EXPECT_EQ(find(0xD), nullptr);
  EXPECT_EQ(find(0x40000000), nullptr);
  EXPECT_EQ(find(0x80000008), nullptr);
  EXPECT_EQ(find(0x80000000), nullptr);  // no extended leaves, as on the soft engine
  EXPECT_EQ(find(0x80000001), nullptr);
  EXPECT_EQ(g.size(), 2u);
}

}  // namespace
}  // namespace pxos

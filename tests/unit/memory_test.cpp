#include <gtest/gtest.h>

#include "vm/memory.h"

namespace pxos {
namespace {

TEST(GuestMemory, RejectsBadSizes) {
  EXPECT_THROW(GuestMemory(512 * 1024), std::invalid_argument);
  EXPECT_THROW(GuestMemory((1u << 20) + 1), std::invalid_argument);
  EXPECT_THROW(GuestMemory(4ull << 30), std::invalid_argument);
}

TEST(GuestMemory, SpansStayInsideRam) {
  GuestMemory m(1 << 20);
  EXPECT_NE(m.ram_span(0, 16), nullptr);
  EXPECT_EQ(m.ram_span((1 << 20) - 8, 16), nullptr);   // runs past the end
  EXPECT_EQ(m.ram_span(~0ull - 4, 16), nullptr);       // wraps the address space
  EXPECT_EQ(m.ram_span(0xEFFF0, 0x20), nullptr);       // reaches into the ROM window
  EXPECT_EQ(m.ram_span(0xF8000, 1), nullptr);          // ROM is not writable RAM
  EXPECT_NE(m.readable_span(0xF8000, 1), nullptr);     // but it is readable
  EXPECT_NE(m.readable_span(GuestMemory::kRomAlias + 0xFFF0, 16), nullptr);
  EXPECT_EQ(m.readable_span(GuestMemory::kRomAlias + 0xFFF8, 16), nullptr);
}

TEST(GuestMemory, UnmappedAccessesAreHarmless) {
  GuestMemory m(1 << 20);
  EXPECT_EQ(m.read32(0x7FFFFFFF), 0xFFFFFFFFu);
  m.write32(0x7FFFFFFF, 0x12345678);  // dropped
  m.write8(0xF0000, 0x55);            // ROM: dropped
  EXPECT_EQ(m.rom()[0], 0);
  uint8_t buf[4] = {};
  EXPECT_FALSE(m.read(0xFFFFE, buf));
  EXPECT_FALSE(m.write(0xFFFFE, buf));
}

TEST(GuestMemory, RealModeAddressesWrapWithA20Off) {
  GuestMemory m(2 << 20);
  EXPECT_EQ(m.real_linear(0xFFFF, 0x10), 0x100000u);
  m.set_a20(false);
  EXPECT_EQ(m.real_linear(0xFFFF, 0x10), 0x0u);
  EXPECT_EQ(m.real_linear(0x1234, 0x5), 0x12345u);
}

}  // namespace
}  // namespace pxos

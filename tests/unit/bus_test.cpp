#include <gtest/gtest.h>

#include <sstream>

#include "vm/bus.h"

namespace pxos {
namespace {

TEST(PortBus, UnclaimedReadsAreAllOnesAndCounted) {
  PortBus bus;
  EXPECT_EQ(bus.read(0x1234, 1), 0xFFu);
  EXPECT_EQ(bus.read(0x1234, 2), 0xFFFFu);
  EXPECT_EQ(bus.read(0x1234, 4), 0xFFFFFFFFu);
  bus.write(0x1234, 1, 0);
  EXPECT_EQ(bus.unclaimed().reads, 3u);
  EXPECT_EQ(bus.unclaimed().writes, 1u);
}

TEST(PortBus, RoutesToTheOwnerWithOffsetAndSize) {
  PortBus bus;
  uint64_t last_offset = 99;
  uint32_t last_value = 0;
  bus.add("dev", 0x3F8, 8, [&](uint64_t off, std::span<uint8_t> d, bool w) {
    last_offset = off;
    if (w) last_value = bytes_to_u32(d);
    else u32_to_bytes(0xA5A5A5A5, d);
  });
  bus.write(0x3FB, 2, 0xBEEF);
  EXPECT_EQ(last_offset, 3u);
  EXPECT_EQ(last_value, 0xBEEFu);
  EXPECT_EQ(bus.read(0x3F8, 1), 0xA5u);
  EXPECT_EQ(bus.read(0x400, 1), 0xFFu);  // just past the range
  std::ostringstream os;
  bus.print_stats(os);
  EXPECT_NE(os.str().find("dev: 1 reads, 1 writes"), std::string::npos);
}

TEST(PortBus, OverlapsAndOutOfRangeAreRefused) {
  PortBus bus;
  bus.add("a", 0x60, 1, [](uint64_t, std::span<uint8_t>, bool) {});
  EXPECT_THROW(bus.add("b", 0x5F, 2, [](uint64_t, std::span<uint8_t>, bool) {}), std::logic_error);
  EXPECT_THROW(bus.add("c", 0xFFFF, 2, [](uint64_t, std::span<uint8_t>, bool) {}), std::logic_error);
}

TEST(MmioBus, ClaimsWholeAccessesOnly) {
  MmioBus bus;
  int hits = 0;
  bus.add("dev", 0xFEC00000, 0x100, [&](uint64_t, std::span<uint8_t>, bool) { ++hits; });
  uint8_t d[4] = {};
  EXPECT_TRUE(bus.access(0xFEC00010, d, false));
  EXPECT_FALSE(bus.access(0xFEC000FE, d, false));  // straddles the end
  EXPECT_EQ(d[0], 0xFF);
  EXPECT_EQ(hits, 1);
  EXPECT_THROW(bus.add("x", 0xFEC00080, 0x100, [](uint64_t, std::span<uint8_t>, bool) {}), std::logic_error);
}

}  // namespace
}  // namespace pxos

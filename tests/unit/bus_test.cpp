#include "vm/bus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

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
    if (w)
      last_value = bytes_to_u32(d);
    else
      u32_to_bytes(0xA5A5A5A5, d);
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

// Ranges the guest chooses (PCI BARs) come and go: try_add refuses what add
// would throw for, remove gives a range back, and the ranges after it keep
// their ports.
TEST(PortBus, TryAddAndRemove) {
  PortBus bus;
  auto tag = [](uint8_t v) {
    return [v](uint64_t, std::span<uint8_t> d, bool w) {
      if (!w) std::fill(d.begin(), d.end(), v);
    };
  };
  bus.add("a", 0x60, 1, tag(0xA));
  EXPECT_FALSE(bus.try_add("b", 0x5F, 2, tag(0xB)));
  EXPECT_FALSE(bus.try_add("c", 0xFFFC, 8, tag(0xC)));
  EXPECT_FALSE(bus.try_add("d", 0x100, 0, tag(0xD)));
  EXPECT_TRUE(bus.try_add("e", 0xC000, 16, tag(0xE)));
  bus.add("f", 0xC010, 4, tag(0xF));
  EXPECT_EQ(bus.read(0x5F, 1), 0xFFu);  // the refused range claimed nothing
  EXPECT_TRUE(bus.remove(0xC000));
  EXPECT_FALSE(bus.remove(0xC000));
  EXPECT_FALSE(bus.remove(0x61));  // not a range's start
  EXPECT_EQ(bus.read(0xC000, 1), 0xFFu);
  EXPECT_EQ(bus.read(0xC010, 1), 0x0Fu);
  EXPECT_EQ(bus.read(0x60, 1), 0x0Au);
  EXPECT_TRUE(bus.try_add("e", 0xC008, 8, tag(0xE)));
  EXPECT_EQ(bus.read(0xC00F, 1), 0x0Eu);
}

// A callback may move other ranges while it runs (a BAR written through the
// configuration ports): its own range, and its captures, stay put.
TEST(PortBus, CallbackMayAddAndRemoveOtherRanges) {
  PortBus bus;
  int moves = 0;
  bus.add("cfg", 0xCFC, 4, [&, self = std::string(64, 'x')](uint64_t, std::span<uint8_t>, bool w) {
    if (!w) return;
    bus.remove(uint16_t(0xC000 + 16 * moves));
    ++moves;
    for (int i = 0; i < 40; ++i) bus.try_add("pad", uint16_t(0x1000 + 16 * (moves * 40 + i)), 1, {});
    bus.try_add("bar", uint16_t(0xC000 + 16 * moves), 16, [](uint64_t, std::span<uint8_t>, bool) {});
    EXPECT_EQ(self.size(), 64u);
  });
  for (int i = 0; i < 5; ++i) bus.write(0xCFC, 4, 1);
  EXPECT_EQ(moves, 5);
  EXPECT_EQ(bus.read(0xC050, 1), 0x00u);  // claimed (the callback leaves reads alone)
  EXPECT_EQ(bus.read(0xC040, 1), 0xFFu);
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

TEST(MmioBus, TryAddAndRemove) {
  MmioBus bus;
  int hits = 0;
  bus.add("vga", 0xA0000, 0x20000, [](uint64_t, std::span<uint8_t>, bool) {});
  EXPECT_FALSE(bus.try_add("bar", 0xB0000, 0x1000, [](uint64_t, std::span<uint8_t>, bool) {}));
  EXPECT_FALSE(bus.try_add("bar", 0xFFFFFFFFFFFFF000, 0x2000, [](uint64_t, std::span<uint8_t>, bool) {}));
  EXPECT_TRUE(bus.try_add("bar", 0xE1000000, 0x1000, [&](uint64_t, std::span<uint8_t>, bool) { ++hits; }));
  uint8_t d[4] = {};
  EXPECT_TRUE(bus.access(0xE1000FFC, d, false));
  EXPECT_TRUE(bus.remove(0xE1000000));
  EXPECT_FALSE(bus.remove(0xE1000000));
  EXPECT_FALSE(bus.access(0xE1000000, d, false));
  EXPECT_EQ(hits, 1);
}

}  // namespace
}  // namespace pxos

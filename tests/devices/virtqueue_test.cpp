// The split virtqueue (devices/virtio/virtqueue.h) against a driver's rings
// in guest memory: chains, indirect tables, event index, interrupt
// suppression, and every way a hostile driver can get them wrong.
#include "devices/virtio/virtqueue.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "virtio_rig.h"

namespace pxos {
namespace {

using namespace virtio;
using test::DriverRing;

constexpr uint64_t kBuf = 0x20000, kTable = 0x30000;

struct VirtqueueTest : ::testing::Test {
  GuestMemory mem{GuestMemory::kMinRam};
  DriverRing ring{mem, 8};
  Virtqueue make(bool indirect = true, bool event_idx = false) {
    EXPECT_FALSE(Virtqueue::check_layout(mem, ring.layout()));
    return Virtqueue(mem, ring.layout(), indirect, event_idx);
  }
  // The queue broke, gives nothing more, and says why.
  void expect_broken(Virtqueue& q, const char* why_has) {
    EXPECT_FALSE(q.pop());
    EXPECT_TRUE(q.broken());
    EXPECT_NE(q.error().find(why_has), std::string::npos) << q.error();
    EXPECT_FALSE(q.pop());
  }
};

TEST_F(VirtqueueTest, LayoutChecks) {
  auto bad = [&](VirtqueueLayout l) { return Virtqueue::check_layout(mem, l).has_value(); };
  VirtqueueLayout good = ring.layout();
  EXPECT_FALSE(bad(good));
  for (uint32_t size : {0u, 3u, 6u, 100u, 65536u}) {
    VirtqueueLayout l = good;
    l.size = size;
    EXPECT_TRUE(bad(l)) << size;
  }
  VirtqueueLayout l = good;
  l.desc += 8;  // descriptors need 16-byte alignment
  EXPECT_TRUE(bad(l));
  l = good;
  l.device += 2;  // the used ring 4
  EXPECT_TRUE(bad(l));
  l = good;
  l.driver += 1;
  EXPECT_TRUE(bad(l));
  l = good;
  l.desc = mem.ram_size() - 16;  // runs off the end of RAM
  EXPECT_TRUE(bad(l));
  l = good;
  l.device = GuestMemory::kRomBase;  // the ROM is not the guest's to have written
  EXPECT_TRUE(bad(l));
  l = good;
  l.driver = ~uint64_t{0} - 3;  // address + length wraps
  EXPECT_TRUE(bad(l));
  l = good;
  l.size = kMaxQueueSize;  // the largest queue: a 512 KiB table from 10000h fits below the ROM
  EXPECT_FALSE(bad(l));
  l.desc = 0x80000;  // from 80000h it runs into the ROM at F0000h
  EXPECT_TRUE(bad(l));
}

TEST_F(VirtqueueTest, TakesAChainAndReturnsIt) {
  Virtqueue q = make();
  EXPECT_FALSE(q.pop());  // nothing available yet
  ring.desc(0, kBuf, 16, kDescNext, 3);
  ring.desc(3, kBuf + 0x100, 512, kDescNext | kDescWrite, 5);
  ring.desc(5, kBuf + 0x400, 1, kDescWrite);
  ring.offer(0);
  auto c = q.pop();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->head, 0);
  ASSERT_EQ(c->readable.size(), 1u);
  EXPECT_EQ(c->readable[0].addr, kBuf);
  EXPECT_EQ(c->readable[0].len, 16u);
  ASSERT_EQ(c->writable.size(), 2u);
  EXPECT_EQ(c->writable[1].addr, kBuf + 0x400);
  EXPECT_EQ(c->readable_bytes(), 16u);
  EXPECT_EQ(c->writable_bytes(), 513u);
  EXPECT_FALSE(q.pop());
  q.push(c->head, 513);
  EXPECT_EQ(ring.used_idx(), 1);
  EXPECT_EQ(ring.used(0), std::make_pair(0u, 513u));
  EXPECT_FALSE(q.broken());
}

TEST_F(VirtqueueTest, ReadersAndWritersSpanBuffers) {
  Virtqueue q = make();
  for (int i = 0; i < 8; ++i) mem.write8(kBuf + uint64_t(i), uint8_t(i + 1));
  ring.desc(0, kBuf, 3, kDescNext, 1);
  ring.desc(1, kBuf + 3, 5, kDescNext, 2);
  ring.desc(2, kBuf + 0x100, 2, kDescNext | kDescWrite, 4);
  ring.desc(4, kBuf + 0x200, 4, kDescWrite);
  ring.offer(0);
  auto c = q.pop();
  ASSERT_TRUE(c);
  ChainReader r(mem, c->readable);
  uint8_t got[10] = {};
  EXPECT_EQ(r.read(got), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(got[i], i + 1);
  EXPECT_EQ(r.remaining(), 0u);
  ChainWriter w(mem, c->writable);
  const uint8_t put[7] = {9, 8, 7, 6, 5, 4, 3};
  EXPECT_EQ(w.write(put), 6u);  // room for 6
  EXPECT_EQ(w.written(), 6u);
  EXPECT_EQ(mem.read8(kBuf + 0x101), 8);
  EXPECT_EQ(mem.read32(kBuf + 0x200), 0x04050607u);
}

TEST_F(VirtqueueTest, ChainAsLongAsTheQueueIsFine) {
  Virtqueue q = make();
  for (uint16_t i = 0; i < 8; ++i) ring.desc(i, kBuf + 16 * i, 16, i < 7 ? kDescNext : 0, uint16_t(i + 1));
  ring.offer(0);
  auto c = q.pop();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->readable.size(), 8u);
}

TEST_F(VirtqueueTest, LoopingChainBreaksTheQueue) {
  Virtqueue q = make();
  ring.desc(0, kBuf, 16, kDescNext, 1);
  ring.desc(1, kBuf, 16, kDescNext, 0);
  ring.offer(0);
  expect_broken(q, "loops");
}

TEST_F(VirtqueueTest, DescriptorPointingAtItself) {
  Virtqueue q = make();
  ring.desc(2, kBuf, 16, kDescNext, 2);
  ring.offer(2);
  expect_broken(q, "loops");
}

TEST_F(VirtqueueTest, NextOutsideTheTable) {
  Virtqueue q = make();
  ring.desc(0, kBuf, 16, kDescNext, 8);
  ring.offer(0);
  expect_broken(q, "outside its table");
}

TEST_F(VirtqueueTest, HeadOutsideTheTable) {
  Virtqueue q = make();
  ring.offer(0xFFFF);
  expect_broken(q, "outside its table");
}

TEST_F(VirtqueueTest, BuffersOutsideRam) {
  for (auto [addr, len] : {std::pair<uint64_t, uint32_t>{GuestMemory::kMinRam - 4, 8},
                           {~uint64_t{0} - 2, 16},
                           {GuestMemory::kRomBase, 16},
                           {GuestMemory::kFramebufferBase, 16},
                           {0, 0xFFFFFFFF}}) {
    DriverRing r{mem, 8};
    Virtqueue q = make();
    r.desc(0, addr, len);
    r.offer(0);
    expect_broken(q, "not in RAM");
  }
}

TEST_F(VirtqueueTest, AvailableIndexTooFarAhead) {
  Virtqueue q = make();
  ring.desc(0, kBuf, 16);
  ring.set_avail_idx(9);  // 9 new entries in an 8-entry ring
  expect_broken(q, "ahead");
}

TEST_F(VirtqueueTest, ReadableAfterWritable) {
  Virtqueue q = make();
  ring.desc(0, kBuf, 16, kDescNext | kDescWrite, 1);
  ring.desc(1, kBuf, 16);
  ring.offer(0);
  expect_broken(q, "follows");
}

TEST_F(VirtqueueTest, IndicesWrapAt16Bits) {
  DriverRing small{mem, 2};
  Virtqueue q(mem, small.layout(), false, true);
  small.desc(0, kBuf, 4, kDescWrite);
  for (int i = 0; i < 70000; ++i) {
    small.offer(0);
    auto c = q.pop();
    ASSERT_TRUE(c) << i;
    q.push(c->head, 4);
  }
  EXPECT_EQ(small.used_idx(), uint16_t(70000));
  EXPECT_EQ(q.last_avail(), uint16_t(70000));
  EXPECT_FALSE(q.broken());
}

TEST_F(VirtqueueTest, IndirectTable) {
  Virtqueue q = make();
  ring.desc(0, kBuf, 16, kDescNext, 1);  // a direct descriptor may come first
  ring.desc(1, kTable, 3 * 16, kDescIndirect);
  ring.desc(0, kBuf + 0x100, 16, kDescNext, 2, kTable);
  ring.desc(2, kBuf + 0x200, 512, kDescNext | kDescWrite, 1, kTable);
  ring.desc(1, kBuf + 0x400, 1, kDescWrite, 0, kTable);
  ring.offer(0);
  auto c = q.pop();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->readable.size(), 2u);
  ASSERT_EQ(c->writable.size(), 2u);
  EXPECT_EQ(c->writable[0].addr, kBuf + 0x200);
  EXPECT_EQ(c->writable[1].addr, kBuf + 0x400);
}

TEST_F(VirtqueueTest, IndirectWithoutTheFeature) {
  Virtqueue q = make(/*indirect=*/false);
  ring.desc(0, kTable, 16, kDescIndirect);
  ring.desc(0, kBuf, 16, 0, 0, kTable);
  ring.offer(0);
  expect_broken(q, "VIRTIO_F_INDIRECT_DESC");
}

TEST_F(VirtqueueTest, BadIndirectTables) {
  struct Case {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    const char* why;
  };
  const Case cases[] = {
      {kTable, 0, kDescIndirect, "empty"},
      {kTable, 24, kDescIndirect, "not whole"},
      {kTable, 16 * (Virtqueue::kMaxChain + 1), kDescIndirect, "too long"},
      {GuestMemory::kMinRam - 16, 32, kDescIndirect, "not in RAM"},
      {kTable, 16, kDescIndirect | kDescNext, "NEXT"},
  };
  for (const Case& k : cases) {
    DriverRing r{mem, 8};
    Virtqueue q = make();
    r.desc(0, k.addr, k.len, k.flags, 1);
    r.desc(1, kBuf, 16);
    r.desc(0, kBuf, 16, 0, 0, kTable);
    r.offer(0);
    expect_broken(q, k.why);
  }
}

TEST_F(VirtqueueTest, NestedIndirect) {
  Virtqueue q = make();
  ring.desc(0, kTable, 16, kDescIndirect);
  ring.desc(0, kTable + 0x100, 16, kDescIndirect, 0, kTable);
  ring.offer(0);
  expect_broken(q, "inside an indirect table");
}

TEST_F(VirtqueueTest, IndirectTableThatLoops) {
  Virtqueue q = make();
  ring.desc(0, kTable, 4 * 16, kDescIndirect);
  for (uint16_t i = 0; i < 4; ++i) ring.desc(i, kBuf, 16, kDescNext, uint16_t((i + 1) % 4), kTable);
  ring.offer(0);
  expect_broken(q, "loops");
}

TEST_F(VirtqueueTest, IndirectNextOutsideItsTable) {
  Virtqueue q = make();
  ring.desc(0, kTable, 2 * 16, kDescIndirect);
  ring.desc(0, kBuf, 16, kDescNext, 2, kTable);  // the table has 2 entries
  ring.offer(0);
  expect_broken(q, "outside its table");
}

TEST_F(VirtqueueTest, InterruptUnlessTheDriverSaysNo) {
  Virtqueue q = make(true, false);
  EXPECT_FALSE(q.take_interrupt());  // nothing returned
  ring.desc(0, kBuf, 1, kDescWrite);
  ring.offer(0);
  q.push(q.pop()->head, 1);
  EXPECT_TRUE(q.take_interrupt());
  EXPECT_FALSE(q.take_interrupt());  // once
  ring.set_avail_flags(kAvailNoInterrupt);
  ring.offer(0);
  q.push(q.pop()->head, 1);
  EXPECT_FALSE(q.take_interrupt());
}

TEST_F(VirtqueueTest, EventIndex) {
  Virtqueue q = make(true, true);
  ring.desc(0, kBuf, 1, kDescWrite);
  auto round = [&] {
    ring.offer(0);
    auto c = q.pop();
    ASSERT_TRUE(c);
    q.push(c->head, 1);
  };
  ring.set_used_event(0);  // interrupt when used idx passes 0
  round();
  EXPECT_EQ(ring.avail_event(), 1);  // the device asks to hear of entry 1 onwards
  EXPECT_TRUE(q.take_interrupt());   // used 0 -> 1 crosses 0
  round();
  EXPECT_FALSE(q.take_interrupt());  // 1 -> 2 does not cross 0
  ring.set_used_event(3);
  round();
  EXPECT_FALSE(q.take_interrupt());  // 2 -> 3 does not cross 3
  round();
  EXPECT_TRUE(q.take_interrupt());  // 3 -> 4 does
  EXPECT_EQ(ring.avail_event(), 4);
  ring.set_avail_flags(kAvailNoInterrupt);  // ignored with the event index
  ring.set_used_event(4);
  round();
  EXPECT_TRUE(q.take_interrupt());
}

TEST_F(VirtqueueTest, BrokenQueueReturnsNothing) {
  Virtqueue q = make();
  ring.desc(0, kBuf, 16, kDescNext, 0);
  ring.offer(0);
  EXPECT_FALSE(q.pop());
  uint16_t used = ring.used_idx();
  q.push(0, 4);
  EXPECT_EQ(ring.used_idx(), used);
  EXPECT_FALSE(q.take_interrupt());
}

}  // namespace
}  // namespace pxos

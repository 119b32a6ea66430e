#include "devices/pit.h"

#include <gtest/gtest.h>

#include <sstream>

#include "vm/bus.h"

namespace pxos {
namespace {

uint64_t ticks_at(uint64_t ns) { return uint64_t((unsigned __int128)ns * Pit::kFrequencyHz / 1'000'000'000u); }

struct PitTest : ::testing::Test {
  uint64_t now = 0;
  int edges = 0;
  bool level = false;
  PortBus bus;
  Pit pit{GuestClock{[this] { return now; }}, IrqLine{[this](int irq, bool l) {
                                                        EXPECT_EQ(irq, 0);
                                                        if (l && !level) ++edges;
                                                        level = l;
                                                      },
                                                      0}};
  PitTest() { pit.attach(bus); }

  void program(int channel, uint8_t mode, uint16_t count) {
    bus.write(0x43, 1, uint8_t(channel << 6 | 0x30 | mode << 1));
    bus.write(uint16_t(0x40 + channel), 1, count & 0xFF);
    bus.write(uint16_t(0x40 + channel), 1, count >> 8);
  }
  uint16_t read16(int channel) {
    uint16_t lo = uint16_t(bus.read(uint16_t(0x40 + channel), 1));
    return uint16_t(lo | bus.read(uint16_t(0x40 + channel), 1) << 8);
  }
};

TEST_F(PitTest, Mode2At1kHzGivesTenEdgesIn10ms) {
  program(0, 2, 1193);
  EXPECT_EQ(pit.mode(0), 2);
  EXPECT_EQ(pit.reload(0), 1193u);
  for (now = 0; now <= 10'000'000; now += 100'000) pit.update(now);
  EXPECT_EQ(edges, 10);
  EXPECT_EQ(pit.stats().irq0_edges, 10u);
  EXPECT_EQ(pit.stats().irq0_coalesced, 0u);
}

TEST_F(PitTest, PeriodsMissedByALateUpdateAreCaughtUp) {
  program(0, 2, 1193);
  now = 10'000'000;  // ten periods passed before the first update
  uint64_t next = pit.update(now);
  EXPECT_EQ(edges, 1);
  EXPECT_EQ(next, now + Pit::kMinIrqIntervalNs);  // nine periods owed: the next edge soon
  for (int k = 0; k < 20 && next < 10'500'000; ++k) next = pit.update(now = next);
  EXPECT_EQ(edges, 10);
  EXPECT_EQ(pit.stats().irq0_coalesced, 0u);
  // Caught up: the next edge is the 11th period, ceil(11*1193 ticks in ns).
  uint64_t expect = (uint64_t(11 * 1193) * 1'000'000'000u + Pit::kFrequencyHz - 1) / Pit::kFrequencyHz;
  EXPECT_EQ(next, expect);
  EXPECT_EQ(pit.update(next - 1), next);  // not yet
  EXPECT_EQ(edges, 10);
  pit.update(next);
  EXPECT_EQ(edges, 11);
}

TEST_F(PitTest, CatchUpWaitsWhileTheControllerHoldsTheLastEdge) {
  bool held = true;
  int raised = 0;
  Pit p{GuestClock{[this] { return now; }},
        IrqLine{[&](int, bool l) { raised += l; }, 0, [&](int) { return uint8_t(held ? IrqLine::kRequested : 0); }}};
  PortBus b;
  p.attach(b);
  b.write(0x43, 1, 0x34);  // channel 0, lohi, mode 2
  b.write(0x40, 1, 1193 & 0xFF);
  b.write(0x40, 1, 1193 >> 8);
  now = 3'000'000;
  EXPECT_EQ(p.update(now), now + Pit::kMinIrqIntervalNs);
  EXPECT_EQ(raised, 0);  // the CPU has not taken the last request: an edge now would be lost
  held = false;
  p.update(now += Pit::kMinIrqIntervalNs);
  EXPECT_EQ(raised, 1);
  p.update(now += Pit::kMinIrqIntervalNs);
  p.update(now += Pit::kMinIrqIntervalNs);
  EXPECT_EQ(raised, 3);
}

TEST_F(PitTest, ABacklogOverASecondIsDropped) {
  program(0, 2, 1193);  // 1 kHz
  now = 5'000'000'000;  // 5 s late: about 5000 periods owed
  pit.update(now);
  uint64_t owed_kept = Pit::kMaxCatchUpNs / 999'848;  // periods of one second
  EXPECT_NEAR(double(pit.stats().irq0_coalesced), 5000.0 - double(owed_kept), 2.0);
  EXPECT_EQ(edges, 1);
}

TEST_F(PitTest, ShortPeriodsAreRateLimited) {
  program(0, 2, 2);
  now = 1'000'000;
  EXPECT_EQ(pit.update(now), now + Pit::kMinIrqIntervalNs);
  EXPECT_EQ(edges, 1);
}

TEST_F(PitTest, CounterReadsReflectElapsedTime) {
  program(0, 2, 1193);
  EXPECT_EQ(read16(0), 1193);
  now = 250'000;
  EXPECT_EQ(read16(0), 1193 - ticks_at(250'000));
  EXPECT_EQ(pit.count(0), 1193 - ticks_at(250'000));
  now = 1'000'000 + 250'000;  // one period later, reloaded
  EXPECT_EQ(read16(0), 1193 - (ticks_at(now) % 1193));
}

TEST_F(PitTest, LatchedCountIsFrozenUntilRead) {
  program(0, 2, 1193);
  now = 250'000;
  bus.write(0x43, 1, 0x00);  // latch channel 0
  now = 600'000;
  bus.write(0x43, 1, 0x00);  // a second latch before reading is ignored
  EXPECT_EQ(read16(0), 1193 - ticks_at(250'000));
  EXPECT_EQ(read16(0), 1193 - ticks_at(600'000));  // released: live again
  EXPECT_EQ(pit.stats().latches, 1u);
}

TEST_F(PitTest, ReadBackLatchesStatusThenCount) {
  program(0, 2, 1193);
  now = 100'000;
  bus.write(0x43, 1, 0xC2);  // read-back: count and status of channel 0
  now = 500'000;
  // OUT high, count loaded, RW=3, mode 2, binary.
  EXPECT_EQ(bus.read(0x40, 1), 0xB4u);
  EXPECT_EQ(read16(0), 1193 - ticks_at(100'000));
  bus.write(0x43, 1, 0xE2);  // status only
  EXPECT_EQ(bus.read(0x40, 1), 0xB4u);
  EXPECT_EQ(pit.stats().read_backs, 2u);
}

TEST_F(PitTest, NullCountInStatusAfterControlWord) {
  bus.write(0x43, 1, 0x30);  // channel 0, lohi, mode 0, no count yet
  bus.write(0x43, 1, 0xE2);
  EXPECT_EQ(bus.read(0x40, 1), 0x70u);  // OUT low, null count, RW 3, mode 0
}

TEST_F(PitTest, Mode0RaisesOneEdgeAtTerminalCount) {
  program(0, 0, 100);
  EXPECT_FALSE(pit.output(0));
  uint64_t next = pit.update(0);
  EXPECT_EQ(next, (uint64_t{100} * 1'000'000'000u + Pit::kFrequencyHz - 1) / Pit::kFrequencyHz);
  pit.update(next - 1);
  EXPECT_EQ(edges, 0);
  now = next;
  EXPECT_EQ(pit.update(now), kNoEvent);
  EXPECT_EQ(edges, 1);
  EXPECT_TRUE(pit.output(0));
  now = 10'000'000;
  pit.update(now);
  EXPECT_EQ(edges, 1);  // one-shot
  // The counter keeps counting down through zero.
  EXPECT_EQ(pit.count(0), uint16_t(100 - ticks_at(now)));
}

TEST_F(PitTest, Mode0FirstByteStopsTheCount) {
  program(0, 0, 10);
  now = 1'000'000;
  EXPECT_TRUE(pit.output(0));
  bus.write(0x40, 1, 0x20);
  EXPECT_FALSE(pit.output(0));
  bus.write(0x40, 1, 0x00);
  EXPECT_EQ(pit.reload(0), 0x20u);
  EXPECT_EQ(pit.count(0), 0x20);
}

TEST_F(PitTest, LowByteOnlyAndHighByteOnlyAccess) {
  bus.write(0x43, 1, 0x14);  // channel 0, lsb only, mode 2
  bus.write(0x40, 1, 0x50);
  EXPECT_EQ(pit.reload(0), 0x50u);
  EXPECT_EQ(bus.read(0x40, 1), 0x50u);
  EXPECT_EQ(bus.read(0x40, 1), 0x50u);  // no flip-flop
  bus.write(0x43, 1, 0x24);             // msb only
  bus.write(0x40, 1, 0x12);
  EXPECT_EQ(pit.reload(0), 0x1200u);
  EXPECT_EQ(bus.read(0x40, 1), 0x12u);
}

TEST_F(PitTest, ZeroMeans65536) {
  program(0, 2, 0);
  EXPECT_EQ(pit.reload(0), 0x10000u);
  now = 1'000'000'000;  // 1 s = 1193182 ticks: 18 periods and change
  for (int k = 0; k < 18; ++k) pit.update(now + uint64_t(k) * Pit::kMinIrqIntervalNs);
  EXPECT_EQ(pit.stats().irq0_coalesced + pit.stats().irq0_edges, 1193182u / 65536u);
  EXPECT_EQ(edges, int(1193182u / 65536u));
}

TEST_F(PitTest, BcdCountsInDecimal) {
  bus.write(0x43, 1, 0x35);  // channel 0, lohi, mode 2, BCD
  bus.write(0x40, 1, 0x00);
  bus.write(0x40, 1, 0x10);  // 1000 decimal
  EXPECT_EQ(pit.reload(0), 1000u);
  now = 1000;  // 1 tick
  EXPECT_EQ(ticks_at(now), 1u);
  EXPECT_EQ(read16(0), 0x0999);
}

TEST_F(PitTest, PortBGatesChannel2AndShowsItsOutput) {
  EXPECT_EQ(bus.read(0x61, 1) & 0x03, 0u);
  bus.write(0x61, 1, 0x03);  // gate on, speaker on
  program(2, 3, 1000);       // square wave: 500 ticks high, 500 low
  EXPECT_TRUE(pit.speaker_on());
  EXPECT_EQ(pit.speaker_frequency_hz(), 1193u);
  EXPECT_EQ(bus.read(0x61, 1) & 0x23, 0x23u);
  now = 300'000;  // 357 ticks: high
  EXPECT_TRUE(bus.read(0x61, 1) & 0x20);
  now = 600'000;  // 715 ticks: low
  EXPECT_FALSE(bus.read(0x61, 1) & 0x20);
  EXPECT_EQ(pit.count(2), 1000 - 2 * (715 - 500));
  bus.write(0x61, 1, 0x00);  // gate off: OUT forced high in mode 3
  EXPECT_TRUE(bus.read(0x61, 1) & 0x20);
  EXPECT_FALSE(pit.speaker_on());
  EXPECT_EQ(edges, 0);  // channel 2 never touches IRQ0
}

TEST_F(PitTest, Channel2Mode0WaitsForTheGate) {
  program(2, 0, 1193);  // gate is off: the count holds
  now = 5'000'000;
  EXPECT_EQ(pit.count(2), 1193);
  EXPECT_FALSE(bus.read(0x61, 1) & 0x20);
  bus.write(0x61, 1, 0x01);
  now += 1'001'000;  // a little over 1193 ticks
  EXPECT_TRUE(bus.read(0x61, 1) & 0x20);
}

TEST_F(PitTest, Mode1IsTriggeredByTheGate) {
  program(2, 1, 100);
  EXPECT_TRUE(pit.output(2));
  bus.write(0x61, 1, 0x01);  // rising gate: OUT low for 100 ticks
  EXPECT_FALSE(pit.output(2));
  now = 100'000;  // 119 ticks
  EXPECT_TRUE(pit.output(2));
}

TEST_F(PitTest, RefreshBitToggles) {
  now = 0;
  EXPECT_EQ(bus.read(0x61, 1) & 0x10, 0u);
  now = Pit::kRefreshPeriodNs;
  EXPECT_EQ(bus.read(0x61, 1) & 0x10, 0x10u);
  now = 2 * Pit::kRefreshPeriodNs;
  EXPECT_EQ(bus.read(0x61, 1) & 0x10, 0u);
}

TEST_F(PitTest, NoCountNoEvent) {
  EXPECT_EQ(pit.update(0), kNoEvent);
  EXPECT_EQ(pit.timer()(1000), kNoEvent);
  std::ostringstream os;
  pit.print_stats(os);
  EXPECT_NE(os.str().find("0 IRQ0 edges"), std::string::npos);
}

}  // namespace
}  // namespace pxos

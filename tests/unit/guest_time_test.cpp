// machine/guest_time.h: guest time paced to the host's, driven by a fake host
// clock and a fake instruction counter (a guest of a chosen speed).
#include "machine/guest_time.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "vm/clock.h"

namespace pxos {
namespace {

struct Paced : ::testing::Test {
  uint64_t host = 1'000'000'000;  // any origin
  uint64_t icount = 0;
  GuestTime time{[this] { return host; }};
  Paced() { time.start(GuestTime::Mode::Paced, [this] { return icount; }); }

  // Runs the guest for `ns` of host time at `mips`, with a sync (an exit)
  // every `step` ns as the monitor does; returns the largest |guest - host|
  // seen at a sync, after waiting as the monitor would.
  int64_t run(uint64_t ns, uint64_t mips, uint64_t step = 1'000'000) {
    int64_t worst = 0;
    for (uint64_t t = 0; t < ns; t += step) {
      host += step;
      icount += mips * step / 1000;
      host += time.sync();  // the monitor sleeps while the guest is ahead
      worst = std::max(worst, std::abs(int64_t(time.now_ns()) - int64_t(time.host_ns())));
    }
    return worst;
  }
};

TEST_F(Paced, AFastGuestStaysWithTheHost) {
  int64_t worst = run(10'000'000'000, 3000);  // 3000 MIPS for 10 s: 30x the default rate
  EXPECT_LT(worst, 250'000'000) << "guest and host drifted apart (the first windows, before the rate is known)";
  EXPECT_LT(std::abs(int64_t(time.now_ns()) - int64_t(time.host_ns())), 30'000'000);
  // The rate followed the guest: it no longer waits for the host every step.
  uint64_t waits = time.stats().waits;
  run(1'000'000'000, 3000);
  EXPECT_LT(time.stats().waits - waits, 10u);
}

TEST_F(Paced, ASlowGuestIsCaughtUpByItsRate) {
  int64_t worst = run(10'000'000'000, 5);  // 5 MIPS: 20x slower than the default rate
  EXPECT_LT(worst, int64_t(GuestTime::kMaxLagNs) + 10'000'000);
  EXPECT_LT(std::abs(int64_t(time.now_ns()) - int64_t(time.host_ns())), 30'000'000);
}

TEST_F(Paced, SpeedChangesAreFollowed) {
  for (uint64_t mips : {1000, 10, 400, 50, 2000}) EXPECT_LT(run(2'000'000'000, mips), 300'000'000) << mips;
  EXPECT_LT(std::abs(int64_t(time.now_ns()) - int64_t(time.host_ns())), 50'000'000);
}

TEST_F(Paced, AStalledHostIsCaughtUpByAJump) {
  run(1'000'000'000, 100);
  host += 5'000'000'000;  // the vCPU thread did not run for 5 s
  time.sync();
  EXPECT_EQ(time.stats().jumps, 1u);
  EXPECT_LT(std::abs(int64_t(time.now_ns()) - int64_t(time.host_ns())), 10'000'000);
}

TEST_F(Paced, TimeNeverGoesBack) {
  uint64_t last = 0;
  for (int i = 0; i < 2000; ++i) {
    host += 1'000'000 + (i % 7) * 300'000;
    icount += (i % 13) * 100'000;
    host += time.sync();
    uint64_t now = time.now_ns();
    ASSERT_GE(now, last) << "at step " << i;
    last = now;
  }
}

TEST_F(Paced, AnIdleGuestSleepsUntilItsEventAtTheHostsPace) {
  run(100'000'000, 100);
  uint64_t next = time.now_ns() + 55'000'000;  // the next timer tick
  uint64_t wait = time.idle_wait_ns(next);
  EXPECT_GT(wait, 40'000'000u);
  EXPECT_LE(wait, 70'000'000u);
  host += 20'000'000;  // woken early (a key): the guest's time is the host's
  time.idle_advance(next);
  EXPECT_LT(std::abs(int64_t(time.now_ns()) - int64_t(time.host_ns())), 25'000'000);
  host += wait;  // slept to the event: time reaches it, not beyond
  time.idle_advance(next);
  EXPECT_EQ(time.now_ns(), next);
  EXPECT_EQ(time.idle_wait_ns(kNoEvent), kNoEvent);
}

TEST(DeterministicTime, TenNanosecondsAnInstructionAndIdleTimeSkipped) {
  uint64_t host = 0, icount = 0;
  GuestTime time{[&] { return host; }};
  time.start(GuestTime::Mode::Deterministic, [&] { return icount; });
  icount = 1000;
  host = 123'456'789;  // the host's time plays no part
  EXPECT_EQ(time.now_ns(), 10'000u);
  EXPECT_EQ(time.sync(), 0u);
  EXPECT_EQ(time.idle_wait_ns(5'000'000), 0u);
  time.idle_advance(5'000'000);
  EXPECT_EQ(time.now_ns(), 5'000'000u);
  icount += 10;
  EXPECT_EQ(time.now_ns(), 5'000'100u);
}

TEST(WallTime, IsTheHostsClock) {
  uint64_t host = 500;
  GuestTime time{[&] { return host; }};
  EXPECT_EQ(time.now_ns(), 0u);  // not started: the clock stands at 0
  time.start(GuestTime::Mode::Wall);
  host += 42;
  EXPECT_EQ(time.now_ns(), 42u);
  EXPECT_EQ(time.sync(), 0u);
}

TEST(InstructionClock, RateChangesAndAdvancesKeepTimeMonotonic) {
  InstructionClock c;
  EXPECT_EQ(c.ns_at(100), 1000u);
  EXPECT_EQ(c.icount_at(1000), 100u);
  EXPECT_EQ(c.icount_at(1001), 101u);  // the first count at which the time has come
  c.set_rate(100, 2500);               // 2.5 ns from instruction 100 on
  EXPECT_EQ(c.ns_at(100), 1000u);
  EXPECT_EQ(c.ns_at(104), 1010u);
  EXPECT_EQ(c.icount_at(1010), 104u);
  c.advance(104, 990);
  EXPECT_EQ(c.ns_at(104), 2000u);
  EXPECT_EQ(c.icount_at(500), 104u);  // a time already past: now
  EXPECT_GT(c.icount_at(~uint64_t{0}), uint64_t{1} << 62);  // far, without wrapping around
}

}  // namespace
}  // namespace pxos

// bios/idle.h: when a guest that polls the keyboard is idle.
#include "bios/idle.h"

#include <gtest/gtest.h>

namespace pxos {
namespace {

// Polls every `step` ns from `*now` for `ns`; whether one was made to wait.
bool polls(IdleDetector& d, uint64_t* now, uint64_t ns, uint64_t step) {
  bool waited = false;
  for (uint64_t end = *now + ns; *now < end && !waited; *now += step) waited = d.should_wait(*now);
  return waited;
}

TEST(IdleDetector, TightPollingForFiftyMillisecondsIsIdle) {
  IdleDetector d;
  uint64_t now = 1'000'000;
  EXPECT_FALSE(polls(d, &now, 45'000'000, 10'000));
  EXPECT_TRUE(polls(d, &now, 10'000'000, 10'000));
}

TEST(IdleDetector, AFixedNumberOfPollsIsWorkHoweverSlowTheEngine) {
  IdleDetector d;
  uint64_t now = 0;
  // FreeDOS's kernel polls 1,353 times in a row at boot; on a nested KVM they
  // are 1.5 ms apart (2 s), on hardware a few microseconds.
  for (int i = 0; i < 1400; ++i, now += 1'500'000) EXPECT_FALSE(d.should_wait(now)) << "poll " << i;
  bool waited = false;
  int more = 0;
  for (; more < 1000 && !waited; ++more, now += 1'500'000) waited = d.should_wait(now);
  EXPECT_TRUE(waited) << "a loop that goes on polling is idle after all";
  EXPECT_EQ(1400 + more, int(IdleDetector::kIdleAfterCalls));
}

TEST(IdleDetector, WorkBetweenPollsIsNotIdle) {
  IdleDetector d;
  uint64_t now = 0;
  for (int i = 0; i < 100; ++i, now += 1'000'000) {
    EXPECT_FALSE(d.should_wait(now));
    d.work();  // another BIOS service between every two polls
  }
  EXPECT_FALSE(polls(d, &now, 200'000'000, 5'000'000)) << "a poll every 5 ms (a game's frame) is not idle";
}

TEST(IdleDetector, OneLatePollIsForgivenTwoAreNot) {
  IdleDetector d;
  uint64_t now = 0;
  EXPECT_FALSE(polls(d, &now, 30'000'000, 10'000));
  now += 8'000'000;  // the host did not run the vCPU for 8 ms
  EXPECT_FALSE(d.should_wait(now));
  EXPECT_TRUE(polls(d, &now, 20'000'000, 10'000)) << "the streak went on over one late poll";
  EXPECT_FALSE(d.should_wait(now));  // the resumed call
  d.work();
  EXPECT_FALSE(polls(d, &now, 30'000'000, 10'000));
  now += 8'000'000;
  EXPECT_FALSE(d.should_wait(now));
  now += 8'000'000;
  EXPECT_FALSE(d.should_wait(now));  // two late polls in a row: a new streak starts here
  EXPECT_FALSE(polls(d, &now, 45'000'000, 10'000));
}

}  // namespace
}  // namespace pxos

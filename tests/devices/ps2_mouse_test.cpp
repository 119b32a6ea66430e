#include "devices/ps2_mouse.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace pxos {
namespace {

using Bytes = std::vector<uint8_t>;

struct Ps2MouseTest : ::testing::Test {
  Ps2Mouse mouse;
  Bytes drain() {
    Bytes v;
    while (std::optional<uint8_t> b = mouse.pull()) v.push_back(*b);
    return v;
  }
  // Sends the bytes and returns everything the mouse answered.
  Bytes send(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) mouse.write(b);
    return drain();
  }
  Bytes send_each(std::initializer_list<uint8_t> bytes) {
    Bytes all;
    for (uint8_t b : bytes) {
      Bytes r = send({b});
      all.insert(all.end(), r.begin(), r.end());
    }
    return all;
  }
  void enable() { ASSERT_EQ(send({0xF4}), Bytes{0xFA}); }
};

TEST_F(Ps2MouseTest, ResetAnswersAckSelfTestAndId) {
  EXPECT_EQ(send({0xFF}), (Bytes{0xFA, 0xAA, 0x00}));
  EXPECT_FALSE(mouse.reporting());
  EXPECT_EQ(mouse.sample_rate(), 100);
  EXPECT_EQ(mouse.resolution(), 2);
}

TEST_F(Ps2MouseTest, NothingIsSentBeforeReportingIsEnabled) {
  mouse.event(5, 5, 0, 1);
  EXPECT_TRUE(drain().empty());
  EXPECT_EQ(mouse.stats().ignored, 1u);
  EXPECT_EQ(send({0xE9}), (Bytes{0xFA, 0x04, 0x02, 100}));  // the left button shows in the status
}

TEST_F(Ps2MouseTest, StreamPacketHasButtonsSignsAndDeltas) {
  enable();
  mouse.event(10, -3, 0, Ps2Mouse::kButtonLeft | Ps2Mouse::kButtonMiddle);
  EXPECT_EQ(drain(), (Bytes{0x08 | 0x01 | 0x04 | 0x20, 10, 0xFD}));
  mouse.event(-1, 2, 0, Ps2Mouse::kButtonRight);
  EXPECT_EQ(drain(), (Bytes{0x08 | 0x02 | 0x10, 0xFF, 2}));
  EXPECT_EQ(mouse.stats().packets, 2u);
}

TEST_F(Ps2MouseTest, ButtonReleaseWithoutMovementIsAPacket) {
  enable();
  mouse.event(0, 0, 0, 1);
  mouse.event(0, 0, 0, 0);
  EXPECT_EQ(drain(), (Bytes{0x09, 0, 0, 0x08, 0, 0}));
  mouse.event(0, 0, 0, 0);  // nothing changed: nothing sent
  EXPECT_TRUE(drain().empty());
}

TEST_F(Ps2MouseTest, LargeDeltasClampWithOverflow) {
  enable();
  mouse.event(300, -1000, 0, 0);
  EXPECT_EQ(drain(), (Bytes{0x08 | 0x40 | 0x80 | 0x20, 0xFF, 0x00}));  // X 255, Y -256
  mouse.event(255, -256, 0, 0);                                        // the limits: no overflow
  EXPECT_EQ(drain(), (Bytes{0x08 | 0x20, 0xFF, 0x00}));
}

TEST_F(Ps2MouseTest, MovementAccumulatesWhileTheQueueIsFull) {
  enable();
  size_t packets = Ps2Mouse::kQueueBytes / 3;
  for (size_t i = 0; i < packets; ++i) mouse.event(1, 0, 0, 0);
  EXPECT_EQ(mouse.queued(), packets * 3);
  mouse.event(2, 0, 0, 0);  // no room: kept
  mouse.event(3, 4, 0, 0);
  EXPECT_EQ(mouse.queued(), packets * 3);
  Bytes all = drain();
  ASSERT_EQ(all.size(), packets * 3 + 3);
  EXPECT_EQ((Bytes{all.end() - 3, all.end()}), (Bytes{0x08, 5, 4}));
  EXPECT_EQ(mouse.stats().dropped, 0u);
}

TEST_F(Ps2MouseTest, AButtonChangeReplacedBeforeItWasSentIsCounted) {
  enable();
  for (size_t i = 0; i < Ps2Mouse::kQueueBytes / 3; ++i) mouse.event(1, 0, 0, 0);
  mouse.event(0, 0, 0, 1);  // pending press
  mouse.event(0, 0, 0, 0);  // its release, before the press got out
  EXPECT_EQ(mouse.stats().dropped, 1u);
}

TEST_F(Ps2MouseTest, IntelliMouseSequenceGivesWheelIdAndFourBytePackets) {
  EXPECT_EQ(send({0xF2}), (Bytes{0xFA, 0x00}));
  EXPECT_EQ(send_each({0xF3, 200, 0xF3, 100, 0xF3, 80}), Bytes(6, 0xFA));
  EXPECT_EQ(send({0xF2}), (Bytes{0xFA, 0x03}));
  EXPECT_EQ(mouse.packet_size(), 4u);
  enable();
  mouse.event(1, 1, -2, 0);
  EXPECT_EQ(drain(), (Bytes{0x08, 1, 1, 0xFE}));
  EXPECT_EQ(send_each({0xF3, 200, 0xF3, 200, 0xF3, 80}), Bytes(6, 0xFA));
  EXPECT_EQ(send({0xF2}), (Bytes{0xFA, 0x04}));
  enable();
  mouse.event(0, 0, -20, 0);  // the wheel clamps to 4 bits
  EXPECT_EQ(drain(), (Bytes{0x08, 0, 0, 0x08}));
  EXPECT_EQ(send({0xFF}), (Bytes{0xFA, 0xAA, 0x00}));  // reset: a plain mouse again
  EXPECT_EQ(mouse.id(), 0);
}

TEST_F(Ps2MouseTest, FiveButtonSequenceNeedsTheWheelFirst) {
  EXPECT_EQ(send_each({0xF3, 200, 0xF3, 200, 0xF3, 80}), Bytes(6, 0xFA));
  EXPECT_EQ(send({0xF2}), (Bytes{0xFA, 0x00}));
}

TEST_F(Ps2MouseTest, SampleRateAndResolutionValidateTheirArgument) {
  EXPECT_EQ(send_each({0xF3, 40}), (Bytes{0xFA, 0xFA}));
  EXPECT_EQ(mouse.sample_rate(), 40);
  EXPECT_EQ(send_each({0xF3, 41}), (Bytes{0xFA, 0xFE}));
  EXPECT_EQ(mouse.sample_rate(), 40);
  EXPECT_EQ(send_each({0xE8, 3}), (Bytes{0xFA, 0xFA}));
  EXPECT_EQ(mouse.resolution(), 3);
  EXPECT_EQ(send_each({0xE8, 4}), (Bytes{0xFA, 0xFE}));
  EXPECT_EQ(send({0xE7}), Bytes{0xFA});
  EXPECT_EQ(send({0xE9}), (Bytes{0xFA, 0x10, 3, 40}));
  EXPECT_EQ(send({0xF6}), Bytes{0xFA});  // defaults
  EXPECT_EQ(send({0xE9}), (Bytes{0xFA, 0x00, 2, 100}));
}

TEST_F(Ps2MouseTest, AnArgumentByteIsNeverACommand) {
  EXPECT_EQ(send_each({0xF3, 0xFF}), (Bytes{0xFA, 0xFE}));  // FFh as a rate: refused, no reset
  EXPECT_EQ(mouse.stats().unknown, 1u);
}

TEST_F(Ps2MouseTest, UnknownCommandIsRefused) {
  EXPECT_EQ(send({0x42}), Bytes{0xFE});
  EXPECT_EQ(send({0xF1}), Bytes{0xFE});
  EXPECT_EQ(mouse.stats().unknown, 2u);
}

TEST_F(Ps2MouseTest, RemoteModeSendsOnlyOnReadData) {
  EXPECT_EQ(send({0xF0}), Bytes{0xFA});
  mouse.event(7, -7, 0, 2);
  EXPECT_TRUE(drain().empty());
  EXPECT_EQ(send({0xEB}), (Bytes{0xFA, 0x08 | 0x02 | 0x20, 7, 0xF9}));
  EXPECT_EQ(send({0xEB}), (Bytes{0xFA, 0x08 | 0x02, 0, 0}));  // counters were reset
  EXPECT_EQ(send({0xE9}), (Bytes{0xFA, 0x40 | 0x01, 2, 100}));
  EXPECT_EQ(send({0xEA}), Bytes{0xFA});
  EXPECT_FALSE(mouse.remote());
}

TEST_F(Ps2MouseTest, ScalingTwoToOneMapsStreamDeltas) {
  EXPECT_EQ(send({0xE7}), Bytes{0xFA});
  enable();
  const int in[] = {1, 2, 3, 4, 5, 6, -4, 200};
  const int want[] = {1, 1, 3, 6, 9, 12, -6, 255};
  for (size_t i = 0; i < std::size(in); ++i) {
    mouse.event(in[i], 0, 0, 0);
    Bytes p = drain();
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[1], uint8_t(want[i])) << "delta " << in[i];
  }
}

TEST_F(Ps2MouseTest, WrapModeEchoesUntilResetWrap) {
  EXPECT_EQ(send({0xEE}), Bytes{0xFA});
  EXPECT_EQ(send({0x12}), Bytes{0x12});
  EXPECT_EQ(send({0xF4}), Bytes{0xF4});  // echoed, not a command
  EXPECT_FALSE(mouse.reporting());
  EXPECT_EQ(send({0xEC}), Bytes{0xFA});
  EXPECT_FALSE(mouse.wrap());
  EXPECT_EQ(send({0xF4}), Bytes{0xFA});
  EXPECT_TRUE(mouse.reporting());
}

TEST_F(Ps2MouseTest, ResendRepeatsTheLastPacket) {
  enable();
  mouse.event(3, 0, 0, 0);
  Bytes p = drain();
  EXPECT_EQ(send({0xFE}), p);
  EXPECT_EQ(send({0xF2}), (Bytes{0xFA, 0x00}));
  EXPECT_EQ(send({0xFE}), Bytes{0x00});
}

TEST_F(Ps2MouseTest, ACommandDropsWhatWasNotSentSoItsAckComesNext) {
  enable();
  mouse.event(3, 0, 0, 0);
  ASSERT_EQ(mouse.pull(), std::optional<uint8_t>(0x08));  // the packet is half out
  EXPECT_EQ(send({0xF5}), Bytes{0xFA});
  EXPECT_EQ(mouse.stats().dropped, 2u);
  mouse.event(3, 0, 0, 0);
  EXPECT_TRUE(drain().empty());
}

TEST_F(Ps2MouseTest, PrintsCounters) {
  std::ostringstream os;
  mouse.print_stats(os);
  EXPECT_NE(os.str().find("ps2-mouse: 0 events"), std::string::npos);
}

}  // namespace
}  // namespace pxos

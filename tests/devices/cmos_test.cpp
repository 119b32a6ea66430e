#include "devices/cmos.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "vm/bus.h"

namespace pxos {
namespace {

using namespace std::chrono;

// 2024-02-29 23:59:58 UTC, a Thursday.
const std::time_t kLeapEve = std::time_t(duration_cast<seconds>((sys_days{2024y / 2 / 29} + 23h + 59min + 58s)
                                                                     .time_since_epoch())
                                             .count());

struct CmosTest : ::testing::Test {
  uint64_t now = 0;
  int edges = 0;
  bool level = false;
  PortBus bus;
  Cmos cmos{GuestClock{[this] { return now; }}, IrqLine{[this](int irq, bool l) {
                                                          EXPECT_EQ(irq, 8);
                                                          if (l && !level) ++edges;
                                                          level = l;
                                                        },
                                                        8},
            kLeapEve};
  CmosTest() { cmos.attach(bus); }

  uint8_t rd(uint8_t index) {
    bus.write(0x70, 1, index);
    return uint8_t(bus.read(0x71, 1));
  }
  void wr(uint8_t index, uint8_t v) {
    bus.write(0x70, 1, index);
    bus.write(0x71, 1, v);
  }
};

TEST_F(CmosTest, DefaultIsBcd24Hour) {
  EXPECT_EQ(rd(0x0A), 0x26);
  EXPECT_EQ(rd(0x0B), 0x02);
  EXPECT_EQ(rd(0x0D), 0x80);
  EXPECT_EQ(rd(0x00), 0x58);
  EXPECT_EQ(rd(0x02), 0x59);
  EXPECT_EQ(rd(0x04), 0x23);
  EXPECT_EQ(rd(0x06), 0x05);  // Thursday (Sunday = 1)
  EXPECT_EQ(rd(0x07), 0x29);
  EXPECT_EQ(rd(0x08), 0x02);
  EXPECT_EQ(rd(0x09), 0x24);
  EXPECT_EQ(rd(0x32), 0x20);
}

TEST_F(CmosTest, ClockFollowsGuestTimeAcrossMonthAndLeapDay) {
  now = 2'000'000'000;  // +2 s: 2024-03-01 00:00:00, Friday
  EXPECT_EQ(rd(0x00), 0x00);
  EXPECT_EQ(rd(0x04), 0x00);
  EXPECT_EQ(rd(0x07), 0x01);
  EXPECT_EQ(rd(0x08), 0x03);
  EXPECT_EQ(rd(0x06), 0x06);
  EXPECT_EQ(cmos.rtc_time(now), int64_t(kLeapEve) + 2);
}

// The year 9999 is 7975 years after power-on: more than a nanosecond
// offset holds (fuzz_devices found the int64 overflow). The clock stops
// 250 years out instead, and keeps running from there.
TEST_F(CmosTest, FarFutureYearDoesNotOverflow) {
  wr(0x0B, 0x82);  // SET
  wr(0x09, 0x99);
  wr(0x32, 0x99);
  wr(0x0B, 0x02);
  EXPECT_EQ(rd(0x32), 0x99);  // read back as written until the next update
  now += 2'000'000'000;
  int year = (rd(0x32) >> 4) * 1000 + (rd(0x32) & 0xF) * 100 + (rd(0x09) >> 4) * 10 + (rd(0x09) & 0xF);
  EXPECT_GE(year, 2024 + 249);
  EXPECT_LE(year, 2024 + 251);
}

TEST_F(CmosTest, BinaryMode) {
  wr(0x0B, 0x06);
  EXPECT_EQ(rd(0x00), 58);
  EXPECT_EQ(rd(0x04), 23);
  EXPECT_EQ(rd(0x09), 24);
  EXPECT_EQ(rd(0x32), 20);
}

TEST_F(CmosTest, TwelveHourModeSetsPmBit) {
  wr(0x0B, 0x00);  // BCD, 12-hour
  EXPECT_EQ(rd(0x04), 0x91);  // 11 PM
  wr(0x0B, 0x04);  // binary, 12-hour
  EXPECT_EQ(rd(0x04), 0x8B);
  now = 2'000'000'000;  // midnight is 12 AM
  EXPECT_EQ(rd(0x04), 12);
  wr(0x0B, 0x00);
  EXPECT_EQ(rd(0x04), 0x12);
}

TEST_F(CmosTest, GuestSetsTheTimeWithSetBit) {
  wr(0x0B, 0x82);  // SET
  now = 5'000'000'000;
  EXPECT_EQ(rd(0x00), 0x58);  // frozen
  wr(0x04, 0x10);
  wr(0x02, 0x30);
  wr(0x00, 0x00);
  wr(0x09, 0x99);
  wr(0x32, 0x19);
  wr(0x0B, 0x02);  // run from 1999-02-29 10:30:00 (read back as written) ...
  EXPECT_EQ(rd(0x04), 0x10);
  EXPECT_EQ(rd(0x02), 0x30);
  EXPECT_EQ(rd(0x09), 0x99);
  EXPECT_EQ(rd(0x32), 0x19);
  EXPECT_EQ(rd(0x08), 0x02);
  EXPECT_EQ(rd(0x07), 0x29);
  now += 1'000'000'000;  // ... which is 1999-03-01 at the first update
  EXPECT_EQ(rd(0x08), 0x03);
  EXPECT_EQ(rd(0x07), 0x01);
  EXPECT_EQ(rd(0x00), 0x01);
  now += 60'000'000'000;
  EXPECT_EQ(rd(0x02), 0x31);
  EXPECT_EQ(rd(0x00), 0x01);
  EXPECT_EQ(cmos.stats().time_sets, 1u);
}

TEST_F(CmosTest, DirectWriteWithoutSetMovesTheClock) {
  wr(0x04, 0x05);
  EXPECT_EQ(rd(0x04), 0x05);
  EXPECT_EQ(rd(0x02), 0x59);
  EXPECT_EQ(rd(0x07), 0x29);
}

TEST_F(CmosTest, FieldByFieldDateSetIsNotNormalisedHalfWay) {
  wr(0x07, 0x31);  // 31 February for a moment
  EXPECT_EQ(rd(0x07), 0x31);
  EXPECT_EQ(rd(0x08), 0x02);
  wr(0x08, 0x01);  // then January: 31 January, not 2 January
  EXPECT_EQ(rd(0x07), 0x31);
  EXPECT_EQ(rd(0x08), 0x01);
  now = 1'500'000'000;  // the next second: 2024-01-31 23:59:59, then midnight
  EXPECT_EQ(rd(0x00), 0x59);
  EXPECT_EQ(rd(0x07), 0x31);
  now = 2'500'000'000;
  EXPECT_EQ(rd(0x07), 0x01);
  EXPECT_EQ(rd(0x08), 0x02);
  EXPECT_EQ(rd(0x06), 0x05);  // 1 February 2024 is a Thursday
}

TEST_F(CmosTest, SetBitClearsUpdateInterruptEnable) {
  wr(0x0B, 0x12);
  EXPECT_EQ(rd(0x0B), 0x12);
  wr(0x0B, 0x92);
  EXPECT_EQ(rd(0x0B), 0x82);
}

TEST_F(CmosTest, PeriodicInterruptAt1024Hz) {
  wr(0x0B, 0x42);  // PIE
  uint64_t next = cmos.update(now);
  EXPECT_EQ(next, 976'563u);  // 32 ticks of 32768 Hz, rounded up
  EXPECT_EQ(edges, 0);
  now = next;
  next = cmos.update(now);
  EXPECT_EQ(edges, 1);
  EXPECT_TRUE(level);
  EXPECT_EQ(next, 1'953'125u);
  EXPECT_EQ(rd(0x0C), 0xC0);  // IRQF | PF, and reading clears
  EXPECT_FALSE(level);
  EXPECT_EQ(rd(0x0C), 0x00);
  // Ten periods at once: one flag, nine coalesced.
  now = 976'563u * 11;
  cmos.update(now);
  EXPECT_EQ(edges, 2);
  EXPECT_EQ(cmos.stats().periodic, 2u);
  EXPECT_EQ(cmos.stats().periodic_coalesced, 9u);
}

TEST_F(CmosTest, PeriodicRateFromRegisterA) {
  wr(0x0A, 0x2F);  // rate 15: 2 Hz
  wr(0x0B, 0x42);
  EXPECT_EQ(cmos.update(0), 500'000'000u);
  wr(0x0A, 0x23);  // rate 3: 122.07 us
  EXPECT_EQ(cmos.update(0), 122'071u);
  wr(0x0A, 0x21);  // rate 1 = rate 8: 3.90625 ms
  EXPECT_EQ(cmos.update(0), 3'906'250u);
  wr(0x0A, 0x20);  // off
  EXPECT_EQ(cmos.update(0), kNoEvent);
}

TEST_F(CmosTest, PeriodicFlagWithoutInterruptEnable) {
  now = 10'000'000;
  EXPECT_EQ(rd(0x0C), 0x40);  // PF without IRQF
  EXPECT_EQ(edges, 0);
}

TEST_F(CmosTest, UpdateEndedInterruptEachSecond) {
  wr(0x0A, 0x20);  // no periodic
  wr(0x0B, 0x12);  // UIE
  uint64_t next = cmos.update(0);
  EXPECT_EQ(next, 1'000'000'000u);
  EXPECT_EQ(edges, 0);
  now = next;
  cmos.update(now);
  EXPECT_EQ(edges, 1);
  EXPECT_EQ(rd(0x0C), 0x90);
}

TEST_F(CmosTest, AlarmFiresAtTheMatchingSecond) {
  wr(0x0A, 0x20);
  wr(0x01, 0x59);  // 23:59:59
  wr(0x03, 0xC0);  // any minute
  wr(0x05, 0x23);
  wr(0x0B, 0x22);  // AIE
  now = 1'000'000'000;
  cmos.update(now);
  EXPECT_EQ(edges, 1);
  EXPECT_EQ(rd(0x0C) & 0xA0, 0xA0);
  now = 2'000'000'000;  // 00:00:00: no match
  cmos.update(now);
  EXPECT_EQ(rd(0x0C) & 0x20, 0x00);
  EXPECT_EQ(cmos.stats().alarms, 1u);
}

TEST_F(CmosTest, UpdateInProgressJustBeforeTheSecond) {
  now = 500'000'000;
  EXPECT_EQ(rd(0x0A) & 0x80, 0x00);
  now = 999'900'000;
  EXPECT_EQ(rd(0x0A) & 0x80, 0x80);
  now = 1'000'000'000;
  EXPECT_EQ(rd(0x0A) & 0x80, 0x00);
}

TEST_F(CmosTest, RamBytesAndChecksum) {
  cmos.set_byte(Cmos::kFloppyTypes, 0x40);  // A: 1.44 MB
  cmos.set_byte(Cmos::kBaseMemLo, 0x80);
  cmos.set_byte(Cmos::kBaseMemHi, 0x02);   // 640 KB
  cmos.set_byte(Cmos::kExtMemLo, 0x00);
  cmos.set_byte(Cmos::kExtMemHi, 0x3C);    // 15 MB
  cmos.update_checksum();
  EXPECT_EQ(rd(0x10), 0x40);
  EXPECT_EQ(rd(0x16), 0x02);
  EXPECT_EQ(cmos.checksum(), 0x40 + 0x80 + 0x02 + 0x3C);
  EXPECT_EQ(rd(0x2E), 0x00);
  EXPECT_EQ(rd(0x2F), 0xFE);
  wr(0x20, 0x10);  // guest writes into the checksummed range
  cmos.update_checksum();
  EXPECT_EQ(rd(0x2E), 0x01);
  EXPECT_EQ(rd(0x2F), 0x0E);
  EXPECT_EQ(cmos.get_byte(0x7F), 0x00);
  cmos.set_byte(0x7F, 0xA5);
  EXPECT_EQ(rd(0x7F), 0xA5);
}

TEST_F(CmosTest, NmiDisableBitAndReadOnlyRegisters) {
  EXPECT_TRUE(cmos.nmi_enabled());
  bus.write(0x70, 1, 0x8D);
  EXPECT_FALSE(cmos.nmi_enabled());
  EXPECT_EQ(bus.read(0x71, 1), 0x80u);  // register D through the NMI bit
  wr(0x0D, 0x00);
  EXPECT_EQ(rd(0x0D), 0x80);
  wr(0x0C, 0xFF);
  EXPECT_EQ(rd(0x0C), 0x00);
  EXPECT_TRUE(cmos.nmi_enabled());
}

TEST_F(CmosTest, HostTimeIsPlausible) {
  Cmos host{GuestClock{}, IrqLine{}};
  uint8_t century = host.get_byte(Cmos::kCentury);
  EXPECT_EQ(century, 0x20);
  std::ostringstream os;
  host.print_stats(os);
  EXPECT_NE(os.str().find("NMI enabled"), std::string::npos);
}

}  // namespace
}  // namespace pxos

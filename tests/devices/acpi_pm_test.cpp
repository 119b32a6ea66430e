#include "devices/acpi_pm.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "vm/bus.h"

namespace pxos {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

struct AcpiPmTest : ::testing::Test {
  PortBus bus;
  uint64_t now = 0;
  std::vector<bool> sci_levels;
  int power_offs = 0;
  AcpiPm pm{GuestClock{[this] { return now; }}, IrqLine{[this](int, bool level) { sci_levels.push_back(level); }, 9}};
  AcpiPmTest() {
    pm.attach(bus);
    pm.on_power_off = [this] { ++power_offs; };
  }
  uint32_t timer() { return uint32_t(bus.read(AcpiPm::kTmrPort, 4)); }
  uint16_t sts() { return uint16_t(bus.read(AcpiPm::kEvtPort, 2)); }
};

TEST_F(AcpiPmTest, TimerCountsAt3579545HzIn24Bits) {
  EXPECT_EQ(timer(), 0u);
  now = kSecond;
  EXPECT_EQ(timer(), 3'579'545u);
  now = 10 * kSecond;  // 35,795,450 = 2 * 2^24 + 2,241,018
  EXPECT_EQ(timer(), 35'795'450u & 0xFFFFFF);
  // Byte and word reads see the same count.
  EXPECT_EQ(bus.read(AcpiPm::kTmrPort, 1), 35'795'450u & 0xFF);
  EXPECT_EQ(bus.read(AcpiPm::kTmrPort + 1, 2), (35'795'450u >> 8) & 0xFFFF);
  EXPECT_EQ(bus.read(AcpiPm::kTmrPort + 3, 1), 0u) << "bits 24-31 read 0";
  bus.write(AcpiPm::kTmrPort, 4, 0x12345678);  // read-only
  EXPECT_EQ(timer(), 35'795'450u & 0xFFFFFF);
}

TEST_F(AcpiPmTest, TimerStatusSetsAtBit23AndRaisesSciWhenEnabled) {
  EXPECT_EQ(sts() & AcpiPm::kTmrSts, 0);
  uint64_t change = pm.timer()(0);
  EXPECT_EQ(change, kNoEvent) << "no wake-up while TMR_EN is clear";
  bus.write(AcpiPm::kEvtPort + 2, 2, AcpiPm::kTmrEn);
  change = pm.timer()(now);
  EXPECT_EQ(change, (uint64_t{1} << 23) * kSecond / 3'579'545 + 1) << "bit 23 changes after 2.34 s";
  now = change - 1;
  EXPECT_EQ(pm.timer()(now), change);
  EXPECT_TRUE(sci_levels.empty());
  now = change;
  pm.timer()(now);
  EXPECT_TRUE(sts() & AcpiPm::kTmrSts);
  EXPECT_EQ(sci_levels, std::vector<bool>{true});
  bus.write(AcpiPm::kEvtPort, 2, AcpiPm::kTmrSts);  // write 1 to clear
  EXPECT_EQ(sts() & AcpiPm::kTmrSts, 0);
  EXPECT_EQ(sci_levels, (std::vector<bool>{true, false}));
  EXPECT_EQ(pm.stats().sci_raised, 1u);
}

TEST_F(AcpiPmTest, PowerButtonStatusAndEnable) {
  pm.press_power_button();
  EXPECT_TRUE(sts() & AcpiPm::kPwrBtnSts);
  EXPECT_TRUE(sci_levels.empty()) << "PWRBTN_EN is clear";
  bus.write(AcpiPm::kEvtPort + 3, 1, AcpiPm::kPwrBtnEn >> 8);  // the enable's high byte alone
  EXPECT_EQ(pm.enable(), AcpiPm::kPwrBtnEn);
  EXPECT_EQ(sci_levels, std::vector<bool>{true});
  bus.write(AcpiPm::kEvtPort, 4, uint32_t(AcpiPm::kPwrBtnSts) | uint32_t(AcpiPm::kPwrBtnEn) << 16);
  EXPECT_EQ(sts() & AcpiPm::kPwrBtnSts, 0);
  EXPECT_EQ(sci_levels, (std::vector<bool>{true, false}));
  bus.write(AcpiPm::kEvtPort + 2, 2, 0xFFFF);
  EXPECT_EQ(pm.enable(), AcpiPm::kEnBits) << "only the enables the device has";
}

TEST_F(AcpiPmTest, SciEnReadsOneAndSlpEnReadsZero) {
  EXPECT_EQ(bus.read(AcpiPm::kCntPort, 2), AcpiPm::kSciEn);
  bus.write(AcpiPm::kCntPort, 2, 0);  // ACPI cannot be switched off
  EXPECT_EQ(bus.read(AcpiPm::kCntPort, 2) & AcpiPm::kSciEn, AcpiPm::kSciEn);
  bus.write(AcpiPm::kCntPort, 2, 5u << AcpiPm::kSlpTypShift | AcpiPm::kBmRld);
  EXPECT_EQ(bus.read(AcpiPm::kCntPort, 2), 5u << AcpiPm::kSlpTypShift | AcpiPm::kBmRld | AcpiPm::kSciEn);
  EXPECT_EQ(power_offs, 0) << "SLP_TYP alone does nothing";
}

TEST_F(AcpiPmTest, SlpEnWithSoftOffPowersOff) {
  bus.write(AcpiPm::kCntPort, 2, AcpiPm::kSlpTypSoftOff << AcpiPm::kSlpTypShift);
  EXPECT_EQ(power_offs, 0);
  bus.write(AcpiPm::kCntPort, 2, AcpiPm::kSlpTypSoftOff << AcpiPm::kSlpTypShift | AcpiPm::kSlpEn);
  EXPECT_EQ(power_offs, 1);
  EXPECT_EQ(bus.read(AcpiPm::kCntPort, 2) & AcpiPm::kSlpEn, 0u);
  EXPECT_EQ(pm.stats().power_offs, 1u);
}

TEST_F(AcpiPmTest, OtherSleepTypesWakeAtOnce) {
  bus.write(AcpiPm::kCntPort + 1, 1, uint8_t((1u << AcpiPm::kSlpTypShift | AcpiPm::kSlpEn) >> 8));
  EXPECT_EQ(power_offs, 0);
  EXPECT_TRUE(sts() & AcpiPm::kWakSts);
  EXPECT_EQ(pm.stats().sleeps_refused, 1u);
  bus.write(AcpiPm::kEvtPort + 1, 1, AcpiPm::kWakSts >> 8);
  EXPECT_EQ(sts() & AcpiPm::kWakSts, 0);
}

TEST_F(AcpiPmTest, ReservedPlacesReadZeroAndIgnoreWrites) {
  for (uint16_t off : {6, 7, 12, 13, 14, 15}) {
    bus.write(uint16_t(AcpiPm::kBase + off), 1, 0xFF);
    EXPECT_EQ(bus.read(uint16_t(AcpiPm::kBase + off), 1), 0u) << off;
  }
  EXPECT_EQ(pm.stats().ignored_writes, 6u);
  EXPECT_EQ(bus.read(AcpiPm::kBase + 16, 1), 0xFFu) << "not the device's";
  std::ostringstream os;
  pm.print_stats(os);
  EXPECT_NE(os.str().find("6 ignored writes"), std::string::npos);
}

}  // namespace
}  // namespace pxos

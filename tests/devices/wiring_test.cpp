// The devices wired together as the machine builder will: device IrqLines
// into the PIC, timers driven by one clock.
#include <gtest/gtest.h>

#include "devices/cmos.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/uart.h"
#include "vm/bus.h"

namespace pxos {
namespace {

struct WiringTest : ::testing::Test {
  uint64_t now = 0;
  GuestClock clock{[this] { return now; }};
  PortBus bus;
  Pic pic;
  Pit pit{clock, pic.line(0)};
  Cmos cmos{clock, pic.line(8), std::time_t(0)};
  I8042 kbc{pic.line(1), pic.line(12)};
  Uart com1{Uart::kCom1Base, pic.line(Uart::kCom1Irq)};
  WiringTest() {
    pic.attach(bus);
    pit.attach(bus);
    cmos.attach(bus);
    kbc.attach(bus);
    com1.attach(bus);
    for (auto [port, v] : {std::pair{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}, {0xA0, 0x11},
                           {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}})
      bus.write(uint16_t(port), 1, uint8_t(v));
  }
};

TEST_F(WiringTest, TimerTickReachesTheCpuAsVector08) {
  bus.write(0x43, 1, 0x36);  // channel 0, mode 3, the BIOS's 18.2 Hz
  bus.write(0x40, 1, 0x00);
  bus.write(0x40, 1, 0x00);
  uint64_t next = pit.update(now);
  EXPECT_FALSE(pic.intr_pending());
  now = next;
  pit.update(now);
  ASSERT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x08);
  bus.write(0x20, 1, 0x20);
  EXPECT_FALSE(pic.intr_pending());
  now = pit.update(now);  // the next period
  pit.update(now);
  EXPECT_EQ(pic.acknowledge(), 0x08);
}

TEST_F(WiringTest, RtcPeriodicInterruptIsVector70AndNeedsRegisterCRead) {
  bus.write(0x70, 1, 0x0B);
  bus.write(0x71, 1, 0x42);  // PIE
  now = cmos.update(now);
  cmos.update(now);
  ASSERT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x70);
  bus.write(0xA0, 1, 0x20);
  bus.write(0x20, 1, 0x20);
  now = cmos.update(now);
  cmos.update(now);
  EXPECT_FALSE(pic.intr_pending());  // IRQ8 still high: register C not read
  bus.write(0x70, 1, 0x0C);
  bus.read(0x71, 1);
  now = cmos.update(now);
  cmos.update(now);
  EXPECT_TRUE(pic.intr_pending());
}

TEST_F(WiringTest, KeyAndSerialInterrupts) {
  const uint8_t key[] = {0x1C};
  kbc.key_event(key);
  EXPECT_EQ(pic.acknowledge(), 0x09);
  EXPECT_EQ(bus.read(0x60, 1), 0x1Cu);
  bus.write(0x20, 1, 0x20);
  bus.write(0x3FC, 1, 0x08);  // OUT2
  bus.write(0x3F9, 1, 0x01);  // received-data interrupt
  const uint8_t in[] = {'$'};
  com1.receive(in);
  EXPECT_EQ(pic.acknowledge(), 0x0C);
  EXPECT_EQ(bus.read(0x3FA, 1), 0x04u);
  EXPECT_EQ(bus.read(0x3F8, 1), uint32_t('$'));
  bus.write(0x20, 1, 0x20);
  EXPECT_FALSE(pic.intr_pending());
}

// A mouse byte is IRQ 12: vector 74h through the slave, which needs an EOI
// on both chips.
TEST_F(WiringTest, MouseInterruptIsVector74ThroughTheSlave) {
  bus.write(0x64, 1, 0x60);
  bus.write(0x60, 1, 0x47);  // command byte: IRQ 1 and IRQ 12
  bus.write(0x64, 1, 0xD4);
  bus.write(0x60, 1, 0xF4);  // enable reporting: ACK
  ASSERT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x74);
  EXPECT_EQ(bus.read(0x64, 1) & 0x21, 0x21u);
  EXPECT_EQ(bus.read(0x60, 1), 0xFAu);
  bus.write(0xA0, 1, 0x20);
  bus.write(0x20, 1, 0x20);
  kbc.mouse_event(1, 0, 0, 0);
  EXPECT_EQ(pic.acknowledge(), 0x74);
  EXPECT_EQ(bus.read(0x60, 1), 0x08u);
}

}  // namespace
}  // namespace pxos

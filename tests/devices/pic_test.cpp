#include "devices/pic.h"

#include <gtest/gtest.h>

#include <sstream>

#include "vm/bus.h"

namespace pxos {
namespace {

constexpr uint8_t kReadIrr = 0x0A, kReadIsr = 0x0B, kEoi = 0x20;

struct PicTest : ::testing::Test {
  PortBus bus;
  Pic pic;
  PicTest() { pic.attach(bus); }

  // What a PC BIOS does: edge, cascade, ICW4, bases 08h and 70h.
  void init(uint8_t icw4 = 0x01) {
    bus.write(0x20, 1, 0x11);
    bus.write(0x21, 1, 0x08);
    bus.write(0x21, 1, 0x04);
    bus.write(0x21, 1, icw4);
    bus.write(0xA0, 1, 0x11);
    bus.write(0xA1, 1, 0x70);
    bus.write(0xA1, 1, 0x02);
    bus.write(0xA1, 1, icw4);
    bus.write(0x21, 1, 0x00);
    bus.write(0xA1, 1, 0x00);
  }
  uint8_t isr(uint16_t cmd) {
    bus.write(cmd, 1, kReadIsr);
    return uint8_t(bus.read(cmd, 1));
  }
  uint8_t irr(uint16_t cmd) {
    bus.write(cmd, 1, kReadIrr);
    return uint8_t(bus.read(cmd, 1));
  }
};

TEST_F(PicTest, UninitialisedChipsDeliverNothingButLatch) {
  EXPECT_FALSE(pic.initialised(0));
  EXPECT_EQ(pic.imr(0), 0xFF);
  pic.set_irq(1, true);
  EXPECT_FALSE(pic.intr_pending());
  init();
  // ICW1 resets the edge latches: the request raised before needs a new edge.
  EXPECT_FALSE(pic.intr_pending());
  pic.set_irq(1, false);
  pic.set_irq(1, true);
  EXPECT_TRUE(pic.intr_pending());
}

TEST_F(PicTest, InitSequenceSetsBasesAndMask) {
  init();
  EXPECT_TRUE(pic.initialised(0));
  EXPECT_TRUE(pic.initialised(1));
  EXPECT_EQ(pic.vector_base(0), 0x08);
  EXPECT_EQ(pic.vector_base(1), 0x70);
  bus.write(0x21, 1, 0xB8);
  EXPECT_EQ(bus.read(0x21, 1), 0xB8u);
  bus.write(0xA1, 1, 0x8F);
  EXPECT_EQ(bus.read(0xA1, 1), 0x8Fu);
}

TEST_F(PicTest, RaiseAcknowledgeEoi) {
  init();
  pic.set_irq(1, true);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(irr(0x20), 0x02);
  EXPECT_EQ(pic.acknowledge(), 0x09);
  EXPECT_FALSE(pic.intr_pending());
  EXPECT_EQ(isr(0x20), 0x02);
  EXPECT_EQ(irr(0x20), 0x00);
  bus.write(0x20, 1, kEoi);
  EXPECT_EQ(isr(0x20), 0x00);
  EXPECT_EQ(pic.stats().acknowledges, 1u);
  EXPECT_EQ(pic.stats().requests[1], 1u);
}

TEST_F(PicTest, MaskedRequestIsHeldUntilUnmasked) {
  init();
  bus.write(0x21, 1, 0x02);
  pic.set_irq(1, true);
  EXPECT_FALSE(pic.intr_pending());
  EXPECT_EQ(irr(0x20), 0x02);
  bus.write(0x21, 1, 0x00);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x09);
}

TEST_F(PicTest, EdgeTriggeringNeedsANewRisingEdge) {
  init();
  pic.set_irq(4, true);
  EXPECT_EQ(pic.acknowledge(), 0x0C);
  bus.write(0x20, 1, kEoi);
  pic.set_irq(4, true);  // still high: no new edge
  EXPECT_FALSE(pic.intr_pending());
  pic.set_irq(4, false);
  EXPECT_FALSE(pic.intr_pending());
  pic.set_irq(4, true);
  EXPECT_TRUE(pic.intr_pending());
}

TEST_F(PicTest, PulsedLineStaysLatchedUntilAcknowledged) {
  init();
  pic.line(0).pulse();
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x08);
}

TEST_F(PicTest, CascadeThroughIrq2) {
  init();
  pic.set_irq(8, true);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x70);
  EXPECT_EQ(isr(0x20), 0x04);
  EXPECT_EQ(isr(0xA0), 0x01);
  pic.set_irq(14, true);  // lower priority than 8, which is in service
  EXPECT_FALSE(pic.intr_pending());
  bus.write(0xA0, 1, kEoi);
  EXPECT_FALSE(pic.intr_pending());  // master IR2 still in service
  bus.write(0x20, 1, kEoi);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x76);
}

TEST_F(PicTest, MaskingTheCascadeBlocksTheSlave) {
  init();
  bus.write(0x21, 1, 0x04);
  pic.set_irq(12, true);
  EXPECT_FALSE(pic.intr_pending());
  bus.write(0x21, 1, 0x00);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x74);
}

TEST_F(PicTest, Irq2IsRedirectedToIrq9) {
  init();
  pic.set_irq(2, true);
  EXPECT_EQ(pic.acknowledge(), 0x71);
}

TEST_F(PicTest, SpuriousIrq7WhenTheRequestWasMaskedBeforeInta) {
  init();
  pic.set_irq(3, true);
  EXPECT_TRUE(pic.intr_pending());
  bus.write(0x21, 1, 0x08);  // the guest masks it between INTR and INTA
  EXPECT_EQ(pic.acknowledge(), 0x0F);
  EXPECT_EQ(isr(0x20), 0x00);  // no ISR bit for a spurious IRQ7
  EXPECT_EQ(pic.stats().spurious_master, 1u);
}

TEST_F(PicTest, SpuriousIrq7WhenALevelRequestWentAway) {
  init();
  bus.write(0x4D0, 1, 0x08);  // IRQ3 level-triggered
  EXPECT_EQ(bus.read(0x4D0, 1), 0x08u);
  pic.set_irq(3, true);
  EXPECT_TRUE(pic.intr_pending());
  pic.set_irq(3, false);
  EXPECT_FALSE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x0F);
  EXPECT_EQ(isr(0x20), 0x00);
}

TEST_F(PicTest, SpuriousIrq15SetsOnlyTheMasterIsr) {
  init();
  bus.write(0x4D1, 1, 0x02);  // IRQ9 level-triggered
  pic.set_irq(9, true);
  pic.set_irq(9, false);  // gone from the slave; the master latched IR2's edge
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x77);
  EXPECT_EQ(isr(0x20), 0x04);
  EXPECT_EQ(isr(0xA0), 0x00);
  EXPECT_EQ(pic.stats().spurious_slave, 1u);
}

TEST_F(PicTest, ElcrKeepsIrq0To2Edge) {
  bus.write(0x4D0, 1, 0xFF);
  bus.write(0x4D1, 1, 0xFF);
  EXPECT_EQ(bus.read(0x4D0, 1), 0xF8u);
  EXPECT_EQ(bus.read(0x4D1, 1), 0xDEu);
}

TEST_F(PicTest, PriorityAndNesting) {
  init();
  pic.set_irq(5, true);
  pic.set_irq(3, true);
  EXPECT_EQ(pic.acknowledge(), 0x0B);  // 3 before 5
  EXPECT_FALSE(pic.intr_pending());    // 5 is lower than 3 in service
  pic.set_irq(1, true);
  EXPECT_TRUE(pic.intr_pending());     // 1 nests over 3
  EXPECT_EQ(pic.acknowledge(), 0x09);
  EXPECT_EQ(isr(0x20), 0x0A);
  bus.write(0x20, 1, kEoi);             // non-specific: clears 1, the highest
  EXPECT_EQ(isr(0x20), 0x08);
  EXPECT_FALSE(pic.intr_pending());
  bus.write(0x20, 1, 0x63);             // specific EOI for 3
  EXPECT_EQ(isr(0x20), 0x00);
  EXPECT_EQ(pic.acknowledge(), 0x0D);
}

TEST_F(PicTest, SetPriorityRotates) {
  init();
  bus.write(0x20, 1, 0xC3);  // IRQ3 lowest: order 4 5 6 7 0 1 2 3
  pic.set_irq(1, true);
  pic.set_irq(5, true);
  EXPECT_EQ(pic.acknowledge(), 0x0D);
  bus.write(0x20, 1, 0xA0);  // rotate on non-specific EOI: 5 becomes lowest
  EXPECT_EQ(pic.acknowledge(), 0x09);
  bus.write(0x20, 1, kEoi);
  // Now 6 is highest: 6 beats 0.
  pic.set_irq(0, true);
  pic.set_irq(6, true);
  EXPECT_EQ(pic.acknowledge(), 0x0E);
}

TEST_F(PicTest, AutoEoiLeavesIsrClear) {
  init(0x03);
  pic.set_irq(1, true);
  EXPECT_EQ(pic.acknowledge(), 0x09);
  EXPECT_EQ(isr(0x20), 0x00);
  pic.set_irq(4, true);
  EXPECT_TRUE(pic.intr_pending());  // nothing in service blocks it
}

TEST_F(PicTest, PollCommandActsAsAcknowledge) {
  init();
  bus.write(0x20, 1, 0x0C);
  EXPECT_EQ(bus.read(0x20, 1), 0x00u);  // nothing pending
  pic.set_irq(6, true);
  bus.write(0x20, 1, 0x0C);
  EXPECT_EQ(bus.read(0x20, 1), 0x86u);
  EXPECT_EQ(isr(0x20), 0x40);
  EXPECT_EQ(bus.read(0x21, 1), 0x00u);  // poll consumed; the data port reads IMR again
}

TEST_F(PicTest, SpecialMaskModeLetsLowerLevelsThrough) {
  init();
  pic.set_irq(3, true);
  EXPECT_EQ(pic.acknowledge(), 0x0B);
  pic.set_irq(6, true);
  EXPECT_FALSE(pic.intr_pending());
  bus.write(0x21, 1, 0x08);  // mask 3 (in service)
  bus.write(0x20, 1, 0x68);  // enter special mask mode
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.acknowledge(), 0x0E);
  bus.write(0x20, 1, 0x48);  // leave it
  bus.write(0x20, 1, 0x66);
  EXPECT_EQ(isr(0x20), 0x08);
}

TEST_F(PicTest, IntrCallbackFollowsTheOutput) {
  init();
  std::vector<bool> seen;
  pic.on_intr = [&](bool level) { seen.push_back(level); };
  pic.set_irq(0, true);
  pic.acknowledge();
  EXPECT_EQ(seen, (std::vector<bool>{true, false}));
}

TEST_F(PicTest, WordWriteSplitsIntoBytes) {
  init();
  bus.write(0x20, 2, 0xFF0A);  // OCW3 to 20h, then FFh to 21h (the IMR)
  EXPECT_EQ(pic.imr(0), 0xFF);
  EXPECT_EQ(bus.read(0x20, 2), 0xFF00u);  // IRR low, IMR high
}

TEST_F(PicTest, StatsNameSpuriousInterrupts) {
  init();
  pic.acknowledge();
  std::ostringstream os;
  pic.print_stats(os);
  EXPECT_NE(os.str().find("1 spurious IRQ7"), std::string::npos);
}

}  // namespace
}  // namespace pxos

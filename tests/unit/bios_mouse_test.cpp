// INT 15h AH=C2h on explicit register frames, with the keyboard controller
// and its mouse on the BIOS's port bus.
#include <gtest/gtest.h>

#include <vector>

#include "bios/bios.h"
#include "bios/mouse.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "vm/bus.h"

namespace pxos {
namespace {

class MouseServices : public ::testing::Test {
 protected:
  void SetUp() override {
    pic_.attach(ports_);
    kbc_.attach(ports_);
    bios_ = std::make_unique<Bios>(mem_, BiosConfig{});
    bios_->install(ports_);
    CpuState cpu;
    bios_->post(cpu);
  }
  BiosCall call(uint16_t ax, uint16_t bx = 0, uint16_t es = 0) {
    cpu_ = CpuState{};
    cpu_.set_r16(EAX, ax);
    cpu_.set_r16(EBX, bx);
    cpu_.load_real_segment(ES, es);
    BiosCall c{cpu_, flag::FIXED1, 0x15};
    bios_->dispatch(c);
    return c;
  }
  uint32_t ebda() { return uint32_t{mem_.read16(bda::kBase + bda::kEbdaSegment)} << 4; }
  void expect_ok(const BiosCall& c) {
    EXPECT_FALSE(c.cf()) << "AH=" << int(c.ah());
    EXPECT_EQ(c.ah(), 0);
  }
  void expect_error(const BiosCall& c, uint8_t ah) {
    EXPECT_TRUE(c.cf());
    EXPECT_EQ(c.ah(), ah);
  }
  uint8_t status() { return uint8_t(ports_.read(0x64, 1)); }

  GuestMemory mem_{GuestMemory::kMinRam};
  PortBus ports_;
  Pic pic_;
  I8042 kbc_{pic_.line(1), pic_.line(12)};
  std::unique_ptr<Bios> bios_;
  CpuState cpu_;
};

TEST_F(MouseServices, PostReportsAPointingDeviceAndLeavesTheMouseOff) {
  cpu_ = CpuState{};
  BiosCall c{cpu_, flag::FIXED1, 0x11};
  bios_->dispatch(c);
  EXPECT_TRUE(c.ax() & kEquipmentMouse);
  EXPECT_FALSE(kbc_.aux_enabled());
  EXPECT_FALSE(kbc_.command_byte() & I8042::kCmdIrq12);
  EXPECT_EQ(mem_.read16(0x74 * 4 + 2), 0xF000);  // INT 74h: the ROM's handler
  EXPECT_NE(mem_.read16(0x74 * 4), mem_.read16(0x75 * 4));
  EXPECT_EQ(mem_.read8(ebda() + ebda::kMouseFlags2), 2);  // packets of 3, no handler
}

TEST_F(MouseServices, EnableNeedsAHandler) {
  expect_error(call(0xC200, 0x0100), 0x05);
  EXPECT_FALSE(kbc_.mouse().reporting());
}

TEST_F(MouseServices, HandlerEnableDisable) {
  expect_ok(call(0xC205, 0x0300));
  expect_ok(call(0xC207, 0x1234, 0x5678));
  EXPECT_EQ(mem_.read16(ebda() + ebda::kMouseHandler), 0x1234);
  EXPECT_EQ(mem_.read16(ebda() + ebda::kMouseHandler + 2), 0x5678);
  EXPECT_EQ(mem_.read8(ebda() + ebda::kMouseFlags2), 0x82);  // installed, packets of 3
  expect_ok(call(0xC200, 0x0100));
  EXPECT_TRUE(kbc_.mouse().reporting());
  EXPECT_TRUE(kbc_.aux_enabled());
  EXPECT_TRUE(kbc_.command_byte() & I8042::kCmdIrq12);
  EXPECT_TRUE(kbc_.command_byte() & I8042::kCmdIrq1);
  EXPECT_FALSE(kbc_.command_byte() & I8042::kCmdKbdDisabled);
  EXPECT_FALSE(status() & 0x01);  // the ACK was taken by the BIOS
  expect_ok(call(0xC200, 0x0000));
  EXPECT_FALSE(kbc_.mouse().reporting());
  EXPECT_FALSE(kbc_.aux_enabled());
  EXPECT_FALSE(kbc_.command_byte() & I8042::kCmdIrq12);
  expect_error(call(0xC200, 0x0200), 0x01);
}

TEST_F(MouseServices, RemovingTheHandlerDisablesTheMouse) {
  expect_ok(call(0xC207, 0x1234, 0x5678));
  expect_ok(call(0xC200, 0x0100));
  expect_ok(call(0xC207, 0, 0));
  EXPECT_FALSE(mem_.read8(ebda() + ebda::kMouseFlags2) & ebda::kHandlerInstalled);
  EXPECT_FALSE(kbc_.mouse().reporting());
}

TEST_F(MouseServices, ResetAnswersSelfTestAndId) {
  BiosCall c = call(0xC201);
  expect_ok(c);
  EXPECT_EQ(c.bl(), 0xAA);
  EXPECT_EQ(c.bh(), 0x00);
}

TEST_F(MouseServices, PacketSizeIsChecked) {
  expect_error(call(0xC205, 0x0000), 0x02);
  expect_error(call(0xC205, 0x0900), 0x02);
  expect_ok(call(0xC205, 0x0800));
  EXPECT_EQ(mem_.read8(ebda() + ebda::kMouseFlags2) & 7, 7);
}

TEST_F(MouseServices, RateResolutionScalingShowInTheStatus) {
  expect_ok(call(0xC202, 0x0600));  // 200 per second
  expect_ok(call(0xC203, 0x0300));  // 8 counts per mm
  expect_ok(call(0xC206, 0x0200));  // 2:1
  BiosCall c = call(0xC206, 0x0000);
  expect_ok(c);
  EXPECT_EQ(c.bl(), 0x10);
  EXPECT_EQ(cpu_.r8lo(ECX), 3);
  EXPECT_EQ(cpu_.r8lo(EDX), 200);
  expect_error(call(0xC202, 0x0700), 0x02);
  expect_error(call(0xC203, 0x0400), 0x02);
  expect_error(call(0xC206, 0x0300), 0x01);
  expect_error(call(0xC208), 0x01);
}

TEST_F(MouseServices, GetTypeReadsTheDeviceId) {
  BiosCall first = call(0xC204);
  expect_ok(first);
  EXPECT_EQ(first.bh(), 0x00);
  for (uint8_t rate : {200, 100, 80}) {  // the IntelliMouse knock, as a driver does it
    ports_.write(0x64, 1, 0xD4);
    ports_.write(0x60, 1, 0xF3);
    ports_.write(0x64, 1, 0xD4);
    ports_.write(0x60, 1, rate);
  }
  BiosCall c = call(0xC204);  // the ACKs left behind are dropped first
  expect_ok(c);
  EXPECT_EQ(c.bh(), 0x03);
}

TEST_F(MouseServices, AKeyInTheBufferMakesTheCallWaitNotVanish) {
  const uint8_t key[] = {0x1E};
  kbc_.key_event(key);
  EXPECT_TRUE(call(0xC201).waiting());
  EXPECT_EQ(ports_.read(0x60, 1), 0x1Eu);  // still there for INT 09h
  BiosCall c = call(0xC201);
  EXPECT_FALSE(c.waiting());
  expect_ok(c);
}

TEST_F(MouseServices, AKeyThatNeverLeavesIsDroppedInTheEnd) {
  const uint8_t key[] = {0x1E};
  kbc_.key_event(key);
  int waits = 0;
  while (call(0xC201).waiting()) ASSERT_LT(++waits, 1000);
  EXPECT_GT(waits, 10);
  expect_ok(call(0xC204));
}

TEST_F(MouseServices, WithoutAControllerTheCallFails) {
  PortBus empty;
  Bios bare(mem_, BiosConfig{});
  bare.install(empty);
  cpu_ = CpuState{};
  cpu_.set_r16(EAX, 0xC201);
  BiosCall c{cpu_, flag::FIXED1, 0x15};
  bare.dispatch(c);
  expect_error(c, 0x03);
}

}  // namespace
}  // namespace pxos

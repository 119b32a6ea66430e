// The pixel-driver device (devices/pixel.h), driven through a PortBus as a
// guest would: descriptor checks, execution into a UART, statistics, errors
// and the completion interrupt.
#include "devices/pixel.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "devices/serial_backend.h"
#include "devices/uart.h"
#include "vm/bus.h"
#include "vm/memory.h"
#include "pxi/format.h"

namespace pxos {
namespace {

struct Capture : SerialBackend {
  std::string out;
  void write(std::span<const uint8_t> bytes) override { out.append(bytes.begin(), bytes.end()); }
  std::string describe() const override { return "capture"; }
};

constexpr uint16_t B = PixelDevice::kBase;

struct PixelTest : ::testing::Test {
  GuestMemory mem{1 << 20};
  PortBus bus;
  std::shared_ptr<Capture> serial = std::make_shared<Capture>();
  Uart uart{Uart::kCom1Base, IrqLine{}, serial};
  std::vector<std::pair<int, bool>> irq_events;
  PixelDevice dev{mem, uart,
                  [this](int n) {
                    return IrqLine{[this](int irq, bool level) { irq_events.push_back({irq, level}); }, n};
                  },
                  "cpu", GuestClock{[] { return uint64_t{0}; }}};
  PixelTest() { dev.attach(bus); }

  // Puts a raw program at addr; returns its length.
  uint32_t place(uint32_t addr, const pxi::Program& p) {
    std::vector<uint8_t> raw = pxi::to_raw(p);
    EXPECT_TRUE(mem.write(addr, raw));
    return uint32_t(raw.size());
  }
  uint8_t submit(uint32_t addr, uint32_t len) {
    bus.write(B + PixelDevice::kAddr, 4, addr);
    bus.write(B + PixelDevice::kLength, 4, len);
    bus.write(B + PixelDevice::kCommand, 1, PixelDevice::kCmdSubmit);
    dev.wait_idle();
    return uint8_t(bus.read(B + PixelDevice::kCommand, 1));
  }
  uint32_t reg32(uint16_t off) { return bus.read(B + off, 4); }
  uint8_t reg8(uint16_t off) { return uint8_t(bus.read(B + off, 1)); }
};

TEST_F(PixelTest, ResetStateAndRegisters) {
  EXPECT_EQ(reg8(PixelDevice::kCommand), PixelDevice::kIdle);
  EXPECT_EQ(reg8(PixelDevice::kError), 0);
  EXPECT_EQ(reg8(PixelDevice::kBackend), PixelDevice::kBackendCpu);
  EXPECT_EQ(reg32(PixelDevice::kErrorOp), 0xFFFFFFFFu);
  EXPECT_EQ(reg32(PixelDevice::kCompletions), 0u);
  bus.write(B + PixelDevice::kAddr, 4, 0x12345678);
  EXPECT_EQ(reg32(PixelDevice::kAddr), 0x12345678u);
  bus.write(B + PixelDevice::kAddr + 1, 1, 0xAB);  // byte access into a dword register
  EXPECT_EQ(reg32(PixelDevice::kAddr), 0x1234AB78u);
  bus.write(B + PixelDevice::kLength, 2, 0x0400);
  EXPECT_EQ(reg32(PixelDevice::kLength), 0x0400u);
  bus.write(B + PixelDevice::kControl, 1, 0x85);
  EXPECT_EQ(reg8(PixelDevice::kControl), 0x85);
  bus.write(B + PixelDevice::kCompletions, 4, 7);  // read-only
  EXPECT_EQ(reg32(PixelDevice::kCompletions), 0u);
}

TEST_F(PixelTest, RunsAProgramIntoTheUart) {
  std::string text = "Hi, pixels";
  std::vector<pxi::Pixel> ops =
      pxi::ops_from_bytes({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, 12, 3);
  uint32_t len = place(0x10000, pxi::make_program(ops));
  EXPECT_EQ(submit(0x10000, len), PixelDevice::kDone);
  EXPECT_EQ(serial->out, text);
  EXPECT_EQ(uart.divisor(), 12);
  EXPECT_EQ(uart.lcr(), 3);
  EXPECT_EQ(reg32(PixelDevice::kCompletions), 1u);
  EXPECT_EQ(reg32(PixelDevice::kOps), text.size());
  EXPECT_EQ(reg32(PixelDevice::kBytes), text.size());
  EXPECT_EQ(reg32(PixelDevice::kLineChanges), 1u);
  EXPECT_EQ(reg8(PixelDevice::kError), 0);
  bus.write(B + PixelDevice::kCommand, 1, PixelDevice::kCmdAck);
  EXPECT_EQ(reg8(PixelDevice::kCommand), PixelDevice::kIdle);
}

TEST_F(PixelTest, BadDescriptorsTouchNothing) {
  // Past the end of RAM, and an address + length that wraps 32 bits.
  EXPECT_EQ(submit(0x00FFF000, 0x2000), PixelDevice::kFailed);
  EXPECT_EQ(reg8(PixelDevice::kError), PixelDevice::kErrBadAddress);
  EXPECT_EQ(submit(0xFFFFFE00, 0x400), PixelDevice::kFailed);
  EXPECT_EQ(reg8(PixelDevice::kError), PixelDevice::kErrBadAddress);
  EXPECT_EQ(submit(0x1000, 0xFFFFFFFF), PixelDevice::kFailed);
  EXPECT_EQ(reg8(PixelDevice::kError), PixelDevice::kErrBadLength);
  EXPECT_EQ(submit(0x1000, 100), PixelDevice::kFailed);  // shorter than the header sector
  EXPECT_EQ(reg8(PixelDevice::kError), PixelDevice::kErrBadLength);
  EXPECT_EQ(submit(0xEFF00, 0x400), PixelDevice::kFailed);  // runs into the ROM window
  EXPECT_EQ(reg8(PixelDevice::kError), PixelDevice::kErrBadAddress);
  EXPECT_EQ(reg32(PixelDevice::kCompletions), 5u);
  EXPECT_EQ(serial->out, "");
  EXPECT_EQ(dev.stats().rejected_descriptors, 5u);
}

TEST_F(PixelTest, ProgramErrorsNameTheirCode) {
  mem.write(0x2000, std::vector<uint8_t>(512, 0));  // no magic
  EXPECT_EQ(submit(0x2000, 512), PixelDevice::kFailed);
  EXPECT_EQ(reg8(PixelDevice::kError), uint8_t(pxi::Errc::kBadMagic));
  // A CRC that does not match, checked by default...
  uint32_t len = place(0x3000, pxi::make_program({pxi::make_pixel('a', 1, 3, 1)}));
  mem.write8(0x3000 + 512, 'b');
  EXPECT_EQ(submit(0x3000, len), PixelDevice::kFailed);
  EXPECT_EQ(reg8(PixelDevice::kError), uint8_t(pxi::Errc::kBadOpsCrc));
  // ... and not with the skip-CRC control bit.
  bus.write(B + PixelDevice::kControl, 1, PixelDevice::kCtlSkipCrc);
  EXPECT_EQ(submit(0x3000, len), PixelDevice::kDone);
  EXPECT_EQ(serial->out, "b");
  // An invalid op: the batch is rejected whole, its index reported.
  std::vector<pxi::Pixel> ops = {pxi::make_pixel('x', 1, 3, 1), pxi::make_pixel('y', 0, 3, 1)};
  len = place(0x4000, pxi::make_program(ops));
  EXPECT_EQ(submit(0x4000, len), PixelDevice::kFailed);
  EXPECT_EQ(reg8(PixelDevice::kError), uint8_t(pxi::Errc::kDivisorZero));
  EXPECT_EQ(reg32(PixelDevice::kErrorOp), 1u);
  EXPECT_EQ(reg32(PixelDevice::kOps), 2u);
  EXPECT_EQ(reg32(PixelDevice::kBytes), 0u);
  EXPECT_EQ(serial->out, "b");
  // Truncated: the length holds fewer ops than the header says.
  EXPECT_EQ(submit(0x4000, 512 + 4), PixelDevice::kFailed);
  EXPECT_EQ(reg8(PixelDevice::kError), uint8_t(pxi::Errc::kTruncated));
}

TEST_F(PixelTest, CompletionInterrupt) {
  uint32_t len = place(0x5000, pxi::make_program({pxi::make_pixel('z', 1, 3, 1)}));
  EXPECT_EQ(submit(0x5000, len), PixelDevice::kDone);
  EXPECT_TRUE(irq_events.empty());  // default: no interrupt
  bus.write(B + PixelDevice::kCommand, 1, PixelDevice::kCmdAck);
  bus.write(B + PixelDevice::kControl, 1, PixelDevice::kCtlIrqEnable | 5);
  EXPECT_EQ(submit(0x5000, len), PixelDevice::kDone);
  ASSERT_EQ(irq_events.size(), 1u);
  EXPECT_EQ(irq_events[0], std::make_pair(5, true));
  bus.write(B + PixelDevice::kCommand, 1, PixelDevice::kCmdAck);
  ASSERT_EQ(irq_events.size(), 2u);
  EXPECT_EQ(irq_events[1], std::make_pair(5, false));
  // A bad descriptor completes with an error, and interrupts too.
  EXPECT_EQ(submit(0xFFFFFFFF, 0x1000), PixelDevice::kFailed);
  ASSERT_EQ(irq_events.size(), 3u);
  EXPECT_EQ(irq_events[2], std::make_pair(5, true));
  EXPECT_EQ(reg32(PixelDevice::kCompletions), 3u);
}

}  // namespace

TEST_F(PixelTest, AnEmptyProgramWithoutTheCrcCheckRunsNothing) {
  // Found by fuzz_devices: zero ops with the CRC check off once passed a null
  // pointer to memcpy (UBSan in the sanitizer build).
  uint32_t len = place(0x6000, pxi::make_program({pxi::make_pixel('z', 1, 3, 1)}));
  mem.write32(0x6000 + 8, 0);  // the op count
  bus.write(B + PixelDevice::kControl, 1, PixelDevice::kCtlSkipCrc);
  EXPECT_EQ(submit(0x6000, len), PixelDevice::kDone);
  EXPECT_EQ(reg32(PixelDevice::kOps), 0u);
  EXPECT_EQ(reg32(PixelDevice::kBytes), 0u);
  EXPECT_EQ(serial->out, "");
}

}  // namespace pxos

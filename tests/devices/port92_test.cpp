#include "devices/port92.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "vm/bus.h"

namespace pxos {
namespace {

struct Port92Test : ::testing::Test {
  PortBus bus;
  Port92 port;
  std::vector<bool> a20_calls;
  int resets = 0;
  Port92Test() {
    port.attach(bus);
    port.on_a20 = [this](bool on) { a20_calls.push_back(on); };
    port.on_reset = [this] { ++resets; };
  }
};

TEST_F(Port92Test, A20BitCallsBackOnChange) {
  EXPECT_EQ(bus.read(0x92, 1), 0x00u);
  bus.write(0x92, 1, 0x02);
  EXPECT_TRUE(port.a20());
  EXPECT_EQ(bus.read(0x92, 1), 0x02u);
  bus.write(0x92, 1, 0x02);
  bus.write(0x92, 1, 0x00);
  EXPECT_FALSE(port.a20());
  EXPECT_EQ(a20_calls, (std::vector<bool>{true, false}));
  EXPECT_EQ(resets, 0);
}

TEST_F(Port92Test, Bit0ResetsTheCpu) {
  bus.write(0x92, 1, 0x03);
  EXPECT_EQ(resets, 1);
  EXPECT_EQ(bus.read(0x92, 1), 0x03u);
  bus.write(0x92, 1, 0x03);  // every write with bit 0 set
  EXPECT_EQ(resets, 2);
  port.reset();
  EXPECT_EQ(bus.read(0x92, 1), 0x00u);
  std::ostringstream os;
  port.print_stats(os);
  EXPECT_NE(os.str().find("2 fast resets"), std::string::npos);
}

TEST_F(Port92Test, OtherBitsAreStored) {
  bus.write(0x92, 1, 0xC8);
  EXPECT_EQ(bus.read(0x92, 1), 0xC8u);
  EXPECT_EQ(resets, 0);
  EXPECT_TRUE(a20_calls.empty());
}

}  // namespace
}  // namespace pxos

#include "devices/i8042.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "vm/bus.h"

namespace pxos {
namespace {

struct I8042Test : ::testing::Test {
  int edges = 0;
  bool level = false;
  std::vector<bool> a20_calls;
  int resets = 0;
  PortBus bus;
  int edges12 = 0;
  bool level12 = false;
  I8042 kbc{IrqLine{[this](int irq, bool l) {
                      EXPECT_EQ(irq, 1);
                      if (l && !level) ++edges;
                      level = l;
                    },
                    1},
            IrqLine{[this](int irq, bool l) {
                      EXPECT_EQ(irq, 12);
                      if (l && !level12) ++edges12;
                      level12 = l;
                    },
                    12}};
  I8042Test() {
    kbc.attach(bus);
    kbc.on_a20 = [this](bool on) { a20_calls.push_back(on); };
    kbc.on_reset = [this] { ++resets; };
  }
  uint8_t status() { return uint8_t(bus.read(0x64, 1)); }
  uint8_t data() { return uint8_t(bus.read(0x60, 1)); }
  void cmd(uint8_t c) { bus.write(0x64, 1, c); }
  void out(uint8_t v) { bus.write(0x60, 1, v); }
  // Everything waiting in the output buffer, in order.
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> v;
    while (status() & I8042::kStatusObf) v.push_back(data());
    return v;
  }
};

TEST_F(I8042Test, IdleStatus) {
  EXPECT_EQ(status(), I8042::kStatusUnlocked | I8042::kStatusSystem);
  EXPECT_FALSE(level);
}

TEST_F(I8042Test, SelfTestAndInterfaceTest) {
  cmd(0xAA);
  EXPECT_EQ(status() & 0x09, 0x09);  // OBF and "last write was a command"
  EXPECT_EQ(data(), 0x55);
  EXPECT_EQ(status() & 0x01, 0x00);
  cmd(0xAB);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0x00});
  out(0xF4);
  EXPECT_EQ(status() & 0x08, 0x00);  // last write was data
}

TEST_F(I8042Test, CommandByteReadWrite) {
  cmd(0x20);
  EXPECT_EQ(data(), 0x45);
  cmd(0x60);
  out(0x24);  // system flag, mouse off, no IRQ1, no translation
  EXPECT_EQ(kbc.command_byte(), 0x24);
  cmd(0x20);
  EXPECT_EQ(data(), 0x24);
  EXPECT_TRUE(status() & I8042::kStatusSystem);
  cmd(0x60);
  out(0x00);
  EXPECT_FALSE(status() & I8042::kStatusSystem);
}

TEST_F(I8042Test, KeysRaiseIrq1OneByteAtATime) {
  const uint8_t up[] = {0xE0, 0x48};
  kbc.key_event(up);
  EXPECT_TRUE(level);
  EXPECT_EQ(edges, 1);
  EXPECT_EQ(data(), 0xE0);
  EXPECT_EQ(edges, 2);  // the line dropped and rose with the second byte
  EXPECT_EQ(data(), 0x48);
  EXPECT_FALSE(level);
  EXPECT_EQ(status() & 0x01, 0x00);
  EXPECT_EQ(data(), 0x48);  // reading an empty buffer repeats the last byte
  EXPECT_EQ(kbc.stats().keys, 1u);
  EXPECT_EQ(kbc.stats().bytes_delivered, 2u);
}

TEST_F(I8042Test, NoIrqWhenCommandByteBit0IsOff) {
  cmd(0x60);
  out(0x44);
  const uint8_t a[] = {0x1E};
  kbc.key_event(a);
  EXPECT_TRUE(status() & 0x01);
  EXPECT_FALSE(level);
  EXPECT_EQ(edges, 0);
  cmd(0x60);  // enabling IRQ1 with a full buffer raises it
  out(0x45);
  EXPECT_TRUE(level);
  EXPECT_EQ(data(), 0x1E);
}

TEST_F(I8042Test, DisabledKeyboardInterfaceHoldsKeys) {
  cmd(0xAD);
  EXPECT_TRUE(kbc.command_byte() & I8042::kCmdKbdDisabled);
  const uint8_t a[] = {0x1E};
  kbc.key_event(a);
  EXPECT_FALSE(status() & 0x01);
  cmd(0xAE);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0x1E});
}

TEST_F(I8042Test, KeyFifoIsBoundedAndCountsOverruns) {
  const uint8_t key[] = {0xE0, 0x4B};
  for (int i = 0; i < 20; ++i) kbc.key_event(key);
  // The output buffer holds one byte and the FIFO 32: 16 whole keys fit, the
  // 17th would need 33 bytes and is dropped whole.
  std::vector<uint8_t> got = drain();
  EXPECT_EQ(got.size(), 32u);
  EXPECT_EQ(kbc.stats().key_overruns, 4u);
  EXPECT_EQ(kbc.stats().keys, 16u);
  EXPECT_EQ(got.front(), 0xE0);
  EXPECT_EQ(got.back(), 0x4B);
}

TEST_F(I8042Test, ControllerRepliesGoAheadOfKeys) {
  const uint8_t a[] = {0x1E, 0x9E};
  kbc.key_event(a);  // 1Eh already in the output buffer
  cmd(0x20);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0x1E, 0x45, 0x9E}));
}

// D3h: the byte comes back as AUX data (status bit 5), without IRQ1, and
// the next keyboard byte is plain keyboard data again.
TEST_F(I8042Test, AuxLoopBackIsAuxDataWithoutIrq1) {
  cmd(0xD3);
  out(0x5A);
  uint8_t st = status();
  EXPECT_TRUE(st & I8042::kStatusObf);
  EXPECT_TRUE(st & I8042::kStatusAuxObf);
  EXPECT_EQ(edges, 0);
  EXPECT_EQ(data(), 0x5A);
  EXPECT_FALSE(status() & I8042::kStatusObf);
  kbc.key_event(std::vector<uint8_t>{0x1E});
  EXPECT_EQ(status() & (I8042::kStatusObf | I8042::kStatusAuxObf), I8042::kStatusObf);
  EXPECT_EQ(edges, 1);
  EXPECT_EQ(data(), 0x1E);
}

// D4h: the byte is for the mouse, not a keyboard command: the reply is
// the mouse's (FAh AAh 00h), each byte AUX data.
TEST_F(I8042Test, AuxDeviceBytesDoNotReachTheKeyboard) {
  cmd(0xD4);
  out(0xFF);  // a mouse reset; as a keyboard command it would answer FAh AAh
  std::vector<uint8_t> got;
  while (status() & I8042::kStatusObf) {
    EXPECT_TRUE(status() & I8042::kStatusAuxObf);
    got.push_back(data());
  }
  EXPECT_EQ(got, (std::vector<uint8_t>{0xFA, 0xAA, 0x00}));
  EXPECT_EQ(kbc.stats().keyboard_commands, 0u);
}

TEST_F(I8042Test, OutputPortA20AndReset) {
  EXPECT_FALSE(kbc.a20());
  cmd(0xD0);
  EXPECT_EQ(data() & 0x03, 0x01);
  cmd(0xD1);
  out(0xDF);
  EXPECT_TRUE(kbc.a20());
  EXPECT_EQ(a20_calls, std::vector<bool>{true});
  cmd(0xD1);
  out(0xDF);  // unchanged: no call
  EXPECT_EQ(a20_calls.size(), 1u);
  cmd(0xD0);
  EXPECT_EQ(data() & 0x03, 0x03);
  cmd(0xD1);
  out(0xDD);
  EXPECT_FALSE(kbc.a20());
  EXPECT_EQ(resets, 0);
  cmd(0xD1);
  out(0xDE);  // bit 0 clear: CPU reset
  EXPECT_EQ(resets, 1);
  EXPECT_TRUE(kbc.a20());
  cmd(0xDD);
  EXPECT_FALSE(kbc.a20());
  cmd(0xDF);
  EXPECT_TRUE(kbc.a20());
  EXPECT_EQ(a20_calls, (std::vector<bool>{true, false, true, false, true}));
}

TEST_F(I8042Test, PulseResetCommand) {
  cmd(0xFE);
  EXPECT_EQ(resets, 1);
  cmd(0xFF);  // pulses nothing
  EXPECT_EQ(resets, 1);
  EXPECT_EQ(kbc.stats().resets, 1u);
}

TEST_F(I8042Test, WriteKeyboardOutputBuffer) {
  cmd(0xD2);
  out(0x3B);
  EXPECT_TRUE(level);
  EXPECT_EQ(data(), 0x3B);
}

TEST_F(I8042Test, KeyboardReset) {
  out(0xFF);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xAA}));
}

TEST_F(I8042Test, KeyboardEnableDisable) {
  out(0xF5);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0xFA});
  EXPECT_FALSE(kbc.scanning());
  const uint8_t a[] = {0x1E};
  kbc.key_event(a);
  EXPECT_EQ(drain(), std::vector<uint8_t>{});
  EXPECT_EQ(kbc.stats().keys_disabled, 1u);
  out(0xF4);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0xFA});
  kbc.key_event(a);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0x1E});
}

TEST_F(I8042Test, LedsTypematicEcho) {
  out(0xED);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0xFA});
  out(0x05);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0xFA});
  EXPECT_EQ(kbc.leds(), 0x05);
  out(0xF3);
  out(0x20);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xFA}));
  out(0xEE);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0xEE});
  out(0xED);
  out(0xEE);  // a command instead of the parameter
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xEE}));
  EXPECT_EQ(kbc.leds(), 0x05);
}

TEST_F(I8042Test, ScancodeSetGetAndSet) {
  out(0xF0);
  out(0x00);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xFA, 0x02}));
  out(0xF0);
  out(0x01);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xFA}));
  EXPECT_EQ(kbc.scancode_set(), 1);
  out(0xF0);
  out(0x07);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xFE}));
}

TEST_F(I8042Test, IdentifyDependsOnTranslation) {
  out(0xF2);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xAB, 0x41}));
  cmd(0x60);
  out(0x05);
  out(0xF2);
  EXPECT_EQ(drain(), (std::vector<uint8_t>{0xFA, 0xAB, 0x83}));
}

TEST_F(I8042Test, UnknownKeyboardCommandAsksForResend) {
  out(0x42);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0xFE});
  std::ostringstream os;
  kbc.print_stats(os);
  EXPECT_NE(os.str().find("1 unknown"), std::string::npos);
}

// A guest that asks for replies and never reads them cannot grow the
// controller's queues without end.
TEST_F(I8042Test, UnreadRepliesAreBounded) {
  for (int i = 0; i < 1000; ++i) {
    cmd(0x20);
    cmd(0xD3);
    out(0x5A);
    out(0xEE);  // keyboard echo
  }
  EXPECT_LE(kbc.queued(), 2 * I8042::kReplyBytes);
  EXPECT_GT(kbc.stats().replies_dropped, 0u);
  EXPECT_LE(drain().size(), 3 * I8042::kReplyBytes + 1);
}

// The auxiliary port with the mouse behind it.
struct I8042AuxTest : I8042Test {
  void mouse_cmd(uint8_t v) {
    cmd(0xD4);
    out(v);
  }
  void set_command_byte(uint8_t v) {
    cmd(0x60);
    out(v);
  }
  // The next byte, which must be AUX data.
  uint8_t aux_byte() {
    uint8_t st = status();
    EXPECT_EQ(st & (I8042::kStatusObf | I8042::kStatusAuxObf), I8042::kStatusObf | I8042::kStatusAuxObf);
    return data();
  }
};

TEST_F(I8042AuxTest, AuxInterfaceTestAndEnableBits) {
  cmd(0xA9);
  EXPECT_EQ(drain(), std::vector<uint8_t>{0x00});
  cmd(0xA7);
  EXPECT_TRUE(kbc.command_byte() & I8042::kCmdAuxDisabled);
  EXPECT_FALSE(kbc.aux_enabled());
  cmd(0xA8);
  EXPECT_FALSE(kbc.command_byte() & I8042::kCmdAuxDisabled);
}

TEST_F(I8042AuxTest, MouseBytesRaiseIrq12NotIrq1) {
  set_command_byte(0x47);  // IRQ 1 and IRQ 12
  mouse_cmd(0xF4);
  EXPECT_EQ(edges12, 1);
  EXPECT_TRUE(level12);
  EXPECT_EQ(aux_byte(), 0xFA);
  EXPECT_FALSE(level12);
  kbc.mouse_event(1, 2, 0, 1);
  EXPECT_EQ(edges12, 2);
  EXPECT_EQ(aux_byte(), 0x09);
  EXPECT_EQ(edges12, 3);  // the line drops on the read and rises with the next byte
  EXPECT_EQ(aux_byte(), 1);
  EXPECT_EQ(aux_byte(), 2);
  EXPECT_FALSE(level12);
  EXPECT_EQ(edges, 0);
}

TEST_F(I8042AuxTest, Irq12NeedsCommandByteBit1) {
  mouse_cmd(0xF2);  // command byte 45h: IRQ 12 off
  EXPECT_EQ(edges12, 0);
  EXPECT_EQ(aux_byte(), 0xFA);
  EXPECT_EQ(aux_byte(), 0x00);
}

TEST_F(I8042AuxTest, DisabledAuxInterfaceHoldsMouseBytesBack) {
  cmd(0xA7);
  mouse_cmd(0xF2);
  EXPECT_FALSE(status() & I8042::kStatusObf);
  cmd(0xA8);
  EXPECT_EQ(aux_byte(), 0xFA);
  EXPECT_EQ(aux_byte(), 0x00);
}

TEST_F(I8042AuxTest, KeysAndMouseShareTheBufferWithoutLosingEither) {
  set_command_byte(0x47);
  mouse_cmd(0xF4);
  EXPECT_EQ(aux_byte(), 0xFA);
  kbc.mouse_event(5, 0, 0, 0);  // 08h 05h 00h, the first byte now in the buffer
  const uint8_t key[] = {0x1E, 0x9E};
  kbc.key_event(key);
  std::vector<std::pair<uint8_t, bool>> got;  // byte, AUX
  while (status() & I8042::kStatusObf) {
    bool aux = status() & I8042::kStatusAuxObf;
    got.push_back({data(), aux});
  }
  // The keyboard goes first whenever the buffer frees; the mouse fills the gaps.
  std::vector<std::pair<uint8_t, bool>> want = {{0x08, true}, {0x1E, false}, {0x9E, false}, {0x05, true}, {0x00, true}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(edges, 2);    // IRQ 1 for 1Eh and for 9Eh
  EXPECT_EQ(edges12, 4);  // IRQ 12 for FAh and each packet byte
}

TEST_F(I8042AuxTest, D3hLoopBackRaisesIrq12WhenEnabled) {
  set_command_byte(0x47);
  cmd(0xD3);
  out(0x5A);
  EXPECT_EQ(edges12, 1);
  EXPECT_EQ(edges, 0);
  EXPECT_EQ(aux_byte(), 0x5A);
}

TEST_F(I8042AuxTest, OutputPortReportsWhichSideFilledTheBuffer) {
  mouse_cmd(0xF2);  // FAh in the buffer, 00h waits in the mouse
  cmd(0xD0);        // read while the buffer holds a mouse byte
  std::vector<uint8_t> got = drain();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], 0xFA);
  EXPECT_EQ(got[1] & (I8042::kOutIrq1 | I8042::kOutIrq12), I8042::kOutIrq12);  // the reply goes before 00h
  EXPECT_EQ(got[2], 0x00);
}

TEST_F(I8042AuxTest, CountsBytesToTheMouse) {
  mouse_cmd(0xF2);
  mouse_cmd(0xE9);
  EXPECT_EQ(kbc.stats().aux_bytes, 2u);
  std::ostringstream os;
  kbc.print_stats(os);
  EXPECT_NE(os.str().find("2 bytes to the mouse"), std::string::npos);
}

}  // namespace
}  // namespace pxos

// The GDB protocol's framing (gdb/packet.h): checksums, escapes, run lengths,
// and what a hostile debugger's bytes become.
#include <gtest/gtest.h>

#include "gdb/packet.h"

namespace pxos::gdb {
namespace {

std::vector<Event> feed(PacketReader& r, std::string_view bytes) {
  std::vector<Event> out;
  r.feed(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), out);
  return out;
}

TEST(GdbPacket, ReadsAPacketWithItsChecksum) {
  PacketReader r;
  auto ev = feed(r, "+$qSupported#37");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, Event::Ack);
  EXPECT_EQ(ev[1].kind, Event::Packet);
  EXPECT_EQ(ev[1].payload, "qSupported");
}

TEST(GdbPacket, PacketsMaySplitAnywhere) {
  PacketReader r;
  std::string all = encode_packet("m7c00,10") + encode_packet("g");
  std::vector<Event> ev;
  for (char c : all) {
    auto more = feed(r, std::string_view(&c, 1));
    ev.insert(ev.end(), more.begin(), more.end());
  }
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].payload, "m7c00,10");
  EXPECT_EQ(ev[1].payload, "g");
}

TEST(GdbPacket, BadChecksumIsBad) {
  PacketReader r;
  auto ev = feed(r, "$g#00$g#zz");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, Event::Bad);
  EXPECT_EQ(ev[1].kind, Event::Bad);
  auto ok = feed(r, "$g#67");  // the reader goes on after a bad packet
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].kind, Event::Packet);
}

TEST(GdbPacket, EscapesRoundTrip) {
  std::string payload = "X10,4:";
  payload += std::string("$#}*\x03", 5);
  std::string wire = encode_packet(payload);
  EXPECT_EQ(wire.find('$', 1), std::string::npos);
  PacketReader r;
  auto ev = feed(r, wire);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload, payload);
}

TEST(GdbPacket, RunLengthExpands) {
  // "0* " is '0' and 32 - 29 = 3 more.
  std::string raw = "0* ";
  std::string wire = "$" + raw + "#" + to_hex(std::string(1, char(checksum(raw))));
  PacketReader r;
  auto ev = feed(r, wire);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload, "0000");
}

TEST(GdbPacket, BadRunLengthIsBad) {
  for (std::string raw : {std::string("*  "), std::string("0*\x01")}) {
    std::string wire = "$" + raw + "#" + to_hex(std::string(1, char(checksum(raw))));
    PacketReader r;
    auto ev = feed(r, wire);
    ASSERT_EQ(ev.size(), 1u) << raw;
    EXPECT_EQ(ev[0].kind, Event::Bad) << raw;
  }
}

TEST(GdbPacket, HugePacketIsBadAndBounded) {
  PacketReader r(64);
  std::string raw(100000, 'a');
  std::string wire = "$" + raw + "#" + to_hex(std::string(1, char(checksum(raw))));
  auto ev = feed(r, wire);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, Event::Bad);
  // Run lengths cannot grow it past the limit either.
  std::string rl = "a";
  for (int i = 0; i < 1000; ++i) rl += "*~";
  wire = "$" + rl + "#" + to_hex(std::string(1, char(checksum(rl))));
  ev = feed(r, wire);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, Event::Bad);
}

TEST(GdbPacket, InterruptAndNoise) {
  PacketReader r;
  auto ev = feed(r, "xyz\x03-");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, Event::Interrupt);
  EXPECT_EQ(ev[1].kind, Event::Nak);
}

TEST(GdbPacket, DollarRestartsAPacket) {
  PacketReader r;
  auto ev = feed(r, "$garbage$g#67");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload, "g");
}

TEST(GdbPacket, Hex) {
  EXPECT_EQ(parse_hex("7c00"), 0x7c00u);
  EXPECT_EQ(parse_hex("FFFFFFFFFFFFFFFF"), ~uint64_t{0});
  EXPECT_FALSE(parse_hex(""));
  EXPECT_FALSE(parse_hex("10000000000000000"));
  EXPECT_FALSE(parse_hex("12g"));
  EXPECT_EQ(from_hex("00ff"), (std::vector<uint8_t>{0, 255}));
  EXPECT_FALSE(from_hex("0"));
  EXPECT_FALSE(from_hex("zz"));
  uint8_t b[] = {0xde, 0xad};
  EXPECT_EQ(to_hex(b), "dead");
}

}  // namespace
}  // namespace pxos::gdb

// The GDB remote serial protocol's framing: packets `$payload#cs` with a
// modulo-256 checksum, `}` escapes and `*` run-length encoding, the
// acknowledgements `+`/`-` and the interrupt byte 0x03. Nothing here knows
// what a packet means (machine/gdb_server.cpp does).
//
// The reader takes bytes as they come from the socket and hands out whole
// events. Everything it receives is untrusted: a payload longer than the
// limit, a bad checksum or a broken escape becomes a Bad event (answered with
// a NAK), never an allocation beyond the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pxos::gdb {

// The largest payload accepted (after escapes and run lengths are expanded);
// qSupported announces it as PacketSize.
inline constexpr size_t kMaxPacket = 16384;

struct Event {
  enum Kind {
    Packet,     // a well-formed packet: payload
    Interrupt,  // the 0x03 byte outside a packet (Ctrl-C)
    Ack,        // '+'
    Nak,        // '-': the debugger wants the last reply again
    Bad,        // a packet that must be NAKed: why
  } kind;
  std::string payload;  // Packet: the unescaped bytes
  std::string why;      // Bad: for logs
};

class PacketReader {
 public:
  explicit PacketReader(size_t max_payload = kMaxPacket) : max_(max_payload) {}
  // Takes the next bytes from the connection; appends what they complete to `out`.
  void feed(std::span<const uint8_t> bytes, std::vector<Event>& out);

 private:
  enum class State { Idle, Body, Escape, RunLength, Check1, Check2 };
  void bad(std::vector<Event>& out, std::string why);
  void add(uint8_t c);
  size_t max_;
  State state_ = State::Idle;
  std::string body_;
  uint8_t sum_ = 0;    // of the raw bytes between '$' and '#'
  uint8_t given_ = 0;  // the checksum's first digit
  bool overflow_ = false;
  std::string error_;  // a broken escape or run length seen in this packet
};

// The checksum of a packet's raw bytes.
uint8_t checksum(std::string_view raw);
// `$payload#cs`, with '$', '#', '}' and '*' escaped (binary payloads too).
std::string encode_packet(std::string_view payload);

// Hex helpers for the packets' fields (lower-case out, either case in).
std::string to_hex(std::span<const uint8_t> bytes);
std::string to_hex(std::string_view text);
// Whole string of hex pairs; nullopt for an odd length or a non-hex digit.
std::optional<std::vector<uint8_t>> from_hex(std::string_view hex);
// A hex number of 1 to 16 digits; nullopt when empty, too long or not hex.
std::optional<uint64_t> parse_hex(std::string_view hex);

}  // namespace pxos::gdb

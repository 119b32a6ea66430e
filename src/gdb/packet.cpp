#include "gdb/packet.h"

namespace pxos::gdb {

namespace {
constexpr uint8_t kInterrupt = 0x03;
constexpr uint8_t kEscapeXor = 0x20;
constexpr uint8_t kRunBase = 29;  // a run length byte n repeats the last character n - 29 times

int hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

uint8_t checksum(std::string_view raw) {
  uint8_t s = 0;
  for (char c : raw) s = uint8_t(s + uint8_t(c));
  return s;
}

std::string encode_packet(std::string_view payload) {
  std::string raw;
  raw.reserve(payload.size() + 8);
  for (char c : payload) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      raw.push_back('}');
      raw.push_back(char(uint8_t(c) ^ kEscapeXor));
    } else {
      raw.push_back(c);
    }
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  uint8_t s = checksum(raw);
  return "$" + raw + "#" + kDigits[s >> 4] + kDigits[s & 15];
}

void PacketReader::add(uint8_t c) {
  if (body_.size() >= max_) {
    overflow_ = true;
    return;
  }
  body_.push_back(char(c));
}

void PacketReader::bad(std::vector<Event>& out, std::string why) {
  out.push_back(Event{Event::Bad, "", std::move(why)});
  state_ = State::Idle;
  body_.clear();
}

void PacketReader::feed(std::span<const uint8_t> bytes, std::vector<Event>& out) {
  for (uint8_t c : bytes) {
    switch (state_) {
      case State::Idle:
        if (c == '$') {
          state_ = State::Body;
          body_.clear();
          sum_ = 0;
          overflow_ = false;
          error_.clear();
        } else if (c == kInterrupt) {
          out.push_back(Event{Event::Interrupt, "", ""});
        } else if (c == '+') {
          out.push_back(Event{Event::Ack, "", ""});
        } else if (c == '-') {
          out.push_back(Event{Event::Nak, "", ""});
        }  // anything else between packets is line noise: dropped
        break;
      case State::Body:
      case State::Escape:
      case State::RunLength:
        if (c == '$') {  // a new start: the debugger gave up on the packet before
          body_.clear();
          sum_ = 0;
          overflow_ = false;
          error_.clear();
          state_ = State::Body;
          break;
        }
        if (c == '#') {
          if (state_ != State::Body && error_.empty()) error_ = "the packet ends inside an escape or run length";
          state_ = State::Check1;
          break;
        }
        sum_ = uint8_t(sum_ + c);
        if (state_ == State::Escape) {
          add(c ^ kEscapeXor);
          state_ = State::Body;
        } else if (state_ == State::RunLength) {
          state_ = State::Body;
          if (c < kRunBase || body_.empty()) {
            if (error_.empty()) error_ = "a bad run length";
            break;
          }
          char last = body_.back();
          for (unsigned k = 0; k < unsigned(c - kRunBase); ++k) add(uint8_t(last));
        } else if (c == '}') {
          state_ = State::Escape;
        } else if (c == '*') {
          state_ = State::RunLength;
        } else {
          add(c);
        }
        break;
      case State::Check1:
        if (hex_digit(c) < 0) {
          bad(out, "a checksum digit that is not hex");
          break;
        }
        given_ = uint8_t(hex_digit(c) << 4);
        state_ = State::Check2;
        break;
      case State::Check2: {
        if (hex_digit(c) < 0) {
          bad(out, "a checksum digit that is not hex");
          break;
        }
        uint8_t given = uint8_t(given_ | hex_digit(c));
        if (given != sum_)
          bad(out, "a bad checksum");
        else if (overflow_)
          bad(out, "a packet longer than " + std::to_string(max_) + " bytes");
        else if (!error_.empty())
          bad(out, error_);
        else
          out.push_back(Event{Event::Packet, std::move(body_), ""});
        body_.clear();
        state_ = State::Idle;
        break;
      }
    }
  }
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

std::string to_hex(std::string_view text) {
  return to_hex(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_digit(uint8_t(hex[2 * i])), lo = hex_digit(uint8_t(hex[2 * i + 1]));
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = uint8_t(hi << 4 | lo);
  }
  return out;
}

std::optional<uint64_t> parse_hex(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    int d = hex_digit(uint8_t(c));
    if (d < 0) return std::nullopt;
    v = v << 4 | uint64_t(d);
  }
  return v;
}

}  // namespace pxos::gdb

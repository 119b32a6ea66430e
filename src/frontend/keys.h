// Keys from the host: a key of the PC keyboard with its modifiers, the
// set-1 scancodes a real keyboard would send for it, the --send-keys text
// syntax, and the decoder for a terminal's escape sequences.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace pxos {

struct HostKey {
  uint8_t scancode = 0;  // set-1 make code
  bool e0 = false;       // a grey key (E0 prefix)
  bool shift = false, ctrl = false, alt = false;
  bool operator==(const HostKey&) const = default;
};

// Make and break codes for the key, wrapped in the modifiers' own make and
// break codes: what the keyboard controller delivers for one key press.
std::vector<uint8_t> scancode_bytes(const HostKey& k);

// The key that types `ch` on a US keyboard (control codes as Ctrl+key: 01h
// Ctrl-A .. 1Ah Ctrl-Z, 1Ch Ctrl-\, 1Dh Ctrl-], 1Eh Ctrl-6, 1Fh Ctrl-minus);
// nullopt for bytes no key makes.
std::optional<HostKey> key_for_ascii(unsigned char ch);

// Parses --send-keys text: characters, the escapes \r \n (Enter), \e (Esc),
// \t (Tab), \b (Backspace), \\, and named keys in braces: {enter} {esc}
// {tab} {bs} {up} {down} {left} {right} {home} {end} {pgup} {pgdn} {ins}
// {del} {f1}..{f12}, with modifiers {ctrl-c} {alt-x} {shift-tab}.
// Throws std::invalid_argument with a one-line message.
std::vector<HostKey> parse_send_keys(const std::string& text);

// A pointer event in --send-keys text: {mouse DX DY BUTTONS} or {mouse DX
// DY BUTTONS DZ}: DX right, DY up (as PS/2 counts), BUTTONS 0..7 (bit 0
// left, 1 right, 2 middle), DZ the wheel (positive: towards the user); the
// moves within -4096..4096.
struct HostPointer {
  int dx = 0, dy = 0, dz = 0;
  unsigned buttons = 0;
  bool operator==(const HostPointer&) const = default;
};
using HostInput = std::variant<HostKey, HostPointer>;
// Parses --send-keys text with pointer events among the keys, in order.
// Throws std::invalid_argument with a one-line message.
std::vector<HostInput> parse_send_input(const std::string& text);

// Turns the bytes a terminal sends (UTF-8 text, control characters, VT100
// and xterm escape sequences) into keys. Every byte is a key for the guest;
// the escape key (frontend/console_escape.h) is taken out before this.
class TerminalDecoder {
 public:
  std::vector<HostKey> feed(std::span<const uint8_t> bytes);
  // Call when no byte followed for a while: a lone ESC is the Esc key.
  std::vector<HostKey> flush();

 private:
  std::string pending_;
};

}  // namespace pxos

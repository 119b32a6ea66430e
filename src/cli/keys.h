// Host text to BIOS keys: ASCII to (scancode, ASCII) pairs of a US
// keyboard, and the escapes --send-keys understands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bios/bios.h"

namespace pxos::cli {

// The key that types `ch` on a US keyboard; nullopt for bytes no key makes.
std::optional<Key> key_for_ascii(unsigned char ch);

// Parses --send-keys text: plain characters, and \r \n (Enter), \e (Esc),
// \t (Tab), \b (Backspace), \\ (a backslash). Throws std::invalid_argument
// for an unknown escape or a character no key types.
std::vector<Key> parse_send_keys(const std::string& text);

}  // namespace pxos::cli

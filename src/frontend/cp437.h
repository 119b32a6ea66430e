// Code page 437, the PC text screen's character set.
#pragma once

#include <array>
#include <string>

namespace pxos {

extern const std::array<char32_t, 256> kCp437;
// UTF-8 of a code point below U+10000.
std::string utf8(char32_t c);

}  // namespace pxos

#include "cli/keys.h"

#include <stdexcept>

namespace pxos::cli {

namespace {
// Scancodes (set 1) of the US layout, unshifted and shifted characters.
struct KeyRow {
  uint8_t scancode;
  char plain, shifted;
};
constexpr KeyRow kLayout[] = {
    {0x02, '1', '!'},  {0x03, '2', '@'},  {0x04, '3', '#'}, {0x05, '4', '$'},  {0x06, '5', '%'},  {0x07, '6', '^'},
    {0x08, '7', '&'},  {0x09, '8', '*'},  {0x0A, '9', '('}, {0x0B, '0', ')'},  {0x0C, '-', '_'},  {0x0D, '=', '+'},
    {0x10, 'q', 'Q'},  {0x11, 'w', 'W'},  {0x12, 'e', 'E'}, {0x13, 'r', 'R'},  {0x14, 't', 'T'},  {0x15, 'y', 'Y'},
    {0x16, 'u', 'U'},  {0x17, 'i', 'I'},  {0x18, 'o', 'O'}, {0x19, 'p', 'P'},  {0x1A, '[', '{'},  {0x1B, ']', '}'},
    {0x1E, 'a', 'A'},  {0x1F, 's', 'S'},  {0x20, 'd', 'D'}, {0x21, 'f', 'F'},  {0x22, 'g', 'G'},  {0x23, 'h', 'H'},
    {0x24, 'j', 'J'},  {0x25, 'k', 'K'},  {0x26, 'l', 'L'}, {0x27, ';', ':'},  {0x28, '\'', '"'}, {0x29, '`', '~'},
    {0x2B, '\\', '|'}, {0x2C, 'z', 'Z'},  {0x2D, 'x', 'X'}, {0x2E, 'c', 'C'},  {0x2F, 'v', 'V'},  {0x30, 'b', 'B'},
    {0x31, 'n', 'N'},  {0x32, 'm', 'M'},  {0x33, ',', '<'}, {0x34, '.', '>'},  {0x35, '/', '?'},  {0x39, ' ', ' '},
};
}  // namespace

std::optional<Key> key_for_ascii(unsigned char ch) {
  switch (ch) {
    case '\r':
    case '\n': return Key{0x1C, '\r'};
    case 0x1B: return Key{0x01, 0x1B};
    case '\t': return Key{0x0F, '\t'};
    case 0x08:
    case 0x7F: return Key{0x0E, 0x08};
    default: break;
  }
  for (const KeyRow& r : kLayout)
    if (r.plain == char(ch) || r.shifted == char(ch)) return Key{r.scancode, ch};
  if (ch >= 1 && ch <= 26) {  // Ctrl+letter
    for (const KeyRow& r : kLayout)
      if (r.plain == char('a' + ch - 1)) return Key{r.scancode, ch};
  }
  return std::nullopt;
}

std::vector<Key> parse_send_keys(const std::string& text) {
  std::vector<Key> keys;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(text[i]);
    if (ch == '\\') {
      if (++i >= text.size()) throw std::invalid_argument("--send-keys: text ends with a lone backslash");
      switch (text[i]) {
        case 'r':
        case 'n': ch = '\r'; break;
        case 'e': ch = 0x1B; break;
        case 't': ch = '\t'; break;
        case 'b': ch = 0x08; break;
        case '\\': ch = '\\'; break;
        default: throw std::invalid_argument(std::string("--send-keys: unknown escape \\") + text[i]);
      }
    }
    auto k = key_for_ascii(ch);
    if (!k) throw std::invalid_argument("--send-keys: no key types the byte " + std::to_string(ch));
    keys.push_back(*k);
  }
  return keys;
}

}  // namespace pxos::cli

#include "frontend/pc_keys.h"

namespace pxos {

std::vector<uint8_t> pc_key_bytes(PcKey key, bool pressed) {
  if (key == kPauseKey) {
    if (!pressed) return {};  // a real keyboard sends the whole sequence on the press
    return {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};
  }
  if (key == kPrintScreenKey) {
    if (pressed) return {0xE0, 0x2A, 0xE0, 0x37};
    return {0xE0, 0xB7, 0xE0, 0xAA};
  }
  uint8_t code = pressed ? uint8_t(key.code & 0x7F) : uint8_t(key.code | 0x80);
  if (key.e0) return {0xE0, code};
  return {code};
}

}  // namespace pxos

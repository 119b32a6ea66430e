// Keys of the PC keyboard as the window and the VNC server send them: a key
// by its scan code set 1 make code (with the E0 prefix of the grey keys), and
// the bytes the keyboard sends when it goes down or up. Where a host key
// comes from: the window's SDL scancodes (frontend/sdl_keys.h) and the VNC
// protocol's X keysyms (frontend/keysym_keys.h).
#pragma once

#include <cstdint>
#include <vector>

namespace pxos {

struct PcKey {
  uint8_t code = 0;  // set-1 make code
  bool e0 = false;   // a grey key (E0 prefix)
  bool operator==(const PcKey&) const = default;
};

// Two keys whose bytes are not a make code and its break: Pause (E1 1D 45 E1
// 9D C5 when pressed, nothing when released) and Print Screen (E0 2A E0 37,
// released E0 B7 E0 AA). They are named by codes no other key uses.
inline constexpr PcKey kPauseKey{0x45, true};
inline constexpr PcKey kPrintScreenKey{0x37, true};

// The set-1 bytes for `key` going down (`pressed`) or up.
std::vector<uint8_t> pc_key_bytes(PcKey key, bool pressed);

}  // namespace pxos

// The VNC protocol's keys: X keysyms (RFB KeyEvent) to PC keys (set 1), on a
// US layout. A keysym names a symbol, not a place: '!' and '1' are both the
// key 1 (the client sends Shift on its own), 'a' and 'A' the key A.
#pragma once

#include <cstdint>
#include <optional>

#include "frontend/pc_keys.h"

namespace pxos {

// nullopt for keysyms no key of a US PC keyboard types.
std::optional<PcKey> pc_key_from_keysym(uint32_t keysym);

}  // namespace pxos

// The window's keys: SDL's scancodes (the USB HID usage of a key's place on
// the keyboard, whatever its layout prints on it) to PC keys (set 1).
#pragma once

#include <optional>

#include "frontend/pc_keys.h"

namespace pxos {

// The PC key at the place of SDL scancode `sdl_scancode` (an SDL_Scancode);
// nullopt for keys a PC keyboard does not have.
std::optional<PcKey> pc_key_from_sdl(int sdl_scancode);

}  // namespace pxos

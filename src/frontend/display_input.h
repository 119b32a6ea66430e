// What the window and the VNC server hand on from the user: keys as set-1
// bytes, and the pointer as a PS/2 mouse sees it. The front end that owns the
// machine binds them (the keyboard controller, the mouse); both are called on
// the thread that polls the window or the server.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>

namespace pxos {

// Mouse buttons, as the PS/2 mouse reports them.
inline constexpr unsigned kMouseLeft = 1, kMouseRight = 2, kMouseMiddle = 4;

struct DisplayInput {
  // One key going down or up: its set-1 bytes (frontend/pc_keys.h).
  std::function<void(std::span<const uint8_t>)> on_key;
  // Relative pointer motion in pixels (dy > 0: up), wheel clicks (dz > 0:
  // toward the user, i.e. scrolling down, as an IntelliMouse reports), and
  // the buttons held now (kMouseLeft | kMouseRight | kMouseMiddle).
  std::function<void(int dx, int dy, int dz, unsigned buttons)> on_mouse;
};

// A window or server that cannot start (no display, a port in use): the
// message is one line for the user.
struct DisplayError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace pxos

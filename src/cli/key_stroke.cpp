#include "cli/key_stroke.h"

#include "frontend/serial_console.h"

namespace pxos::cli {

KeyStroke key_stroke(const HostKey& k) { return {scancode_bytes(k), serial_bytes(k), std::nullopt}; }

KeyStroke key_stroke(const HostInput& in) {
  if (const HostKey* k = std::get_if<HostKey>(&in)) return key_stroke(*k);
  const HostPointer& p = std::get<HostPointer>(in);
  return {{}, {}, PointerEvent{p.dx, p.dy, p.dz, p.buttons}};
}

}  // namespace pxos::cli

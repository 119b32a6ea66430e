#include "cli/key_stroke.h"

#include "frontend/serial_console.h"

namespace pxos::cli {

KeyStroke key_stroke(const HostKey& k) { return {scancode_bytes(k), serial_bytes(k)}; }

}  // namespace pxos::cli

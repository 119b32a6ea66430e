// A host key (frontend/keys.h) as the machine takes it: its scancodes and
// its terminal bytes (machine/machine.h's KeyStroke).
#pragma once

#include "frontend/keys.h"
#include "machine/machine.h"

namespace pxos::cli {

KeyStroke key_stroke(const HostKey& k);

}  // namespace pxos::cli

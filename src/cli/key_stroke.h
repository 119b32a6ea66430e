// A host key (frontend/keys.h) as the machine takes it: its scancodes and
// its terminal bytes (machine/machine.h's KeyStroke), or a scripted pointer
// event.
#pragma once

#include "frontend/keys.h"
#include "machine/machine.h"

namespace pxos::cli {

KeyStroke key_stroke(const HostKey& k);
// A key, or a pointer event (--send-keys {mouse ...}) to take its turn among them.
KeyStroke key_stroke(const HostInput& in);

}  // namespace pxos::cli

// The exit port: a write of value v to port F4h ends the run with exit
// status v (QEMU's isa-debug-exit at F4h, without its shift), so a guest
// can report its own verdict.
#pragma once

#include <functional>

#include "vm/bus.h"

namespace pxos {

inline constexpr uint16_t kExitPort = 0xF4;
void add_exit_port(PortBus& ports, std::function<void(int status)> on_exit);

}  // namespace pxos

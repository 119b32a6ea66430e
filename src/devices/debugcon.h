// Bochs/QEMU-style debug console: every byte written to port E9h goes to
// the host. A read returns E9h, so guests can detect it.
#pragma once

#include <cstdio>
#include <string>

#include "vm/bus.h"

namespace pxos {

struct DebugConsole {
  static constexpr uint16_t kPort = 0xE9;
  std::FILE* out = nullptr;      // where bytes go (nullptr: nowhere)
  std::string captured;          // the last bytes written, for --until-text
  uint64_t bytes = 0;

  void attach(PortBus& ports);
};

}  // namespace pxos

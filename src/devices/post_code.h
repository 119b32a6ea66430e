// Port 80h: the POST code latch. Guests write progress codes here; the last
// one is kept (and shown by --verbose). Writes to it are also the cheapest
// exit a guest can make, which `pxos bench exits` uses.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "vm/bus.h"

namespace pxos {

struct PostCode {
  static constexpr uint16_t kPort = 0x80;
  uint8_t last = 0;
  void attach(PortBus& ports);
  void print_stats(std::ostream& os) const;
};

}  // namespace pxos

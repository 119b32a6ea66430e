// The log of calls the BIOS does not implement.
#include "bios/context.h"

#include <cstdio>

namespace pxos {

void BiosContext::log_unimplemented(const BiosCall& c) {
  ++unimplemented;
  if (config.verbose) {
    char line[96];
    std::snprintf(line, sizeof line, "bios: unimplemented INT %02Xh AH=%02Xh AL=%02Xh", c.vector(), c.ah(), c.al());
    if (config.on_message) config.on_message(line);
  }
}

}  // namespace pxos

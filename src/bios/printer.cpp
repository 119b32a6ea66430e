// INT 17h: printer ports. This PC has no parallel port, so every printer
// reports a time-out, as a BIOS does for an absent one.
#include "bios/bios.h"

namespace pxos {

void Bios::int17(BiosCall& c) {
  switch (c.ah()) {
    case 0x00:  // print AL
    case 0x01:  // initialise
    case 0x02:  // status
      c.set_ah(0x01);  // time-out
      return;
    default:
      ctx_.log_unimplemented(c);
  }
}

}  // namespace pxos

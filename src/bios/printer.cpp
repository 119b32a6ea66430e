// INT 17h: printer ports. This PC has no parallel port, so every printer
// reports a time-out, as a BIOS does for an absent one.
#include "bios/printer.h"

namespace pxos {

namespace {

constexpr uint8_t kTimeout = 0x01;

// AH=00h print AL, 01h initialise, 02h status: all time out.
void handle_1700(BiosCall& c) { c.set_ah(kTimeout); }
void handle_1701(BiosCall& c) { c.set_ah(kTimeout); }
void handle_1702(BiosCall& c) { c.set_ah(kTimeout); }

// Unimplemented: logged, registers left as they were.
void handle_17XX(BiosContext& bios, BiosCall& c) { bios.log_unimplemented(c); }

}  // namespace

void handle_17(BiosContext& bios, BiosCall& c) {
  switch (c.ah()) {
    case 0x00: return handle_1700(c);
    case 0x01: return handle_1701(c);
    case 0x02: return handle_1702(c);
    default: return handle_17XX(bios, c);
  }
}

}  // namespace pxos

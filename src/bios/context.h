// What every BIOS service works with: the guest's memory and the BIOS data
// area in it, the ports of the PC's devices (the BIOS programs them as a
// guest would), the configuration, and the one log of calls the BIOS does not
// implement. Each service is a set of functions that take it (bios/disk.h,
// bios/video.h, ...); what a service keeps beyond the BDA lives with it.
#pragma once

#include <cstdint>

#include "bios/call.h"
#include "bios/config.h"
#include "vm/bda.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {

struct BiosContext {
  GuestMemory& mem;
  BiosConfig config;
  PortBus* ports = nullptr;    // the devices' ports (null until Bios::install: no devices)
  uint64_t unimplemented = 0;  // calls that went to log_unimplemented

  // The BIOS data area at 0040:0000 (offsets in vm/bda.h).
  uint8_t bda8(uint16_t off) const { return mem.read8(bda::kBase + off); }
  uint16_t bda16(uint16_t off) const { return mem.read16(bda::kBase + off); }
  void set_bda8(uint16_t off, uint8_t v) { mem.write8(bda::kBase + off, v); }
  void set_bda16(uint16_t off, uint16_t v) { mem.write16(bda::kBase + off, v); }

  // The one way a service reports a call it does not implement: counted,
  // and with --verbose logged with its vector, AH and AL. The service then
  // returns its own error (SeaBIOS: warn_unimplemented).
  void log_unimplemented(const BiosCall& c);
};

}  // namespace pxos

// INT 1Ah: time of day. AH=00h/01h read and set the BDA tick count; the
// real-time clock functions come with the CMOS device.
#include "bios/bios.h"

namespace pxos {

namespace {
void time_1a00(BiosCall& c, GuestMemory& mem) {
  uint32_t ticks = mem.read32(bda::kBase + bda::kTicks);
  c.set_cx(uint16_t(ticks >> 16));
  c.set_dx(uint16_t(ticks));
  c.set_al(mem.read8(bda::kBase + bda::kMidnight));
  mem.write8(bda::kBase + bda::kMidnight, 0);
  c.set_cf(false);
}

void time_1a01(BiosCall& c, GuestMemory& mem) {
  mem.write32(bda::kBase + bda::kTicks, uint32_t{c.cx()} << 16 | c.dx());
  mem.write8(bda::kBase + bda::kMidnight, 0);
  c.set_cf(false);
}
}  // namespace

void Bios::int1a(BiosCall& c) {
  switch (c.ah()) {
    case 0x00: return time_1a00(c, mem_);
    case 0x01: return time_1a01(c, mem_);
    default:
      log_unimplemented(c);
      c.set_cf(true);
  }
}

}  // namespace pxos

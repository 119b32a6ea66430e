// INT 1Ah: time of day. AH=00h/01h read and set the BDA tick count;
// AH=02h-05h read and set the real-time clock through CMOS ports 70h/71h.
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
constexpr uint8_t kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08, kYear = 0x09;
constexpr uint8_t kStatusA = 0x0A, kStatusB = 0x0B, kCentury = 0x32;
}  // namespace

uint8_t Bios::cmos_read(uint8_t index) {
  if (!ctx_.ports) return 0;
  ctx_.ports->write(0x70, 1, index);
  return uint8_t(ctx_.ports->read(0x71, 1));
}

void Bios::cmos_write(uint8_t index, uint8_t value) {
  if (!ctx_.ports) return;
  ctx_.ports->write(0x70, 1, index);
  ctx_.ports->write(0x71, 1, value);
}

void Bios::int1a(BiosCall& c) {
  // The RTC counts in BCD (status B bit 2 clear), which INT 1Ah returns as is.
  auto rtc_present = [&] { return cmos_read(kStatusA) != 0xFF; };
  switch (c.ah()) {
    case 0x00: return time_1a00(c, ctx_.mem);
    case 0x01: return time_1a01(c, ctx_.mem);
    case 0x02:  // read time: CH hours, CL minutes, DH seconds (BCD), DL daylight saving
      if (!rtc_present()) return c.set_cf(true);
      c.set_ch(cmos_read(kHours));
      c.set_cl(cmos_read(kMinutes));
      c.set_dh(cmos_read(kSeconds));
      c.set_dl(cmos_read(kStatusB) & 0x01);
      c.set_cf(false);
      return;
    case 0x03:  // set time
      if (!rtc_present()) return c.set_cf(true);
      cmos_write(kHours, c.ch());
      cmos_write(kMinutes, c.cl());
      cmos_write(kSeconds, c.dh());
      c.set_cf(false);
      return;
    case 0x04:  // read date: CH century, CL year, DH month, DL day (BCD)
      if (!rtc_present()) return c.set_cf(true);
      c.set_ch(cmos_read(kCentury));
      c.set_cl(cmos_read(kYear));
      c.set_dh(cmos_read(kMonth));
      c.set_dl(cmos_read(kDay));
      c.set_cf(false);
      return;
    case 0x05:  // set date
      if (!rtc_present()) return c.set_cf(true);
      cmos_write(kCentury, c.ch());
      cmos_write(kYear, c.cl());
      cmos_write(kMonth, c.dh());
      cmos_write(kDay, c.dl());
      c.set_cf(false);
      return;
    default:
      ctx_.log_unimplemented(c);
      c.set_cf(true);
  }
}

}  // namespace pxos

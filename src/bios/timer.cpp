// INT 1Ah: time of day, one function per subfunction. AH=00h/01h read and
// set the BDA tick count; AH=02h-05h read and set the real-time clock
// through CMOS ports 70h/71h. The RTC counts in BCD (status B bit 2 clear),
// which INT 1Ah returns as is. AH=B1h is the PCI BIOS (bios/pci_bios.h).
#include "bios/timer.h"

#include "bios/pci_bios.h"

namespace pxos {

uint8_t cmos_read(BiosContext& bios, uint8_t index) {
  if (!bios.ports) return 0;
  bios.ports->write(0x70, 1, index);
  return uint8_t(bios.ports->read(0x71, 1));
}

void cmos_write(BiosContext& bios, uint8_t index, uint8_t value) {
  if (!bios.ports) return;
  bios.ports->write(0x70, 1, index);
  bios.ports->write(0x71, 1, value);
}

namespace {

constexpr uint8_t kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08, kYear = 0x09;
constexpr uint8_t kStatusA = 0x0A, kStatusB = 0x0B, kCentury = 0x32;

// A CMOS without an RTC reads FFh: the calls that need it fail (CF set).
bool rtc_present(BiosContext& bios) { return cmos_read(bios, kStatusA) != 0xFF; }

// Unimplemented: logged, CF set.
void handle_1AXX(BiosContext& bios, BiosCall& c) {
  bios.log_unimplemented(c);
  c.set_cf(true);
}

// AH=00h: the tick count in CX:DX, the midnight flag in AL (then cleared).
void handle_1A00(BiosContext& bios, BiosCall& c) {
  uint32_t ticks = bios.mem.read32(bda::kBase + bda::kTicks);
  c.set_cx(uint16_t(ticks >> 16));
  c.set_dx(uint16_t(ticks));
  c.set_al(bios.bda8(bda::kMidnight));
  bios.set_bda8(bda::kMidnight, 0);
  c.set_cf(false);
}

// AH=01h: set the tick count to CX:DX.
void handle_1A01(BiosContext& bios, BiosCall& c) {
  bios.mem.write32(bda::kBase + bda::kTicks, uint32_t{c.cx()} << 16 | c.dx());
  bios.set_bda8(bda::kMidnight, 0);
  c.set_cf(false);
}

// AH=02h: read the time: CH hours, CL minutes, DH seconds (BCD), DL
// daylight saving.
void handle_1A02(BiosContext& bios, BiosCall& c) {
  if (!rtc_present(bios)) return c.set_cf(true);
  c.set_ch(cmos_read(bios, kHours));
  c.set_cl(cmos_read(bios, kMinutes));
  c.set_dh(cmos_read(bios, kSeconds));
  c.set_dl(cmos_read(bios, kStatusB) & 0x01);
  c.set_cf(false);
}

// AH=03h: set the time from CH, CL, DH.
void handle_1A03(BiosContext& bios, BiosCall& c) {
  if (!rtc_present(bios)) return c.set_cf(true);
  cmos_write(bios, kHours, c.ch());
  cmos_write(bios, kMinutes, c.cl());
  cmos_write(bios, kSeconds, c.dh());
  c.set_cf(false);
}

// AH=04h: read the date: CH century, CL year, DH month, DL day (BCD).
void handle_1A04(BiosContext& bios, BiosCall& c) {
  if (!rtc_present(bios)) return c.set_cf(true);
  c.set_ch(cmos_read(bios, kCentury));
  c.set_cl(cmos_read(bios, kYear));
  c.set_dh(cmos_read(bios, kMonth));
  c.set_dl(cmos_read(bios, kDay));
  c.set_cf(false);
}

// AH=05h: set the date from CH, CL, DH, DL.
void handle_1A05(BiosContext& bios, BiosCall& c) {
  if (!rtc_present(bios)) return c.set_cf(true);
  cmos_write(bios, kCentury, c.ch());
  cmos_write(bios, kYear, c.cl());
  cmos_write(bios, kMonth, c.dh());
  cmos_write(bios, kDay, c.dl());
  c.set_cf(false);
}

}  // namespace

void handle_1A(BiosContext& bios, BiosCall& c) {
  switch (c.ah()) {
    case 0x00: return handle_1A00(bios, c);
    case 0x01: return handle_1A01(bios, c);
    case 0x02: return handle_1A02(bios, c);
    case 0x03: return handle_1A03(bios, c);
    case 0x04: return handle_1A04(bios, c);
    case 0x05: return handle_1A05(bios, c);
    case 0xB1: return handle_1AB1(bios, c);
    default: return handle_1AXX(bios, c);
  }
}

}  // namespace pxos

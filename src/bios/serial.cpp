// INT 14h: serial ports, driven through the UART's own registers (the
// port base comes from the BDA, as DOS programs expect).
#include "bios/bios.h"

namespace pxos {

namespace {
// UART registers, relative to the base port.
constexpr uint16_t kData = 0, kIer = 1, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6;
constexpr uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20, kTimeout = 0x80;
constexpr int kPolls = 1000;  // a real BIOS waits about a second
constexpr uint16_t kDivisors[8] = {1047, 768, 384, 192, 96, 48, 24, 12};  // 110 .. 9600 baud
}  // namespace

void Bios::int14(BiosCall& c) {
  uint16_t base = c.dx() < 4 ? ctx_.bda16(bda::kComPorts + 2 * c.dx()) : 0;
  if (!base || !ctx_.ports) {
    c.set_ah(kTimeout);
    return;
  }
  PortBus& p = *ctx_.ports;
  auto status = [&] { return uint8_t(p.read(base + kLsr, 1)); };
  switch (c.ah()) {
    case 0x00: {  // initialise: AL = baud (7-5), parity (4-3), stop bits (2), length (1-0)
      uint16_t divisor = kDivisors[c.al() >> 5];
      p.write(base + kLcr, 1, 0x80);
      p.write(base + kData, 1, divisor & 0xFF);
      p.write(base + kIer, 1, divisor >> 8);
      p.write(base + kLcr, 1, c.al() & 0x1F);
      p.write(base + kIer, 1, 0);
      p.write(base + kMcr, 1, 0x03);  // DTR, RTS
      c.set_ah(status());
      c.set_al(uint8_t(p.read(base + kMsr, 1)));
      return;
    }
    case 0x01: {  // send AL
      int i = 0;
      while (!(status() & kLsrThrEmpty) && ++i < kPolls) {
      }
      if (i == kPolls) {
        c.set_ah(status() | kTimeout);
        return;
      }
      p.write(base + kData, 1, c.al());
      c.set_ah(status());
      return;
    }
    case 0x02: {  // receive into AL
      if (!(status() & kLsrDataReady)) {
        c.set_ah(status() | kTimeout);
        return;
      }
      c.set_al(uint8_t(p.read(base + kData, 1)));
      c.set_ah(status() & 0x1E);
      return;
    }
    case 0x03:
      c.set_ah(status());
      c.set_al(uint8_t(p.read(base + kMsr, 1)));
      return;
    default:
      ctx_.log_unimplemented(c);
      c.set_ah(kTimeout);
  }
}

}  // namespace pxos

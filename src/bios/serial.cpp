// INT 14h: serial ports, driven through the UART's own registers (the
// port base comes from the BDA, as DOS programs expect). One function per
// subfunction; a port that is not there times out.
#include "bios/serial.h"

namespace pxos {

namespace {

// UART registers, relative to the base port.
constexpr uint16_t kData = 0, kIer = 1, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6;
constexpr uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20, kTimeout = 0x80;
constexpr int kPolls = 1000;                                              // a real BIOS waits about a second
constexpr uint16_t kDivisors[8] = {1047, 768, 384, 192, 96, 48, 24, 12};  // 110 .. 9600 baud

// The UART of the port DX names.
struct SerialPort {
  PortBus& bus;
  uint16_t base;
  uint8_t in(uint16_t reg) const { return uint8_t(bus.read(uint16_t(base + reg), 1)); }
  void out(uint16_t reg, uint32_t v) const { bus.write(uint16_t(base + reg), 1, v); }
  uint8_t status() const { return in(kLsr); }
};

// AH=00h: initialise: AL = baud (bits 7-5), parity (4-3), stop bits (2),
// length (1-0); the line status in AH, the modem status in AL.
void handle_1400(BiosCall& c, const SerialPort& p) {
  uint16_t divisor = kDivisors[c.al() >> 5];
  p.out(kLcr, 0x80);
  p.out(kData, divisor & 0xFF);
  p.out(kIer, divisor >> 8);
  p.out(kLcr, c.al() & 0x1F);
  p.out(kIer, 0);
  p.out(kMcr, 0x03);  // DTR, RTS
  c.set_ah(p.status());
  c.set_al(p.in(kMsr));
}

// AH=01h: send AL once the transmitter is empty (AH bit 7: it never was).
void handle_1401(BiosCall& c, const SerialPort& p) {
  int i = 0;
  while (!(p.status() & kLsrThrEmpty) && ++i < kPolls) {
  }
  if (i == kPolls) return c.set_ah(p.status() | kTimeout);
  p.out(kData, c.al());
  c.set_ah(p.status());
}

// AH=02h: receive into AL (AH bit 7: nothing there).
void handle_1402(BiosCall& c, const SerialPort& p) {
  if (!(p.status() & kLsrDataReady)) return c.set_ah(p.status() | kTimeout);
  c.set_al(p.in(kData));
  c.set_ah(p.status() & 0x1E);
}

// AH=03h: the line status in AH, the modem status in AL.
void handle_1403(BiosCall& c, const SerialPort& p) {
  c.set_ah(p.status());
  c.set_al(p.in(kMsr));
}

// Unimplemented: logged, AH says time-out.
void handle_14XX(BiosContext& bios, BiosCall& c) {
  bios.log_unimplemented(c);
  c.set_ah(kTimeout);
}

}  // namespace

void handle_14(BiosContext& bios, BiosCall& c) {
  uint16_t base = c.dx() < 4 ? bios.bda16(uint16_t(bda::kComPorts + 2 * c.dx())) : 0;
  if (!base || !bios.ports) return c.set_ah(kTimeout);  // no such port
  const SerialPort port{*bios.ports, base};
  switch (c.ah()) {
    case 0x00: return handle_1400(c, port);
    case 0x01: return handle_1401(c, port);
    case 0x02: return handle_1402(c, port);
    case 0x03: return handle_1403(c, port);
    default: return handle_14XX(bios, c);
  }
}

}  // namespace pxos

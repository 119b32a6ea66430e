// INT 15h AH=C2h: the PS/2 pointing-device interface, one function per
// subfunction (see mouse.h).
#include "bios/mouse.h"

#include <array>
#include <optional>
#include <span>

namespace pxos {

namespace {

constexpr uint8_t kInvalidFunction = 0x01, kInvalidInput = 0x02, kInterfaceError = 0x03, kNeedResend = 0x04,
                  kNoHandler = 0x05;

// The keyboard controller and the mouse, as the services drive them.
constexpr uint16_t kData = 0x60, kStatus = 0x64;
constexpr uint8_t kObf = 0x01, kAuxData = 0x20;
constexpr uint8_t kWriteCommandByte = 0x60, kWriteMouse = 0xD4;
constexpr uint8_t kCmdIrq1 = 0x01, kCmdIrq12 = 0x02, kCmdKbdDisabled = 0x10, kCmdAuxDisabled = 0x20;
constexpr uint8_t kMouseReset = 0xFF, kMouseDisable = 0xF5, kMouseEnable = 0xF4;
constexpr uint8_t kMouseSetRate = 0xF3, kMouseGetId = 0xF2, kMouseStatus = 0xE9, kMouseSetResolution = 0xE8;
constexpr uint8_t kMouseScaling21 = 0xE7, kMouseScaling11 = 0xE6, kAck = 0xFA;
constexpr uint8_t kRates[] = {10, 20, 40, 60, 80, 100, 200};
constexpr int kMaxDrain = 256;       // mouse bytes dropped before a command, at most
constexpr uint32_t kMaxWaits = 100;  // halts waiting for INT 09h to take a key (a tick each at worst)

// How the command byte changes when the exchange is over.
struct CommandBits {
  uint8_t set = 0, clear = 0;
};
constexpr CommandBits kKeep{};
constexpr CommandBits kAuxOn{kCmdIrq12, kCmdAuxDisabled};
constexpr CommandBits kAuxOff{kCmdAuxDisabled, kCmdIrq12};

enum class Aux { Ok, Busy, NoAnswer, Refused };

uint8_t status(PortBus& p) { return uint8_t(p.read(kStatus, 1)); }

// The next byte the mouse sent, if the controller's buffer holds one.
std::optional<uint8_t> aux_byte(PortBus& p) {
  if ((status(p) & (kObf | kAuxData)) != (kObf | kAuxData)) return std::nullopt;
  return uint8_t(p.read(kData, 1));
}

// Drops the mouse bytes waiting in the controller: the rest of a packet, or
// replies nobody read, that an exchange would take for its own.
void drop_mouse_bytes(PortBus& p) {
  for (int i = 0; i < kMaxDrain && aux_byte(p); ++i) {
  }
}

// Sends `out` to the mouse, each byte answered by an ACK, then reads `in`.
Aux talk(PortBus& p, std::span<const uint8_t> out, std::span<uint8_t> in) {
  for (uint8_t b : out) {
    p.write(kStatus, 1, kWriteMouse);
    p.write(kData, 1, b);
    std::optional<uint8_t> ack = aux_byte(p);
    if (!ack) return Aux::NoAnswer;
    if (*ack != kAck) return Aux::Refused;
  }
  for (uint8_t& b : in) {
    std::optional<uint8_t> v = aux_byte(p);
    if (!v) return Aux::NoAnswer;
    b = *v;
  }
  return Aux::Ok;
}

// One exchange with the mouse, with the keyboard and the interrupts off
// meanwhile; then the command byte is `command_byte` with `bits` applied,
// whatever the mouse answered. Busy: a key waits in the controller's buffer
// (unless `drop_key`, when it is dropped).
Aux exchange(BiosContext& bios, uint8_t& command_byte, std::span<const uint8_t> out, std::span<uint8_t> in,
             CommandBits bits, bool drop_key) {
  if (!bios.ports) return Aux::NoAnswer;
  PortBus& p = *bios.ports;
  if (status(p) == 0xFF) return Aux::NoAnswer;  // nothing at 64h
  drop_mouse_bytes(p);
  if (status(p) & kObf) {
    if (!drop_key) return Aux::Busy;
    (void)p.read(kData, 1);
  }
  p.write(kStatus, 1, kWriteCommandByte);
  p.write(kData, 1, (command_byte | kCmdKbdDisabled) & ~(kCmdAuxDisabled | kCmdIrq1 | kCmdIrq12) & 0xFF);
  drop_mouse_bytes(p);  // what the mouse said while its interface was off
  Aux result = talk(p, out, in);
  command_byte = uint8_t((command_byte & ~bits.clear) | bits.set);
  p.write(kStatus, 1, kWriteCommandByte);
  p.write(kData, 1, command_byte);
  return result;
}

// Runs an exchange for the call and sets AH and CF: true on success; false
// on an error, or when the call waits for a key to be taken first.
bool run(BiosContext& bios, SystemState& system, BiosCall& c, std::span<const uint8_t> out, std::span<uint8_t> in = {},
         CommandBits bits = kKeep) {
  Aux r = exchange(bios, system.kbc_command_byte, out, in, bits, system.mouse_waits >= kMaxWaits);
  if (r == Aux::Busy) {
    ++system.mouse_waits;
    c.wait();
    return false;
  }
  system.mouse_waits = 0;
  if (r == Aux::Ok)
    c.success();
  else
    c.fail(r == Aux::Refused ? kNeedResend : kInterfaceError);
  return r == Aux::Ok;
}

uint32_t ebda(const BiosContext& bios) { return uint32_t{bios.bda16(bda::kEbdaSegment)} << 4; }
uint8_t flags2(const BiosContext& bios) { return bios.mem.read8(ebda(bios) + ebda::kMouseFlags2); }

// AX=C200h BH=00h: disable the mouse.
void handle_15C20000(BiosContext& bios, SystemState& system, BiosCall& c) {
  const uint8_t out[] = {kMouseDisable};
  run(bios, system, c, out, {}, kAuxOff);
}

// AX=C200h BH=01h: enable the mouse; a handler must be installed.
void handle_15C20001(BiosContext& bios, SystemState& system, BiosCall& c) {
  if (!(flags2(bios) & ebda::kHandlerInstalled)) return c.fail(kNoHandler);
  const uint8_t out[] = {kMouseEnable};
  run(bios, system, c, out, {}, kAuxOn);
}

// AX=C200h: disable/enable, by BH.
void handle_15C200(BiosContext& bios, SystemState& system, BiosCall& c) {
  switch (c.bh()) {
    case 0x00: return handle_15C20000(bios, system, c);
    case 0x01: return handle_15C20001(bios, system, c);
    default: return c.fail(kInvalidFunction);
  }
}

// AX=C201h: reset: BL = the self-test result (AAh), BH = the device ID. The
// packet being gathered starts over.
void handle_15C201(BiosContext& bios, SystemState& system, BiosCall& c) {
  const uint8_t out[] = {kMouseReset};
  std::array<uint8_t, 2> in{};
  if (!run(bios, system, c, out, in)) return;
  bios.mem.write8(ebda(bios) + ebda::kMouseFlags1, 0);
  c.set_bl(in[0]);
  c.set_bh(in[1]);
}

// AX=C202h: sample rate, BH = 0..6.
void handle_15C202(BiosContext& bios, SystemState& system, BiosCall& c) {
  if (c.bh() >= std::size(kRates)) return c.fail(kInvalidInput);
  const uint8_t out[] = {kMouseSetRate, kRates[c.bh()]};
  run(bios, system, c, out);
}

// AX=C203h: resolution, BH = 0..3 (1, 2, 4, 8 counts per mm).
void handle_15C203(BiosContext& bios, SystemState& system, BiosCall& c) {
  if (c.bh() > 3) return c.fail(kInvalidInput);
  const uint8_t out[] = {kMouseSetResolution, c.bh()};
  run(bios, system, c, out);
}

// AX=C204h: the device ID in BH.
void handle_15C204(BiosContext& bios, SystemState& system, BiosCall& c) {
  const uint8_t out[] = {kMouseGetId};
  std::array<uint8_t, 1> in{};
  if (run(bios, system, c, out, in)) c.set_bh(in[0]);
}

// AX=C205h: initialize for packets of BH bytes (1..8), then reset the mouse
// to its defaults (disabled, 100 per second, 4 counts per mm, 1:1). BX is
// kept.
void handle_15C205(BiosContext& bios, SystemState& system, BiosCall& c) {
  if (c.bh() < 1 || c.bh() > 8) return c.fail(kInvalidInput);
  const uint8_t out[] = {kMouseReset};
  std::array<uint8_t, 2> in{};
  if (!run(bios, system, c, out, in)) return;
  uint32_t e = ebda(bios);
  bios.mem.write8(e + ebda::kMouseFlags1, 0);
  bios.mem.write8(e + ebda::kMouseFlags2, uint8_t((flags2(bios) & ebda::kHandlerInstalled) | (c.bh() - 1)));
}

// AX=C206h BH=00h: status: BL flags (bit 6 remote, 5 enabled, 4 scaling
// 2:1, 2 left, 1 middle, 0 right), CL resolution, DL sample rate.
void handle_15C20600(BiosContext& bios, SystemState& system, BiosCall& c) {
  const uint8_t out[] = {kMouseStatus};
  std::array<uint8_t, 3> in{};
  if (!run(bios, system, c, out, in)) return;
  c.set_bl(in[0]);
  c.set_cl(in[1]);
  c.set_dl(in[2]);
}

// AX=C206h BH=01h / 02h: scaling 1:1 / 2:1.
void handle_15C20601(BiosContext& bios, SystemState& system, BiosCall& c) {
  const uint8_t out[] = {kMouseScaling11};
  run(bios, system, c, out);
}
void handle_15C20602(BiosContext& bios, SystemState& system, BiosCall& c) {
  const uint8_t out[] = {kMouseScaling21};
  run(bios, system, c, out);
}

// AX=C206h: extended commands, by BH.
void handle_15C206(BiosContext& bios, SystemState& system, BiosCall& c) {
  switch (c.bh()) {
    case 0x00: return handle_15C20600(bios, system, c);
    case 0x01: return handle_15C20601(bios, system, c);
    case 0x02: return handle_15C20602(bios, system, c);
    default: return c.fail(kInvalidFunction);
  }
}

// AX=C207h: the far handler ES:BX; 0000:0000 removes it (and disables the
// mouse, which has nobody to report to).
void handle_15C207(BiosContext& bios, SystemState& system, BiosCall& c) {
  uint32_t e = ebda(bios);
  bool remove = c.es() == 0 && c.bx() == 0;
  if (remove && (flags2(bios) & ebda::kHandlerInstalled)) {
    const uint8_t out[] = {kMouseDisable};
    if (!run(bios, system, c, out, {}, kAuxOff) && c.waiting()) return;
  }
  bios.mem.write16(e + ebda::kMouseHandler, c.bx());
  bios.mem.write16(e + ebda::kMouseHandler + 2, c.es());
  uint8_t f2 = flags2(bios);
  bios.mem.write8(e + ebda::kMouseFlags2, remove ? f2 & ~ebda::kHandlerInstalled : f2 | ebda::kHandlerInstalled);
  c.success();
}

}  // namespace

void handle_15C2(BiosContext& bios, SystemState& system, BiosCall& c) {
  switch (c.al()) {
    case 0x00: return handle_15C200(bios, system, c);
    case 0x01: return handle_15C201(bios, system, c);
    case 0x02: return handle_15C202(bios, system, c);
    case 0x03: return handle_15C203(bios, system, c);
    case 0x04: return handle_15C204(bios, system, c);
    case 0x05: return handle_15C205(bios, system, c);
    case 0x06: return handle_15C206(bios, system, c);
    case 0x07: return handle_15C207(bios, system, c);
    default: bios.log_unimplemented(c); return c.fail(kInvalidFunction);
  }
}

}  // namespace pxos

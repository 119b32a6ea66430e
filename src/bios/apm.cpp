// INT 15h AH=53h: APM 1.2's real-mode interface, one function per
// subfunction (apm.h lists them).
#include "bios/apm.h"

#include <algorithm>

namespace pxos {

namespace {

// Error codes (APM 1.2, table 4-1).
constexpr uint8_t kDisabled = 0x01;
constexpr uint8_t kAlreadyConnected = 0x02;
constexpr uint8_t kNotConnected = 0x03;
constexpr uint8_t kNo16BitInterface = 0x06;
constexpr uint8_t kNo32BitInterface = 0x08;
constexpr uint8_t kBadDevice = 0x09;
constexpr uint8_t kBadParameter = 0x0A;
constexpr uint8_t kCannotEnterState = 0x60;
constexpr uint8_t kNoEvent = 0x80;
constexpr uint8_t kUnsupported = 0x86;

constexpr uint16_t kVersion = 0x0102;  // APM 1.2, BCD
constexpr uint16_t kBiosDevice = 0x0000;
constexpr uint16_t kAllDevices = 0x0001;
constexpr uint16_t kAllDevicesApm10 = 0xFFFF;  // APM 1.0's "all devices"

// 5300h flags (CX).
constexpr uint16_t kFlagDisabled = 0x0008;
constexpr uint16_t kFlagDisengaged = 0x0010;

// 5307h/530Ch system states (CX).
constexpr uint16_t kStateReady = 0x0000;
constexpr uint16_t kStateStandby = 0x0001;
constexpr uint16_t kStateSuspend = 0x0002;
constexpr uint16_t kStateOff = 0x0003;
constexpr uint16_t kStateProcessing = 0x0004;
constexpr uint16_t kStateRejected = 0x0005;

bool all_devices(uint16_t bx) { return bx == kAllDevices || bx == kAllDevicesApm10; }

// A function this BIOS does not have: logged, fails with 86h.
void handle_1553XX(BiosContext& bios, BiosCall& c) {
  bios.log_unimplemented(c);
  c.fail(kUnsupported);
}

// 5300h: installation check: the version, 'PM', the flags.
void handle_155300(ApmState& apm, BiosCall& c) {
  if (c.bx() != kBiosDevice) return c.fail(kBadDevice);
  c.set_ax(kVersion);
  c.set_bx(0x504D);  // 'P' in BH, 'M' in BL
  c.set_cx(uint16_t((apm.enabled ? 0 : kFlagDisabled) | (apm.engaged ? 0 : kFlagDisengaged)));
  c.set_cf(false);
}

// 5301h: connect the real-mode interface (the connection speaks APM 1.0
// until 530Eh says more).
void handle_155301(ApmState& apm, BiosCall& c) {
  if (c.bx() != kBiosDevice) return c.fail(kBadDevice);
  if (apm.connected) return c.fail(kAlreadyConnected);
  apm.connected = true;
  apm.version = 0x0100;
  c.success();
}

// 5302h/5303h: the protected-mode interfaces: not provided.
void handle_155302(BiosCall& c) { c.fail(c.bx() != kBiosDevice ? kBadDevice : kNo16BitInterface); }
void handle_155303(BiosCall& c) { c.fail(c.bx() != kBiosDevice ? kBadDevice : kNo32BitInterface); }

// 5304h: disconnect; power management goes back to its defaults.
void handle_155304(ApmState& apm, BiosCall& c) {
  if (c.bx() != kBiosDevice) return c.fail(kBadDevice);
  if (!apm.connected) return c.fail(kNotConnected);
  apm = ApmState{};
  c.success();
}

// 5305h: CPU idle: the call halts until the next interrupt (the stub's
// STI;HLT), then returns; the host spends nothing meanwhile.
void handle_155305(ApmState& apm, BiosCall& c) {
  if (!apm.idle_waiting) {
    apm.idle_waiting = true;
    return c.wait();
  }
  apm.idle_waiting = false;
  c.success();
}

// 5306h: CPU busy: the CPU already runs at full speed.
void handle_155306(BiosCall& c) { c.success(); }

// 5307h: set power state. Only "all devices off" can be done: the machine
// powers off.
void handle_155307(BiosContext& bios, ApmState& apm, BiosCall& c) {
  if (c.bx() != kAllDevices) return c.fail(kBadDevice);
  if (!apm.enabled) return c.fail(kDisabled);
  switch (c.cx()) {
    case kStateOff:
      c.success();
      if (bios.config.power_off) bios.config.power_off();
      return;
    case kStateStandby:
    case kStateSuspend: return c.fail(kCannotEnterState);
    case kStateProcessing:  // no request of ours is pending: nothing to do
    case kStateRejected: return c.success();
    default: return c.fail(kBadParameter);
  }
}

// 5308h: enable (CX=1) or disable (CX=0) power management.
void handle_155308(ApmState& apm, BiosCall& c) {
  if (!all_devices(c.bx())) return c.fail(kBadDevice);
  if (c.cx() > 1) return c.fail(kBadParameter);
  apm.enabled = c.cx() == 1;
  c.success();
}

// 5309h: restore the power-on defaults.
void handle_155309(ApmState& apm, BiosCall& c) {
  if (!all_devices(c.bx())) return c.fail(kBadDevice);
  apm.enabled = apm.engaged = true;
  c.success();
}

// 530Ah: power status of the whole system: on AC, no system battery.
void handle_15530A(BiosCall& c) {
  if (c.bx() != kAllDevices) return c.fail(kBadDevice);  // battery units (80xxh): there are none
  c.set_bx(0x01FF);                                      // BH: AC line on-line; BL: battery status unknown
  c.set_cx(0x80FF);                                      // CH: no system battery; CL: remaining charge unknown
  c.set_dx(0xFFFF);                                      // remaining time unknown
  c.set_si(0);                                           // battery units
  c.success();
}

// 530Bh: get a power management event: none is ever pending.
void handle_15530B(BiosCall& c) { c.fail(kNoEvent); }

// 530Ch: power state of the system: ready.
void handle_15530C(BiosCall& c) {
  if (!all_devices(c.bx())) return c.fail(kBadDevice);
  c.set_cx(kStateReady);
  c.success();
}

// 530Dh: enable/disable a device's power management: there is none to
// manage beyond "all devices".
void handle_15530D(BiosCall& c) {
  if (!all_devices(c.bx())) return c.fail(kBadDevice);
  if (c.cx() > 1) return c.fail(kBadParameter);
  c.success();
}

// 530Eh: the driver's APM version in CX; the connection speaks the lower
// of it and ours, returned in AX.
void handle_15530E(ApmState& apm, BiosCall& c) {
  if (c.bx() != kBiosDevice) return c.fail(kBadDevice);
  if (c.cx() < 0x0100) return c.fail(kBadParameter);
  apm.version = std::min(c.cx(), kVersion);
  c.set_ax(apm.version);
  c.set_cf(false);
}

// 530Fh: engage (CX=1) or disengage (CX=0) power management.
void handle_15530F(ApmState& apm, BiosCall& c) {
  if (!all_devices(c.bx())) return c.fail(kBadDevice);
  if (c.cx() > 1) return c.fail(kBadParameter);
  apm.engaged = c.cx() == 1;
  c.success();
}

// 5310h: capabilities: no batteries, no standby, suspend or resume events.
void handle_155310(BiosCall& c) {
  if (c.bx() != kBiosDevice) return c.fail(kBadDevice);
  c.set_bl(0);
  c.set_cx(0);
  c.success();
}

// The functions after the connect calls: they need the connection.
void connected_call(BiosContext& bios, ApmState& apm, BiosCall& c) {
  if (c.al() > 0x10) return handle_1553XX(bios, c);
  if (!apm.connected) return c.fail(kNotConnected);
  switch (c.al()) {
    case 0x05: return handle_155305(apm, c);
    case 0x06: return handle_155306(c);
    case 0x07: return handle_155307(bios, apm, c);
    case 0x08: return handle_155308(apm, c);
    case 0x09: return handle_155309(apm, c);
    case 0x0A: return handle_15530A(c);
    case 0x0B: return handle_15530B(c);
    case 0x0C: return handle_15530C(c);
    case 0x0D: return handle_15530D(c);
    case 0x0E: return handle_15530E(apm, c);
    case 0x0F: return handle_15530F(apm, c);
    case 0x10: return handle_155310(c);
    default: return handle_1553XX(bios, c);
  }
}

}  // namespace

void handle_1553(BiosContext& bios, ApmState& apm, BiosCall& c) {
  switch (c.al()) {
    case 0x00: return handle_155300(apm, c);
    case 0x01: return handle_155301(apm, c);
    case 0x02: return handle_155302(c);
    case 0x03: return handle_155303(c);
    case 0x04: return handle_155304(apm, c);
    default: return connected_call(bios, apm, c);
  }
}

}  // namespace pxos

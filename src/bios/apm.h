// INT 15h AH=53h: Advanced Power Management 1.2, the real-mode interface,
// one function per subfunction in apm.cpp (the APM BIOS Interface
// Specification 1.2 describes each):
//   5300h installation check (BX=0000h): AX = 0102h, BX = 'PM', CX = flags
//         (no protected-mode interface: 16- and 32-bit connects fail)
//   5301h connect the real-mode interface; 5302h/5303h the 16/32-bit
//         protected-mode ones fail (06h/08h); 5304h disconnect
//   5305h CPU idle: halts until the next interrupt, as the stub's STI;HLT
//         does for a key read (no host CPU while the guest idles)
//   5306h CPU busy
//   5307h set power state: BX=0001h (all devices) CX=0003h (off) powers the
//         machine off (BiosConfig::power_off); standby and suspend fail (60h)
//   5308h/530Dh/530Fh enable, device enable, engage power management
//   5309h restore defaults; 530Ah power status: on AC, no system battery
//   530Bh no event pending (80h); 530Ch power state; 530Eh driver version
//   5310h capabilities: no battery, no standby/suspend/resume timers
// Every function after 5304h needs the real-mode connection (else 03h).
// Errors: CF set and AH = 01h power management disabled, 02h already
// connected, 03h not connected, 06h/08h no 16/32-bit interface, 09h no such
// device, 0Ah bad parameter, 60h cannot enter the state, 80h no event, 86h a
// function this BIOS does not have (logged).
#pragma once

#include <cstdint>

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

// What APM keeps between calls: POST starts it afresh (SystemState).
struct ApmState {
  bool connected = false;     // the real-mode interface
  bool enabled = true;        // 5308h
  bool engaged = true;        // 530Fh
  bool idle_waiting = false;  // a 5305h halted and comes again: answer it
  uint16_t version = 0x0100;  // the connection's APM version (530Eh), BCD
};

void handle_1553(BiosContext& bios, ApmState& apm, BiosCall& c);

}  // namespace pxos

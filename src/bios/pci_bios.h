// INT 1Ah AH=B1h: the PCI BIOS (PCI BIOS Specification 2.1), real and
// virtual-8086 mode, one function per subfunction in pci_bios.cpp:
//   B101h installation check: AH=0, AL=01h (mechanism #1), BX=0210h
//         (version 2.10), CL=0 (the last bus), EDX='PCI ', EDI=0
//   B102h find device CX (device ID), DX (vendor), SI (index) -> BH bus, BL devfn
//   B103h find class code ECX[23:0], SI (index) -> BH, BL
//   B108h-B10Dh read/write a configuration byte/word/dword of BH:BL at DI
//         (CL, CX, ECX); DI past FFh or unaligned for its size: 87h
//   B10Eh get IRQ routing options: the $PIR table's slot entries copied to
//         the buffer that ES:DI's {WORD size; WORD offset, segment} names
//         (size set to what they need: 89h when it is too small), BX = the
//         IRQs devoted to PCI. A buffer outside guest RAM: 81h.
//   B10Fh set PCI IRQ: pin CL (0Ah-0Dh = INTA#-INTD#) of BH:BL to IRQ CH
//         through the router's link, the IRQ set level-triggered; 88h for an
//         IRQ the $PIR table does not offer, a pin, bus or device out of range
// Status codes in AH with CF: 00h success, 81h function not supported,
// 83h bad vendor ID, 86h device not found, 87h bad register number, 88h set
// failed, 89h buffer too small. Unknown subfunctions answer 81h (logged), as
// does every call on a machine without a PCI bus. No 32-bit BIOS32 service
// directory: 32-bit OSes use mechanism #1 directly.
#pragma once

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_1AB1(BiosContext& bios, BiosCall& c);

}  // namespace pxos

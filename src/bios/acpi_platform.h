// What the machine tells the BIOS about its ACPI fixed hardware, for the
// FADT (bios/acpi_tables.h): where the PM device's register blocks are
// (devices/acpi_pm.h), the SCI's IRQ, and the reset register.
#pragma once

#include <cstdint>

namespace pxos::acpi {

struct Platform {
  uint16_t pm1a_evt = 0;  // PM1a_EVT_BLK: status and enable, 4 bytes
  uint16_t pm1a_cnt = 0;  // PM1a_CNT_BLK: control, 2 bytes
  uint16_t pm_tmr = 0;    // PM_TMR_BLK: the 24-bit PM timer, 4 bytes
  uint8_t sci_irq = 9;
  uint16_t reset_port = 0;  // RESET_REG, in I/O space: writing reset_value there resets the machine
  uint8_t reset_value = 0;
};

}  // namespace pxos::acpi

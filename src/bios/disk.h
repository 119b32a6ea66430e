// INT 13h: disk services for floppies (DL = 00h, 01h) and hard disks (DL =
// 80h, 81h), one function per subfunction in disk.cpp.
#pragma once

#include <cstdint>

#include "bios/call.h"
#include "bios/context.h"

namespace pxos {

void handle_13(BiosContext& bios, BiosCall& c);

// The disk behind BIOS drive number `dl`, or null for none (INT 19h boots
// from it).
DiskImage* disk_drive(const BiosConfig& config, uint8_t dl);

}  // namespace pxos

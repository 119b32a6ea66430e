// INT 19h (bootstrap loader) and INT 18h (no bootable device).
#include "bios/boot.h"

#include <string>
#include <vector>

#include "bios/disk.h"
#include "bios/rom.h"
#include "bios/video.h"

namespace pxos {

namespace {
constexpr uint32_t kBootAddress = 0x7C00;

// Points the IRET frame of the current call at seg:off with FLAGS = f.
void return_to(BiosCall& c, GuestMemory& mem, uint16_t seg, uint16_t off, uint16_t f) {
  mem.write16(c.stack(0), off);
  mem.write16(c.stack(2), seg);
  c.set_flags(f);
}
}  // namespace

void handle_18(BiosContext& bios, BiosCall& c) {
  std::string msg = "No bootable device.";
  video_print(bios, msg + "\r\n");
  if (bios.config.on_message) bios.config.on_message("bios: " + msg);
  // Stop for good: CLI; HLT with nothing to wake the CPU.
  return_to(c, bios.mem, rom::kSegment, rom::kHaltLoop, flag::FIXED1);
}

void handle_19(BiosContext& bios, BiosCall& c) {
  uint8_t drive_number = bios.config.boot_drive.value_or(bios.config.floppy[0] ? 0x00 : 0x80);
  DiskImage* d = disk_drive(bios.config, drive_number);
  std::vector<uint8_t> sector(DiskImage::kSectorSize);
  if (!d || !d->read(0, 1, sector)) {
    video_print(bios, "Boot failed: no disk.\r\n");
    return handle_18(bios, c);
  }
  if (sector[510] != 0x55 || sector[511] != 0xAA) {
    video_print(bios, "Boot failed: not a bootable disk (no 55AAh signature).\r\n");
    return handle_18(bios, c);
  }
  bios.mem.write(kBootAddress, sector);
  c.set_dl(drive_number);
  return_to(c, bios.mem, 0x0000, uint16_t(kBootAddress), flag::FIXED1 | flag::IF);
}

}  // namespace pxos

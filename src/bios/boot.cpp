// INT 19h (bootstrap loader) and INT 18h (no bootable device).
#include "bios/bios.h"
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

void Bios::int18(BiosCall& c) {
  std::string msg = "No bootable device.";
  video_print(ctx_, msg + "\r\n");
  if (ctx_.config.on_message) ctx_.config.on_message("bios: " + msg);
  // Stop for good: CLI; HLT with nothing to wake the CPU.
  return_to(c, ctx_.mem, rom::kSegment, rom::kHaltLoop, flag::FIXED1);
}

void Bios::int19(BiosCall& c) {
  uint8_t drive_number = ctx_.config.floppy[0] ? 0x00 : 0x80;
  DiskImage* d = disk_drive(ctx_.config, drive_number);
  std::vector<uint8_t> sector(DiskImage::kSectorSize);
  if (!d || !d->read(0, 1, sector)) {
    video_print(ctx_, "Boot failed: no disk.\r\n");
    return int18(c);
  }
  if (sector[510] != 0x55 || sector[511] != 0xAA) {
    video_print(ctx_, "Boot failed: not a bootable disk (no 55AAh signature).\r\n");
    return int18(c);
  }
  ctx_.mem.write(kBootAddress, sector);
  c.set_dl(drive_number);
  return_to(c, ctx_.mem, 0x0000, uint16_t(kBootAddress), flag::FIXED1 | flag::IF);
}

}  // namespace pxos

// INT 13h: disk services for floppies (DL = 00h, 01h) and hard disks
// (DL = 80h, 81h). One function per subfunction; status codes as IBM
// defined them, kept in the BDA for AH=01h.
#include <vector>

#include "bios/bios.h"
#include "bios/rom.h"

namespace pxos {

namespace disk_status {
inline constexpr uint8_t kOk = 0x00;
inline constexpr uint8_t kBadCommand = 0x01;     // invalid function or parameter
inline constexpr uint8_t kSectorNotFound = 0x04;
inline constexpr uint8_t kDmaBoundary = 0x09;    // buffer crosses a 64 KiB boundary
inline constexpr uint8_t kTimeout = 0x80;        // drive not ready
}  // namespace disk_status

DiskImage* Bios::drive(uint8_t dl) {
  if (dl < 2) return config_.floppy[dl];
  if (dl >= 0x80 && dl < 0x82) return config_.hard_disk[dl - 0x80];
  return nullptr;
}

void Bios::set_disk_status(uint8_t dl, uint8_t status) {
  set_bda8(dl & 0x80 ? bda::kDiskStatus : bda::kFloppyStatus, status);
}

// AH=02h read, 03h write, 04h verify: AL sectors from CHS (CH = cylinder
// bits 0-7, CL bits 6-7 = cylinder bits 8-9, CL bits 0-5 = sector from 1,
// DH = head) to or from ES:BX. On return AL is the number of sectors done.
void Bios::disk_rw(BiosCall& c, DiskImage& d, bool write, bool verify) {
  using namespace disk_status;
  const Geometry& g = d.geometry();
  uint32_t count = c.al();
  uint32_t cylinder = c.ch() | uint32_t(c.cl() & 0xC0) << 2;
  uint32_t sector = c.cl() & 0x3F;
  uint32_t head = c.dh();
  auto fail = [&](uint8_t code, uint32_t done) {
    c.set_al(uint8_t(done));
    c.fail(code);
  };
  if (count == 0 || count > 128) return fail(kBadCommand, 0);
  if (sector == 0 || sector > g.sectors || head >= g.heads || cylinder >= g.cylinders)
    return fail(kSectorNotFound, 0);
  uint64_t lba = (uint64_t{cylinder} * g.heads + head) * g.sectors + (sector - 1);
  uint32_t bytes = count * DiskImage::kSectorSize;
  uint32_t buffer = mem_.real_linear(c.es(), c.bx());
  // Floppies move data by ISA DMA, whose address counter cannot carry past
  // a 64 KiB boundary: real BIOSes refuse such buffers.
  if (d.kind() == DiskImage::Kind::Floppy && !verify && (buffer & 0xFFFF) + bytes > 0x10000)
    return fail(kDmaBoundary, 0);
  uint32_t available = uint32_t(std::min<uint64_t>(count, d.sector_count() - lba));
  uint32_t moved = available * DiskImage::kSectorSize;
  if (!verify) {
    // The whole buffer must be guest RAM: nothing is written outside it.
    if (write ? !mem_.readable_span(buffer, moved) : !mem_.ram_span(buffer, moved)) return fail(kBadCommand, 0);
    std::vector<uint8_t> data(moved);
    if (write) {
      mem_.read(buffer, data);
      if (!d.write(lba, available, data)) return fail(kTimeout, 0);
    } else {
      if (!d.read(lba, available, data)) return fail(kTimeout, 0);
      mem_.write(buffer, data);
    }
  }
  if (available < count) return fail(kSectorNotFound, available);
  c.set_al(uint8_t(count));
  c.success();
}

namespace {

void disk_1300(BiosCall& c) { c.success(); }  // reset: nothing to recalibrate

void disk_1308(BiosCall& c, DiskImage& d, uint8_t drives, uint16_t dpt_offset) {
  const Geometry& g = d.geometry();
  uint32_t max_cyl = std::min<uint32_t>(g.cylinders, 1024) - 1;
  c.set_ch(uint8_t(max_cyl));
  c.set_cl(uint8_t((g.sectors & 0x3F) | (max_cyl >> 8) << 6));
  c.set_dh(uint8_t(g.heads - 1));
  c.set_dl(drives);
  if (d.kind() == DiskImage::Kind::Floppy) {
    c.set_bl(d.floppy_type());
    c.set_es(0xF000);
    c.set_di(dpt_offset);
  }
  c.set_al(0);
  c.success();
}

void disk_1315(BiosCall& c, DiskImage* d) {
  c.set_cf(false);
  if (!d) return c.set_ah(0x00);  // no such drive
  if (d->kind() == DiskImage::Kind::Floppy) return c.set_ah(0x01);  // floppy without change line
  uint64_t n = std::min<uint64_t>(d->sector_count(), 0xFFFFFFFF);
  c.set_cx(uint16_t(n >> 16));
  c.set_dx(uint16_t(n));
  c.set_ah(0x03);  // hard disk
}

}  // namespace

void Bios::int13(BiosCall& c) {
  using namespace disk_status;
  uint8_t dl = c.dl();
  DiskImage* d = drive(dl);
  switch (c.ah()) {
    case 0x00:
      if (!d) c.fail(kBadCommand);
      else disk_1300(c);
      break;
    case 0x01: {  // status of the last operation
      uint8_t last = bda8(dl & 0x80 ? bda::kDiskStatus : bda::kFloppyStatus);
      c.set_ah(last);
      c.set_cf(last != 0);
      return;  // AH=01h leaves the stored status as it was
    }
    case 0x02:
    case 0x03:
    case 0x04:
      if (!d) {
        c.set_al(0);  // no sectors moved
        c.fail(kBadCommand);
      } else {
        disk_rw(c, *d, c.ah() == 0x03, c.ah() == 0x04);
      }
      break;
    case 0x08: {
      if (!d) {
        c.fail(kBadCommand);
        break;
      }
      uint8_t drives = dl & 0x80 ? bda8(bda::kHardDiskCount)
                                 : uint8_t((config_.floppy[0] ? 1 : 0) + (config_.floppy[1] ? 1 : 0));
      disk_1308(c, *d, drives, rom::kDisketteParams);
      break;
    }
    case 0x15:
      disk_1315(c, d);
      return;  // AH holds the drive type, not a status
    default:
      log_unimplemented(c);
      c.fail(kBadCommand);
  }
  set_disk_status(dl, c.ah());
}

}  // namespace pxos

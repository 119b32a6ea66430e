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
  if (dl < 2) return ctx_.config.floppy[dl];
  if (dl >= 0x80 && dl < 0x82) return ctx_.config.hard_disk[dl - 0x80];
  return nullptr;
}

void Bios::set_disk_status(uint8_t dl, uint8_t status) {
  ctx_.set_bda8(dl & 0x80 ? bda::kDiskStatus : bda::kFloppyStatus, status);
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
  uint32_t buffer = ctx_.mem.real_linear(c.es(), c.bx());
  // Floppies move data by ISA DMA, whose address counter cannot carry past
  // a 64 KiB boundary: real BIOSes refuse such buffers.
  if (d.kind() == DiskImage::Kind::Floppy && !verify && (buffer & 0xFFFF) + bytes > 0x10000)
    return fail(kDmaBoundary, 0);
  // A CHS address past the end of a disk smaller than its geometry (a hard
  // disk under one cylinder) has nothing available.
  uint32_t available = lba >= d.sector_count() ? 0 : uint32_t(std::min<uint64_t>(count, d.sector_count() - lba));
  uint32_t moved = available * DiskImage::kSectorSize;
  if (!verify) {
    // The whole buffer must be guest RAM: nothing is written outside it.
    if (write ? !ctx_.mem.readable_span(buffer, moved) : !ctx_.mem.ram_span(buffer, moved)) return fail(kBadCommand, 0);
    std::vector<uint8_t> data(moved);
    if (write) {
      ctx_.mem.read(buffer, data);
      if (!d.write(lba, available, data)) return fail(kTimeout, 0);
    } else {
      if (!d.read(lba, available, data)) return fail(kTimeout, 0);
      ctx_.mem.write(buffer, data);
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

// AH=05h: format a floppy track (CH cylinder, DH head, AL sectors): the
// track's sectors are filled with F6h, as FORMAT leaves them.
void disk_1305(BiosCall& c, DiskImage& d) {
  const Geometry& g = d.geometry();
  if (d.kind() != DiskImage::Kind::Floppy) return c.fail(disk_status::kBadCommand);
  uint32_t cyl = c.ch(), head = c.dh();
  if (head >= g.heads || cyl >= g.cylinders) return c.fail(disk_status::kSectorNotFound);
  std::vector<uint8_t> fill(size_t{g.sectors} * DiskImage::kSectorSize, 0xF6);
  if (!d.write((uint64_t{cyl} * g.heads + head) * g.sectors, g.sectors, fill)) return c.fail(disk_status::kTimeout);
  c.success();
}

// AH=41h: extensions present? BX 55AAh -> AA55h, version 3.0, subset 1
// (42h-44h, 47h, 48h).
void disk_1341(BiosCall& c) {
  if (c.bx() != 0x55AA) return c.fail(disk_status::kBadCommand);
  c.set_bx(0xAA55);
  c.set_cx(0x0001);
  c.set_ah(0x30);
  c.set_cf(false);
}

}  // namespace

// AH=42h read, 43h write, 44h verify, 47h seek: the disk address packet at
// DS:SI gives the sector count (updated to the count done), the buffer
// (seg:off, or a flat address at +10h when seg:off is FFFF:FFFF) and the
// 64-bit LBA.
void Bios::disk_extended_rw(BiosCall& c, DiskImage& d) {
  using namespace disk_status;
  uint32_t dap = ctx_.mem.real_linear(c.ds(), c.si());
  uint8_t size = ctx_.mem.read8(dap);
  if (!ctx_.mem.readable_span(dap, 16) || size < 16) return c.fail(kBadCommand);
  uint16_t count = ctx_.mem.read16(dap + 2);
  uint16_t off = ctx_.mem.read16(dap + 4), seg = ctx_.mem.read16(dap + 6);
  uint64_t lba = uint64_t{ctx_.mem.read32(dap + 8)} | uint64_t{ctx_.mem.read32(dap + 12)} << 32;
  uint64_t buffer = ctx_.mem.real_linear(seg, off);
  if (seg == 0xFFFF && off == 0xFFFF) {
    if (size < 0x18 || !ctx_.mem.readable_span(dap + 16, 8)) return c.fail(kBadCommand);
    buffer = uint64_t{ctx_.mem.read32(dap + 16)} | uint64_t{ctx_.mem.read32(dap + 20)} << 32;
  }
  auto done = [&](uint16_t n) { ctx_.mem.write16(dap + 2, n); };
  if (c.ah() == 0x47) {
    if (lba >= d.sector_count()) return c.fail(kSectorNotFound);
    return c.success();
  }
  if (count > 127) {
    done(0);
    return c.fail(kBadCommand);
  }
  if (lba > d.sector_count() || count > d.sector_count() - lba) {
    done(0);
    return c.fail(kSectorNotFound);
  }
  uint32_t bytes = uint32_t{count} * DiskImage::kSectorSize;
  if (c.ah() == 0x44 || count == 0) return c.success();
  bool write = c.ah() == 0x43;
  if (write ? !ctx_.mem.readable_span(buffer, bytes) : !ctx_.mem.ram_span(buffer, bytes)) {
    done(0);
    return c.fail(kBadCommand);
  }
  std::vector<uint8_t> data(bytes);
  bool ok;
  if (write) {
    ctx_.mem.read(buffer, data);
    ok = d.write(lba, count, data);
  } else {
    ok = d.read(lba, count, data) && ctx_.mem.write(buffer, data);
  }
  if (!ok) {
    done(0);
    return c.fail(kTimeout);
  }
  c.success();
}

// AH=48h: drive parameters into the result buffer at DS:SI (its first word
// says how big it is: at least 26 bytes).
void Bios::disk_1348(BiosCall& c, DiskImage& d) {
  uint32_t buf = ctx_.mem.real_linear(c.ds(), c.si());
  uint16_t size = ctx_.mem.read16(buf);
  if (size < 26 || !ctx_.mem.ram_span(buf, 26)) return c.fail(disk_status::kBadCommand);
  const Geometry& g = d.geometry();
  ctx_.mem.write16(buf, 26);
  ctx_.mem.write16(buf + 2, d.kind() == DiskImage::Kind::Floppy ? 0x0006 : 0x0002);  // CHS valid (+removable)
  ctx_.mem.write32(buf + 4, g.cylinders);
  ctx_.mem.write32(buf + 8, g.heads);
  ctx_.mem.write32(buf + 12, g.sectors);
  ctx_.mem.write32(buf + 16, uint32_t(d.sector_count()));
  ctx_.mem.write32(buf + 20, uint32_t(d.sector_count() >> 32));
  ctx_.mem.write16(buf + 24, DiskImage::kSectorSize);
  c.success();
}

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
      uint8_t last = ctx_.bda8(dl & 0x80 ? bda::kDiskStatus : bda::kFloppyStatus);
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
      uint8_t drives = dl & 0x80 ? ctx_.bda8(bda::kHardDiskCount)
                                 : uint8_t((ctx_.config.floppy[0] ? 1 : 0) + (ctx_.config.floppy[1] ? 1 : 0));
      disk_1308(c, *d, drives, rom::kDisketteParams);
      break;
    }
    case 0x05:
      if (!d) c.fail(kBadCommand);
      else disk_1305(c, *d);
      break;
    case 0x0C:  // seek
    case 0x0D:  // reset hard disk
    case 0x10:  // test unit ready
    case 0x11:  // recalibrate
      if (!d || !(dl & 0x80)) c.fail(kBadCommand);
      else c.success();
      break;
    case 0x15:
      disk_1315(c, d);
      return;  // AH holds the drive type, not a status
    case 0x16:  // floppy change line: never changed
      if (!d || (dl & 0x80)) c.fail(kBadCommand);
      else c.success();
      break;
    case 0x41:
      if (!d || !(dl & 0x80)) c.fail(kBadCommand);
      else disk_1341(c);
      break;
    case 0x42:
    case 0x43:
    case 0x44:
    case 0x47:
      if (!d || !(dl & 0x80)) c.fail(kBadCommand);
      else disk_extended_rw(c, *d);
      break;
    case 0x48:
      if (!d || !(dl & 0x80)) c.fail(kBadCommand);
      else disk_1348(c, *d);
      break;
    default:
      ctx_.log_unimplemented(c);
      c.fail(kBadCommand);
  }
  set_disk_status(dl, c.ah());
}

}  // namespace pxos

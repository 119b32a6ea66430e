// INT 13h: disk services for floppies (DL = 00h, 01h) and hard disks
// (DL = 80h, 81h). One function per subfunction, named for its number
// (handle_1302 reads sectors), and one switch on AH that dispatches to them
// through the drive check; status codes as IBM defined them, kept in the BDA
// for AH=01h.
#include "bios/disk.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "bios/guest_buffer.h"
#include "bios/rom.h"

namespace pxos {

DiskImage* disk_drive(const BiosConfig& config, uint8_t dl) {
  if (dl < 2) return config.floppy[dl];
  if (dl >= 0x80 && dl < 0x82) return config.hard_disk[dl - 0x80];
  return nullptr;
}

namespace {

constexpr uint8_t kBadCommand = 0x01;  // invalid function or parameter
constexpr uint8_t kSectorNotFound = 0x04;
constexpr uint8_t kDmaBoundary = 0x09;  // buffer crosses a 64 KiB boundary
constexpr uint8_t kTimeout = 0x80;      // drive not ready

// The status of the last operation is kept per drive kind: floppies at
// 0040:0041, hard disks at 0040:0074.
uint16_t status_byte(uint8_t dl) { return dl & 0x80 ? bda::kDiskStatus : bda::kFloppyStatus; }

// Which drives a subfunction serves, by DL's bit 7. A transfer (AH=02h-04h)
// that is refused also says that no sector moved (AL = 0).
struct Serves {
  bool floppies, hard_disks, transfer;
};
constexpr Serves kAnyDrive{true, true, false}, kFloppies{true, false, false}, kHardDisks{false, true, false},
    kTransfer{true, true, true};

using Subfunction = void (*)(BiosContext&, BiosCall&, DiskImage&);

// The drive check, written once: `fn` runs on the drive DL names when one
// is attached there and `serves` covers its kind; otherwise the call fails
// with 01h. Either way AH is then that drive kind's status.
void on_drive(BiosContext& bios, BiosCall& c, Serves serves, Subfunction fn) {
  const uint8_t dl = c.dl();  // AH=08h returns the drive count in DL
  DiskImage* d = disk_drive(bios.config, dl);
  if (d && ((dl & 0x80) ? serves.hard_disks : serves.floppies)) {
    fn(bios, c, *d);
  } else {
    if (serves.transfer) c.set_al(0);
    c.fail(kBadCommand);
  }
  bios.set_bda8(status_byte(dl), c.ah());
}

// AH=02h read, 03h write, 04h verify: AL sectors from CHS (CH = cylinder
// bits 0-7, CL bits 6-7 = cylinder bits 8-9, CL bits 0-5 = sector from 1,
// DH = head) to or from ES:BX. On return AL is the number of sectors done.
enum class Transfer { Read, Write, Verify };

void chs_transfer(BiosContext& bios, BiosCall& c, DiskImage& d, Transfer op) {
  GuestMemory& mem = bios.mem;
  const bool write = op == Transfer::Write, verify = op == Transfer::Verify;
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
  if (sector == 0 || sector > g.sectors || head >= g.heads || cylinder >= g.cylinders) return fail(kSectorNotFound, 0);
  uint64_t lba = (uint64_t{cylinder} * g.heads + head) * g.sectors + (sector - 1);
  uint32_t bytes = count * DiskImage::kSectorSize;
  uint32_t buffer = mem.real_linear(c.es(), c.bx());
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
    std::vector<uint8_t> data(moved);
    if (write) {
      if (!copy_from_guest_buffer(mem, c.cpu(), buffer, data)) return fail(kBadCommand, 0);
      if (!d.write(lba, available, data)) return fail(kTimeout, 0);
    } else {
      if (!guest_buffer_writable(mem, c.cpu(), buffer, moved)) return fail(kBadCommand, 0);
      if (!d.read(lba, available, data)) return fail(kTimeout, 0);
      copy_to_guest_buffer(mem, c.cpu(), buffer, data);
    }
  }
  if (available < count) return fail(kSectorNotFound, available);
  c.set_al(uint8_t(count));
  c.success();
}

// The disk address packet of AH=42h-44h and 47h at DS:SI: the sector count
// (updated to the count done), the buffer (seg:off, or a flat address at
// +10h when seg:off is FFFF:FFFF) and the 64-bit LBA.
struct Packet {
  uint32_t at;
  uint16_t count;
  uint64_t buffer, lba;
  bool flat = false;  // buffer is the packet's 64-bit address, not seg:off
};

// The packet, or none (the call failed) when it is short or unreadable.
std::optional<Packet> read_packet(BiosContext& bios, BiosCall& c) {
  GuestMemory& mem = bios.mem;
  uint32_t dap = mem.real_linear(c.ds(), c.si());
  uint8_t size = mem.read8(dap);
  if (!mem.readable_span(dap, 16) || size < 16) {
    c.fail(kBadCommand);
    return std::nullopt;
  }
  Packet p{dap, mem.read16(dap + 2), 0, uint64_t{mem.read32(dap + 8)} | uint64_t{mem.read32(dap + 12)} << 32};
  uint16_t off = mem.read16(dap + 4), seg = mem.read16(dap + 6);
  p.buffer = mem.real_linear(seg, off);
  if (seg == 0xFFFF && off == 0xFFFF) {
    if (size < 0x18 || !mem.readable_span(dap + 16, 8)) {
      c.fail(kBadCommand);
      return std::nullopt;
    }
    p.buffer = uint64_t{mem.read32(dap + 16)} | uint64_t{mem.read32(dap + 20)} << 32;
    p.flat = true;
  }
  return p;
}

// Fails the call with `code`, the packet saying that no sector moved.
void fail_packet(BiosContext& bios, BiosCall& c, const Packet& p, uint8_t code) {
  bios.mem.write16(p.at + 2, 0);
  c.fail(code);
}

// The packet's sectors lie on the disk, at most 127 of them (else the call
// has failed).
bool packet_fits(BiosContext& bios, BiosCall& c, const Packet& p, const DiskImage& d) {
  if (p.count > 127) {
    fail_packet(bios, c, p, kBadCommand);
    return false;
  }
  if (p.lba > d.sector_count() || p.count > d.sector_count() - p.lba) {
    fail_packet(bios, c, p, kSectorNotFound);
    return false;
  }
  return true;
}

// AH=42h read, 43h write: the packet's sectors to or from its buffer.
void lba_transfer(BiosContext& bios, BiosCall& c, DiskImage& d, bool write) {
  GuestMemory& mem = bios.mem;
  std::optional<Packet> p = read_packet(bios, c);
  if (!p || !packet_fits(bios, c, *p, d)) return;
  if (p->count == 0) return c.success();
  uint32_t bytes = uint32_t{p->count} * DiskImage::kSectorSize;
  // A segment:offset buffer is linear (guest_buffer.h); a flat 64-bit one physical.
  std::vector<uint8_t> data(bytes);
  bool ok;
  if (p->flat) {
    if (write ? !mem.readable_span(p->buffer, bytes) : !mem.ram_span(p->buffer, bytes))
      return fail_packet(bios, c, *p, kBadCommand);
    if (write) {
      mem.read(p->buffer, data);
      ok = d.write(p->lba, p->count, data);
    } else {
      ok = d.read(p->lba, p->count, data) && mem.write(p->buffer, data);
    }
  } else if (write) {
    if (!copy_from_guest_buffer(mem, c.cpu(), uint32_t(p->buffer), data)) return fail_packet(bios, c, *p, kBadCommand);
    ok = d.write(p->lba, p->count, data);
  } else {
    if (!guest_buffer_writable(mem, c.cpu(), uint32_t(p->buffer), bytes)) return fail_packet(bios, c, *p, kBadCommand);
    ok = d.read(p->lba, p->count, data) && copy_to_guest_buffer(mem, c.cpu(), uint32_t(p->buffer), data);
  }
  if (!ok) return fail_packet(bios, c, *p, kTimeout);
  c.success();
}

// AH=00h: reset: nothing to recalibrate.
void handle_1300(BiosContext&, BiosCall& c, DiskImage&) { c.success(); }

// AH=01h: the status of the last operation on DL's kind of drive, which
// this call leaves as it was.
void handle_1301(BiosContext& bios, BiosCall& c) {
  uint8_t last = bios.bda8(status_byte(c.dl()));
  c.set_ah(last);
  c.set_cf(last != 0);
}

void handle_1302(BiosContext& bios, BiosCall& c, DiskImage& d) { chs_transfer(bios, c, d, Transfer::Read); }
void handle_1303(BiosContext& bios, BiosCall& c, DiskImage& d) { chs_transfer(bios, c, d, Transfer::Write); }
void handle_1304(BiosContext& bios, BiosCall& c, DiskImage& d) { chs_transfer(bios, c, d, Transfer::Verify); }

// AH=05h: format a floppy track (CH cylinder, DH head, AL sectors): the
// track's sectors are filled with F6h, as FORMAT leaves them.
void handle_1305(BiosContext&, BiosCall& c, DiskImage& d) {
  const Geometry& g = d.geometry();
  if (d.kind() != DiskImage::Kind::Floppy) return c.fail(kBadCommand);
  uint32_t cyl = c.ch(), head = c.dh();
  if (head >= g.heads || cyl >= g.cylinders) return c.fail(kSectorNotFound);
  std::vector<uint8_t> fill(size_t{g.sectors} * DiskImage::kSectorSize, 0xF6);
  if (!d.write((uint64_t{cyl} * g.heads + head) * g.sectors, g.sectors, fill)) return c.fail(kTimeout);
  c.success();
}

// AH=08h: drive parameters: the last cylinder, head and sector in CX and
// DH, the number of drives of DL's kind in DL; for a floppy its type in BL
// and the diskette parameter table at ES:DI.
void handle_1308(BiosContext& bios, BiosCall& c, DiskImage& d) {
  const BiosConfig& config = bios.config;
  uint8_t drives =
      c.dl() & 0x80 ? bios.bda8(bda::kHardDiskCount) : uint8_t((config.floppy[0] ? 1 : 0) + (config.floppy[1] ? 1 : 0));
  const Geometry& g = d.geometry();
  uint32_t max_cyl = std::min<uint32_t>(g.cylinders, 1024) - 1;
  c.set_ch(uint8_t(max_cyl));
  c.set_cl(uint8_t((g.sectors & 0x3F) | (max_cyl >> 8) << 6));
  c.set_dh(uint8_t(g.heads - 1));
  c.set_dl(drives);
  if (d.kind() == DiskImage::Kind::Floppy) {
    c.set_bl(d.floppy_type());
    c.set_es(rom::kSegment);
    c.set_di(rom::kDisketteParams);
  }
  c.set_al(0);
  c.success();
}

// Hard disk housekeeping with nothing to do here: AH=0Ch seek, 0Dh reset,
// 10h test unit ready, 11h recalibrate.
void handle_130C(BiosContext&, BiosCall& c, DiskImage&) { c.success(); }
void handle_130D(BiosContext&, BiosCall& c, DiskImage&) { c.success(); }
void handle_1310(BiosContext&, BiosCall& c, DiskImage&) { c.success(); }
void handle_1311(BiosContext&, BiosCall& c, DiskImage&) { c.success(); }

// AH=15h: the drive type in AH (not a status, so none is kept): 00h none,
// 01h floppy without change line, 03h hard disk with CX:DX sectors.
void handle_1315(BiosContext& bios, BiosCall& c) {
  DiskImage* d = disk_drive(bios.config, c.dl());
  c.set_cf(false);
  if (!d) return c.set_ah(0x00);
  if (d->kind() == DiskImage::Kind::Floppy) return c.set_ah(0x01);
  uint64_t n = std::min<uint64_t>(d->sector_count(), 0xFFFFFFFF);
  c.set_cx(uint16_t(n >> 16));
  c.set_dx(uint16_t(n));
  c.set_ah(0x03);
}

// AH=16h: floppy change line: never changed.
void handle_1316(BiosContext&, BiosCall& c, DiskImage&) { c.success(); }

// AH=41h: extensions present? BX 55AAh -> AA55h, version 3.0 in AH, subset
// 1 (42h-44h, 47h, 48h) in CX.
void handle_1341(BiosContext&, BiosCall& c, DiskImage&) {
  if (c.bx() != 0x55AA) return c.fail(kBadCommand);
  c.set_bx(0xAA55);
  c.set_cx(0x0001);
  c.set_ah(0x30);
  c.set_cf(false);
}

void handle_1342(BiosContext& bios, BiosCall& c, DiskImage& d) { lba_transfer(bios, c, d, false); }
void handle_1343(BiosContext& bios, BiosCall& c, DiskImage& d) { lba_transfer(bios, c, d, true); }

// AH=44h: verify the packet's sectors: they are there.
void handle_1344(BiosContext& bios, BiosCall& c, DiskImage& d) {
  std::optional<Packet> p = read_packet(bios, c);
  if (!p || !packet_fits(bios, c, *p, d)) return;
  c.success();
}

// AH=47h: seek to the packet's LBA.
void handle_1347(BiosContext& bios, BiosCall& c, DiskImage& d) {
  std::optional<Packet> p = read_packet(bios, c);
  if (!p) return;
  if (p->lba >= d.sector_count()) return c.fail(kSectorNotFound);
  c.success();
}

// AH=48h: drive parameters into the result buffer at DS:SI (its first word
// says how big it is: at least 26 bytes).
void handle_1348(BiosContext& bios, BiosCall& c, DiskImage& d) {
  GuestMemory& mem = bios.mem;
  uint32_t buf = mem.real_linear(c.ds(), c.si());
  uint16_t size = mem.read16(buf);
  if (size < 26 || !mem.ram_span(buf, 26)) return c.fail(kBadCommand);
  const Geometry& g = d.geometry();
  mem.write16(buf, 26);
  mem.write16(buf + 2, d.kind() == DiskImage::Kind::Floppy ? 0x0006 : 0x0002);  // CHS valid (+removable)
  mem.write32(buf + 4, g.cylinders);
  mem.write32(buf + 8, g.heads);
  mem.write32(buf + 12, g.sectors);
  mem.write32(buf + 16, uint32_t(d.sector_count()));
  mem.write32(buf + 20, uint32_t(d.sector_count() >> 32));
  mem.write16(buf + 24, DiskImage::kSectorSize);
  c.success();
}

void handle_13XX(BiosContext& bios, BiosCall& c) {
  bios.log_unimplemented(c);
  c.fail(kBadCommand);
  bios.set_bda8(status_byte(c.dl()), c.ah());
}

}  // namespace

void handle_13(BiosContext& bios, BiosCall& c) {
  switch (c.ah()) {
    case 0x00: return on_drive(bios, c, kAnyDrive, handle_1300);
    case 0x01: return handle_1301(bios, c);
    case 0x02: return on_drive(bios, c, kTransfer, handle_1302);
    case 0x03: return on_drive(bios, c, kTransfer, handle_1303);
    case 0x04: return on_drive(bios, c, kTransfer, handle_1304);
    case 0x05: return on_drive(bios, c, kAnyDrive, handle_1305);
    case 0x08: return on_drive(bios, c, kAnyDrive, handle_1308);
    case 0x0C: return on_drive(bios, c, kHardDisks, handle_130C);
    case 0x0D: return on_drive(bios, c, kHardDisks, handle_130D);
    case 0x10: return on_drive(bios, c, kHardDisks, handle_1310);
    case 0x11: return on_drive(bios, c, kHardDisks, handle_1311);
    case 0x15: return handle_1315(bios, c);
    case 0x16: return on_drive(bios, c, kFloppies, handle_1316);
    case 0x41: return on_drive(bios, c, kHardDisks, handle_1341);
    case 0x42: return on_drive(bios, c, kHardDisks, handle_1342);
    case 0x43: return on_drive(bios, c, kHardDisks, handle_1343);
    case 0x44: return on_drive(bios, c, kHardDisks, handle_1344);
    case 0x47: return on_drive(bios, c, kHardDisks, handle_1347);
    case 0x48: return on_drive(bios, c, kHardDisks, handle_1348);
    default: return handle_13XX(bios, c);
  }
}

}  // namespace pxos

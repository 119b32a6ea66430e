// libFuzzer target: disk image bytes. The input is
//   [kind] [a20] [calls] then `calls` INT 13h register frames of 20 bytes
//   (AX BX CX DX SI DI ES DS, EBX and ECX high halves), then the image.
// The image goes through DiskImage::from_bytes and the geometry helpers, and
// the calls run on a BIOS whose first floppy or hard disk is that image, in a
// guest memory whose low 64 KiB (the DAP and buffer area of most calls) are
// filled from the image bytes too.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "bios/bios.h"
#include "block/disk_image.h"
#include "fuzz/fuzz_common.h"
#include "vm/memory.h"

using namespace pxos;

namespace {

constexpr size_t kFrameBytes = 20;
constexpr unsigned kMaxCalls = 16;

GuestMemory& memory() {
  static GuestMemory mem(GuestMemory::kMinRam);
  return mem;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t kind_byte = in.u8();
  const uint8_t a20 = in.u8();
  const unsigned calls = in.u8() % (kMaxCalls + 1);
  std::vector<std::array<uint8_t, kFrameBytes>> frames(calls);
  for (auto& f : frames)
    for (auto& b : f) b = in.u8();
  std::span<const uint8_t> image = in.rest();

  // The geometry helpers on sizes taken from the image's first bytes.
  fuzz::Input sz(image.data(), image.size());
  uint64_t any_size = uint64_t(sz.u32()) << 16 | sz.u16();
  if (auto f = floppy_format_for_size(any_size)) check(f->geometry.total() * DiskImage::kSectorSize == f->bytes);
  Geometry hg = hard_disk_geometry(any_size >> 9);
  check(hg.heads <= 255 && hg.sectors <= 63);

  const bool hard = kind_byte & 1;
  std::vector<uint8_t> bytes(image.begin(), image.end());
  if (hard) bytes.resize(bytes.size() / DiskImage::kSectorSize * DiskImage::kSectorSize);
  std::unique_ptr<DiskImage> disk;
  try {
    disk = std::make_unique<DiskImage>(
        DiskImage::from_bytes(std::move(bytes), hard ? DiskImage::Kind::HardDisk : DiskImage::Kind::Floppy));
  } catch (const DiskError&) {
    return 0;
  }
  // CHS never reaches past the end (a hard disk under one cylinder, 1008
  // sectors, still reports one cylinder: reads past its end fail cleanly).
  if (disk->sector_count() >= 16 * 63) check(disk->geometry().total() <= disk->sector_count());
  // Direct sector I/O at the edges.
  std::vector<uint8_t> sector(2 * DiskImage::kSectorSize);
  uint64_t n = disk->sector_count();
  for (uint64_t lba : {uint64_t{0}, n ? n - 1 : 0, n, n + 1, ~uint64_t{0}, ~uint64_t{0} - 1}) {
    bool r = disk->read(lba, 2, sector);
    check(!r || lba + 2 <= n);
    (void)disk->write(lba, 1, std::span<const uint8_t>(sector.data(), DiskImage::kSectorSize));
  }

  GuestMemory& mem = memory();
  std::memset(mem.ram_base(), 0, mem.ram_size());
  mem.set_a20(true);
  BiosConfig cfg;
  (hard ? cfg.hard_disk[0] : cfg.floppy[0]) = disk.get();
  Bios bios(mem, cfg);
  CpuState cpu;
  bios.post(cpu);
  // Guest memory: the image's first bytes, repeated over the low 64 KiB and
  // at the top of RAM, where buffers that run off the end start.
  if (!image.empty()) {
    size_t chunk = std::min<size_t>(image.size(), 0x10000);
    std::memcpy(mem.ram_base() + 0x500, image.data(), std::min<size_t>(chunk, 0x10000 - 0x500));
    std::memcpy(mem.ram_base() + mem.ram_size() - chunk, image.data(), chunk);
  }
  mem.set_a20(a20 & 1);

  for (const auto& f : frames) {
    fuzz::Input r(f.data(), f.size());
    CpuState s;
    s.set_r16(EAX, r.u16());
    s.set_r16(EBX, r.u16());
    s.set_r16(ECX, r.u16());
    uint16_t dx = r.u16();
    // DL: mostly the drive under test, sometimes any drive number.
    if (!(dx & 0x40)) dx = uint16_t((dx & 0xFF00) | (hard ? 0x80 : 0x00) | (dx & 1));
    s.set_r16(EDX, dx);
    s.set_r16(ESI, r.u16());
    s.set_r16(EDI, r.u16());
    s.load_real_segment(ES, r.u16());
    s.load_real_segment(DS, r.u16());
    s.gpr[EBX] |= uint32_t(r.u16()) << 16;
    s.gpr[ECX] |= uint32_t(r.u16()) << 16;
    BiosCall c{s, uint16_t(flag::FIXED1 | flag::IF), 0x13};
    bios.dispatch(c);
  }
  return 0;
}

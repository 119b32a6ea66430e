// A disk image file behind a BIOS drive: geometry detection and sector I/O.
// Writes go to a private in-memory overlay unless the image was opened
// writable, so a guest never changes an image by accident.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "block/sector_source.h"

namespace pxos {

struct Geometry {
  uint32_t cylinders = 0;
  uint32_t heads = 0;
  uint32_t sectors = 0;  // per track, numbered from 1
  uint64_t total() const { return uint64_t{cylinders} * heads * sectors; }
  bool operator==(const Geometry&) const = default;
};

// A standard PC floppy format, identified by its size in bytes.
struct FloppyFormat {
  uint64_t bytes;
  Geometry geometry;
  uint8_t cmos_type;  // drive type as INT 13h AH=08h reports it in BL
};
// The formats from 160 KiB to 2.88 MiB; nullopt for any other size.
std::optional<FloppyFormat> floppy_format_for_size(uint64_t bytes);

// Logical geometry for a hard disk of `sectors` 512-byte sectors (16 heads,
// 63 sectors per track, at most 1024 cylinders for CHS).
Geometry hard_disk_geometry(uint64_t sectors);

// Thrown for images that cannot be used, with a one-line message.
struct DiskError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DiskImage {
 public:
  static constexpr uint32_t kSectorSize = 512;
  enum class Kind { Floppy, HardDisk };

  // Opens an image file. A floppy must have one of the standard floppy
  // sizes; a hard disk any whole number of sectors. A writable image is
  // locked (an OFD write lock on the whole file, as QEMU takes) for as long
  // as it is open, so that a second process cannot write it too. Throws
  // DiskError (also when another process holds the lock).
  static DiskImage open(const std::string& path, Kind kind, bool writable = false);
  // An image held in memory (tests, --boot-sector). A floppy smaller than
  // 1.44 MiB is padded with zeros to 1.44 MiB.
  static DiskImage from_bytes(std::vector<uint8_t> bytes, Kind kind);
  // A hard disk whose sectors come from `source` (a host folder). The
  // guest's writes stay in the overlay; with `writable` each flush hands
  // them to the source to write back.
  static DiskImage from_source(std::unique_ptr<SectorSource> source, bool writable);

  DiskImage(DiskImage&&) noexcept;
  DiskImage& operator=(DiskImage&&) noexcept;
  ~DiskImage();

  Kind kind() const { return kind_; }
  uint64_t sector_count() const { return sectors_; }
  const Geometry& geometry() const { return geometry_; }
  uint8_t floppy_type() const { return floppy_type_; }
  bool writable() const { return writable_; }

  // Whole-sector I/O; false when [lba, lba+count) runs past the end or the
  // host I/O failed. `buf` holds count * 512 bytes.
  bool read(uint64_t lba, uint32_t count, std::span<uint8_t> buf);
  bool write(uint64_t lba, uint32_t count, std::span<const uint8_t> buf);
  // Makes [lba, lba+count) read as zeros: a writable image file gets a hole
  // punched (zeros written where the file system cannot punch), the private
  // overlay a record of zero sectors. False as for write().
  bool write_zeroes(uint64_t lba, uint64_t count);
  // Forgets the private writes: the image reads as it was opened again
  // (nothing to do for an image written in place).
  void discard_writes() {
    overlay_.clear();
    dirty_.clear();
    unflushed_ = false;
  }
  // Makes the writes so far durable (fsync) when the image file is written
  // in place (--writable), or has a writable source write them back; true
  // when there is nothing to do. What a source could not write back (a
  // conflict) stays dirty, so the next flush tries it again.
  bool flush();
  // For a writable source: whether the guest wrote since the last flush,
  // and a count of its writes (to see them settle before a flush).
  bool unflushed_writes() const { return source_ && writable_ && unflushed_; }
  uint64_t write_count() const { return writes_; }

 private:
  DiskImage() = default;
  Kind kind_ = Kind::Floppy;
  int fd_ = -1;
  bool writable_ = false;
  std::vector<uint8_t> memory_;  // image held in memory when fd_ < 0
  uint64_t sectors_ = 0;
  Geometry geometry_;
  uint8_t floppy_type_ = 0;
  std::unordered_map<uint64_t, std::vector<uint8_t>> overlay_;  // private writes (empty: a zero sector)
  std::unique_ptr<SectorSource> source_;                        // sectors from elsewhere, when set
  std::unordered_set<uint64_t> dirty_;                          // with source_: not yet written back
  bool unflushed_ = false;                                      // with source_: written since the last flush
  uint64_t writes_ = 0;
};

}  // namespace pxos

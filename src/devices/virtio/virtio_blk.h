// virtio-blk (virtio 1.1, 5.2): device type 2, one request queue of up to
// 256 entries, backed by a DiskImage (block/disk_image.h: writes reach the
// file only when it was opened writable, else a private overlay).
//
// Configuration space (offsets; little-endian):
//   00h capacity u64 (512-byte sectors)   0Ch seg_max u32
//   10h geometry (cylinders u16, heads u8, sectors u8)
//   14h blk_size u32 (512)                20h writeback u8 (0: write-through)
//   24h max_discard_sectors u32   28h max_discard_seg u32   2Ch discard_sector_alignment u32
//   30h max_write_zeroes_sectors u32   34h max_write_zeroes_seg u32   38h write_zeroes_may_unmap u8
// Features: SEG_MAX, GEOMETRY, BLK_SIZE, FLUSH, DISCARD, WRITE_ZEROES.
//
// A request is a chain: a 16-byte header the device reads (type u32,
// reserved u32, sector u64), then data (read for OUT, DISCARD and
// WRITE_ZEROES; written for IN and GET_ID), then one status byte the device
// writes last (0 OK, 1 IOERR, 2 UNSUPP). The layout of the buffers is free
// (VIRTIO_F_ANY_LAYOUT is implied in 1.x): the device reads and writes them
// as streams. IN/OUT data is whole sectors inside the disk; a request
// that breaks a rule gets IOERR (a chain with no room for the status byte
// is returned with nothing written).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "block/disk_image.h"
#include "devices/virtio/virtio_device.h"

namespace pxos {

class VirtioBlk final : public VirtioDevice {
 public:
  static constexpr uint16_t kDeviceType = 2;
  static constexpr uint16_t kQueueSize = 256;
  static constexpr uint32_t kSegMax = 126;  // data descriptors per request (the queue less header and status)
  // 32 MiB a segment, 16 segments a request: a request without --writable
  // records at most 1 Mi zero sectors in the overlay (a bounded pause).
  static constexpr uint32_t kMaxDiscardSectors = 0x10000;
  static constexpr uint32_t kMaxDiscardSegments = 16;
  // Feature bits (5.2.3).
  static constexpr int kFeatureSegMax = 2, kFeatureGeometry = 4, kFeatureBlkSize = 6, kFeatureFlush = 9;
  static constexpr int kFeatureDiscard = 13, kFeatureWriteZeroes = 14;
  // Request types and status values (5.2.6).
  static constexpr uint32_t kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4, kTypeGetId = 8, kTypeDiscard = 11,
                            kTypeWriteZeroes = 13;
  static constexpr uint8_t kStatusOk = 0, kStatusIoErr = 1, kStatusUnsupported = 2;
  static constexpr uint32_t kHeaderBytes = 16, kIdBytes = 20, kSegmentBytes = 16;
  static constexpr uint32_t kConfigSize = 0x3C;

  struct Stats {
    uint64_t reads = 0, writes = 0, flushes = 0, get_ids = 0, discards = 0, write_zeroes = 0;
    uint64_t bytes_read = 0, bytes_written = 0;
    uint64_t io_errors = 0;    // IOERR returned: out of range, not whole sectors, host I/O failed
    uint64_t unsupported = 0;  // UNSUPP returned
    uint64_t bad_chains = 0;   // no room for the status byte
  };

  // `id` is what GET_ID returns (at most 20 bytes are used).
  VirtioBlk(std::string name, DiskImage& disk, std::string id);

  uint16_t device_type() const override { return kDeviceType; }
  uint8_t pci_class() const override { return 0x01; }     // mass storage
  uint8_t pci_subclass() const override { return 0x00; }  // SCSI, as QEMU's virtio-blk
  uint64_t device_features() const override;
  int queue_count() const override { return 1; }
  uint16_t queue_max_size() const override { return kQueueSize; }
  void read_config(uint32_t offset, std::span<uint8_t> data) override;
  void write_config(uint32_t, std::span<const uint8_t>) override {}  // writeback is not offered: all read-only
  void set_driver_features(uint64_t features) override { features_ = features; }
  void process(int queue, Virtqueue& q) override;
  void reset() override { features_ = 0; }
  void print_stats(std::ostream& os) const override;

  const Stats& stats() const { return stats_; }

 private:
  uint8_t handle(GuestMemory& mem, const DescriptorChain& chain, uint32_t& written);
  uint8_t read_sectors(ChainWriter& out, uint64_t sector, uint64_t bytes);
  uint8_t write_sectors(ChainReader& in, uint64_t sector, uint64_t bytes);
  uint8_t zero_ranges(ChainReader& in, bool discard);

  std::string name_;
  DiskImage& disk_;
  std::string id_;
  uint64_t features_ = 0;
  Stats stats_;
};

}  // namespace pxos

// virtio-blk (devices/virtio/virtio_blk.h) against a temporary image file:
// read, write, flush, GET_ID, discard and write-zeroes round trips; writes
// reach the file only when it was opened writable; malformed requests.
#include "devices/virtio/virtio_blk.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "block/disk_image.h"
#include "devices/virtio/virtio_regs.h"
#include "virtio_rig.h"

namespace pxos {
namespace {

using namespace virtio;
constexpr uint32_t kSectors = 64;
constexpr uint64_t kHeader = 0x20000, kData = 0x21000, kStatus = 0x30000;

// An image whose sector s is filled with the byte s.
struct TempImage {
  std::string path;
  TempImage() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pxos-vblk-XXXXXX").string();
    int fd = mkstemp(tmpl.data());
    EXPECT_GE(fd, 0);
    close(fd);
    path = tmpl;
    std::ofstream f(path, std::ios::binary);
    for (uint32_t s = 0; s < kSectors; ++s) f << std::string(512, char(s));
  }
  ~TempImage() { std::remove(path.c_str()); }
  std::vector<uint8_t> bytes() const {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
  }
};

struct VirtioBlkTest : ::testing::Test {
  TempImage image;
  GuestMemory mem{GuestMemory::kMinRam};
  test::DriverRing ring{mem, 16};
  std::optional<DiskImage> disk;
  std::optional<VirtioBlk> blk;
  std::optional<Virtqueue> q;

  void open(bool writable) {
    disk.emplace(DiskImage::open(image.path, DiskImage::Kind::HardDisk, writable));
    blk.emplace("vda", *disk, "pxos-vda");
    q.emplace(mem, ring.layout(), true, false);
  }
  // One request: header, `data_len` bytes of data (device-writable for IN
  // and GET_ID), a status byte. Returns the status; `used_len` what the
  // used ring says.
  uint8_t request(uint32_t type, uint64_t sector, uint32_t data_len, bool data_writable, uint32_t* used_len = nullptr) {
    mem.write32(kHeader, type);
    mem.write32(kHeader + 4, 0);
    mem.write32(kHeader + 8, uint32_t(sector));
    mem.write32(kHeader + 12, uint32_t(sector >> 32));
    mem.write8(kStatus, 0xEE);
    uint16_t head = 0;
    if (data_len) {
      ring.desc(0, kHeader, 16, kDescNext, 1);
      ring.desc(1, kData, data_len, uint16_t(kDescNext | (data_writable ? kDescWrite : 0)), 2);
      ring.desc(2, kStatus, 1, kDescWrite);
    } else {
      ring.desc(0, kHeader, 16, kDescNext, 2);
      ring.desc(2, kStatus, 1, kDescWrite);
    }
    ring.offer(head);
    uint16_t before = ring.used_idx();
    blk->process(0, *q);
    EXPECT_EQ(ring.used_idx(), uint16_t(before + 1));
    if (used_len) *used_len = ring.used(before).second;
    return mem.read8(kStatus);
  }
  void fill(uint8_t v, uint32_t len) {
    for (uint32_t i = 0; i < len; ++i) mem.write8(kData + i, v);
  }
  bool data_is(uint8_t v, uint32_t len) {
    for (uint32_t i = 0; i < len; ++i)
      if (mem.read8(kData + i) != v) return false;
    return true;
  }
};

TEST_F(VirtioBlkTest, Configuration) {
  open(false);
  uint8_t c[VirtioBlk::kConfigSize];
  blk->read_config(0, c);
  EXPECT_EQ(c[0], kSectors);  // capacity
  EXPECT_EQ(c[0x0C], VirtioBlk::kSegMax);
  EXPECT_EQ(c[0x14] | c[0x15] << 8, 512);  // blk_size
  EXPECT_EQ(c[0x28], VirtioBlk::kMaxDiscardSegments);
  uint64_t f = blk->device_features();
  for (int b : {VirtioBlk::kFeatureFlush, VirtioBlk::kFeatureSegMax, VirtioBlk::kFeatureBlkSize,
                VirtioBlk::kFeatureDiscard, VirtioBlk::kFeatureWriteZeroes})
    EXPECT_TRUE(f & bit(b)) << b;
}

TEST_F(VirtioBlkTest, ReadsSectors) {
  open(false);
  uint32_t used = 0;
  EXPECT_EQ(request(VirtioBlk::kTypeIn, 5, 1024, true, &used), VirtioBlk::kStatusOk);
  EXPECT_EQ(used, 1025u);  // the data and the status byte
  EXPECT_TRUE(data_is(5, 512));
  EXPECT_EQ(mem.read8(kData + 512), 6);
  EXPECT_EQ(blk->stats().bytes_read, 1024u);
}

TEST_F(VirtioBlkTest, WritesStayPrivateWithoutWritable) {
  open(false);
  std::vector<uint8_t> before = image.bytes();
  fill(0x5A, 1024);
  EXPECT_EQ(request(VirtioBlk::kTypeOut, 10, 1024, false), VirtioBlk::kStatusOk);
  EXPECT_EQ(request(VirtioBlk::kTypeFlush, 0, 0, false), VirtioBlk::kStatusOk);
  fill(0, 1024);
  EXPECT_EQ(request(VirtioBlk::kTypeIn, 10, 1024, true), VirtioBlk::kStatusOk);
  EXPECT_TRUE(data_is(0x5A, 1024));  // the guest reads its write back
  EXPECT_EQ(image.bytes(), before);  // the file never saw it
}

TEST_F(VirtioBlkTest, WritesReachTheFileWhenWritable) {
  open(true);
  fill(0xC3, 512);
  EXPECT_EQ(request(VirtioBlk::kTypeOut, 63, 512, false), VirtioBlk::kStatusOk);
  EXPECT_EQ(request(VirtioBlk::kTypeFlush, 0, 0, false), VirtioBlk::kStatusOk);
  std::vector<uint8_t> after = image.bytes();
  ASSERT_EQ(after.size(), kSectors * 512u);
  EXPECT_EQ(after[63 * 512], 0xC3);
  EXPECT_EQ(after[63 * 512 + 511], 0xC3);
  EXPECT_EQ(after[62 * 512], 62);
  EXPECT_EQ(blk->stats().flushes, 1u);
}

TEST_F(VirtioBlkTest, AWritableImageIsLocked) {
  open(true);
  try {
    DiskImage::open(image.path, DiskImage::Kind::HardDisk, true);
    FAIL() << "a second writer opened the image";
  } catch (const DiskError& e) {
    EXPECT_NE(std::string(e.what()).find("another process"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(DiskImage::open(image.path, DiskImage::Kind::HardDisk, false));  // readers take no lock
  disk.reset();
  blk.reset();
  EXPECT_NO_THROW(DiskImage::open(image.path, DiskImage::Kind::HardDisk, true));  // closed: free again
}

TEST_F(VirtioBlkTest, GetId) {
  open(false);
  uint32_t used = 0;
  EXPECT_EQ(request(VirtioBlk::kTypeGetId, 0, 20, true, &used), VirtioBlk::kStatusOk);
  EXPECT_EQ(used, 21u);
  char id[21] = {};
  for (int i = 0; i < 20; ++i) id[i] = char(mem.read8(kData + uint64_t(i)));
  EXPECT_STREQ(id, "pxos-vda");
}

TEST_F(VirtioBlkTest, DiscardAndWriteZeroes) {
  for (bool writable : {false, true}) {
    SCOPED_TRACE(writable);
    blk.reset();
    disk.reset();  // the lock goes with it
    open(writable);
    auto segment = [&](uint64_t sector, uint32_t count, uint32_t flags) {
      mem.write32(kData, uint32_t(sector));
      mem.write32(kData + 4, 0);
      mem.write32(kData + 8, count);
      mem.write32(kData + 12, flags);
    };
    segment(2, 3, 0);
    EXPECT_EQ(request(VirtioBlk::kTypeDiscard, 0, 16, false), VirtioBlk::kStatusOk);
    segment(8, 1, 1);  // WRITE_ZEROES may unmap
    EXPECT_EQ(request(VirtioBlk::kTypeWriteZeroes, 0, 16, false), VirtioBlk::kStatusOk);
    segment(8, 1, 1);  // DISCARD's flags have no unmap bit
    EXPECT_EQ(request(VirtioBlk::kTypeDiscard, 0, 16, false), VirtioBlk::kStatusUnsupported);
    segment(kSectors - 1, 2, 0);  // past the end
    EXPECT_EQ(request(VirtioBlk::kTypeDiscard, 0, 16, false), VirtioBlk::kStatusIoErr);
    segment(0, VirtioBlk::kMaxDiscardSectors + 1, 0);  // more than a segment may hold
    EXPECT_EQ(request(VirtioBlk::kTypeWriteZeroes, 0, 16, false), VirtioBlk::kStatusIoErr);
    fill(0xFF, 6 * 512);
    EXPECT_EQ(request(VirtioBlk::kTypeIn, 1, 8 * 512, true), VirtioBlk::kStatusOk);
    EXPECT_TRUE(data_is(1, 512));
    EXPECT_EQ(mem.read8(kData + 512), 0);
    EXPECT_EQ(mem.read8(kData + 4 * 512 - 1), 0);
    EXPECT_EQ(mem.read8(kData + 4 * 512), 5);
    EXPECT_EQ(mem.read8(kData + 7 * 512), 0);
    std::vector<uint8_t> file = image.bytes();
    EXPECT_EQ(file[2 * 512], writable ? 0 : 2) << "the file changes only when writable";
    EXPECT_EQ(file[8 * 512], writable ? 0 : 8);
  }
}

TEST_F(VirtioBlkTest, BadRequests) {
  open(false);
  EXPECT_EQ(request(VirtioBlk::kTypeIn, kSectors, 512, true), VirtioBlk::kStatusIoErr);  // past the end
  EXPECT_EQ(request(VirtioBlk::kTypeIn, kSectors - 1, 1024, true), VirtioBlk::kStatusIoErr);
  EXPECT_EQ(request(VirtioBlk::kTypeIn, ~uint64_t{0}, 512, true), VirtioBlk::kStatusIoErr);  // sector + count wraps
  EXPECT_EQ(request(VirtioBlk::kTypeOut, 0, 100, false), VirtioBlk::kStatusIoErr);           // not whole sectors
  EXPECT_EQ(request(VirtioBlk::kTypeDiscard, 0, 15, false), VirtioBlk::kStatusIoErr);
  EXPECT_EQ(request(VirtioBlk::kTypeDiscard, 0, 0, false), VirtioBlk::kStatusIoErr);
  EXPECT_EQ(request(99, 0, 0, false), VirtioBlk::kStatusUnsupported);
  EXPECT_EQ(blk->stats().io_errors, 6u);
  EXPECT_EQ(blk->stats().unsupported, 1u);
  // A header shorter than 16 bytes.
  ring.desc(0, kHeader, 8, kDescNext, 2);
  ring.desc(2, kStatus, 1, kDescWrite);
  ring.offer(0);
  blk->process(0, *q);
  EXPECT_EQ(mem.read8(kStatus), VirtioBlk::kStatusIoErr);
  // No writable byte for the status: given back with nothing written.
  ring.desc(0, kHeader, 16);
  ring.offer(0);
  uint16_t before = ring.used_idx();
  blk->process(0, *q);
  EXPECT_EQ(ring.used(before).second, 0u);
  EXPECT_EQ(blk->stats().bad_chains, 1u);
  EXPECT_FALSE(q->broken());
}

TEST_F(VirtioBlkTest, AnyLayout) {
  open(false);
  // Header, data and status in one writable-after-readable pair: 16 bytes
  // readable, then 512 + 1 writable in a single buffer.
  mem.write32(kHeader, VirtioBlk::kTypeIn);
  mem.write32(kHeader + 8, 7);
  mem.write32(kHeader + 12, 0);
  ring.desc(0, kHeader, 16, kDescNext, 1);
  ring.desc(1, kData, 513, kDescWrite);
  ring.offer(0);
  blk->process(0, *q);
  EXPECT_TRUE(data_is(7, 512));
  EXPECT_EQ(mem.read8(kData + 512), VirtioBlk::kStatusOk);
}

}  // namespace
}  // namespace pxos

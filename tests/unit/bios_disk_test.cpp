// INT 13h on explicit register frames: CHS mapping and every error path.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "vm/bda.h"
#include "bios/bios.h"

namespace pxos {
namespace {

constexpr uint64_t kHdSectors = 16ull * 63 * 400;  // 400 cylinders: CHS needs CL bits 6-7

class Int13 : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<uint8_t> floppy(1474560);
    for (uint64_t lba = 0; lba < 2880; ++lba) {  // each sector starts with its LBA
      floppy[lba * 512] = uint8_t(lba);
      floppy[lba * 512 + 1] = uint8_t(lba >> 8);
    }
    floppy_ = std::make_unique<DiskImage>(DiskImage::from_bytes(std::move(floppy), DiskImage::Kind::Floppy));

    std::string tmpl = (std::filesystem::temp_directory_path() / "pxos-hd-XXXXXX").string();
    char* name = tmpl.data();
    int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    hd_path_ = name;
    ASSERT_EQ(ftruncate(fd, off_t(kHdSectors * 512)), 0);
    uint64_t lba = (300ull * 16 + 5) * 63 + 6;  // C=300 H=5 S=7
    uint8_t mark[4] = {0xC3, 0x00, 0x57, 0x00};
    ASSERT_EQ(pwrite(fd, mark, 4, off_t(lba * 512)), 4);
    close(fd);
    hd_ = std::make_unique<DiskImage>(DiskImage::open(hd_path_, DiskImage::Kind::HardDisk));

    BiosConfig cfg;
    cfg.floppy[0] = floppy_.get();
    cfg.hard_disk[0] = hd_.get();
    bios_ = std::make_unique<Bios>(mem_, cfg);
    CpuState cpu;
    bios_->post(cpu);
  }
  void TearDown() override { std::remove(hd_path_.c_str()); }

  // Calls INT 13h with AX, CX, DX and ES:BX; returns the frame.
  BiosCall call(uint16_t ax, uint16_t cx, uint16_t dx, uint16_t es = 0, uint16_t bx = 0xA000) {
    cpu_ = CpuState{};
    cpu_.set_r16(EAX, ax);
    cpu_.set_r16(ECX, cx);
    cpu_.set_r16(EDX, dx);
    cpu_.set_r16(EBX, bx);
    cpu_.load_real_segment(ES, es);
    BiosCall c{cpu_, uint16_t(flag::FIXED1 | flag::IF), 0x13};
    bios_->dispatch(c);
    return c;
  }

  GuestMemory mem_{16 << 20};
  std::unique_ptr<DiskImage> floppy_, hd_;
  std::unique_ptr<Bios> bios_;
  std::string hd_path_;
  CpuState cpu_;
};

TEST_F(Int13, FloppyChsMapsToLba) {
  struct {
    uint8_t cyl, head, sector;
  } cases[] = {{0, 0, 1}, {0, 0, 18}, {0, 1, 1}, {1, 0, 1}, {79, 1, 18}, {40, 1, 9}};
  for (auto k : cases) {
    BiosCall c = call(0x0201, uint16_t(k.cyl << 8 | k.sector), uint16_t(k.head << 8));
    ASSERT_FALSE(c.cf());
    uint64_t lba = (uint64_t{k.cyl} * 2 + k.head) * 18 + k.sector - 1;
    EXPECT_EQ(mem_.read16(0xA000), uint16_t(lba)) << int(k.cyl) << "/" << int(k.head) << "/" << int(k.sector);
    EXPECT_EQ(c.ax(), 0x0001);
  }
}

TEST_F(Int13, HardDiskCylinderBits8And9ComeFromCl) {
  // Cylinder 300 = 12Ch: CH = 2Ch, CL bits 6-7 = 01b; sector 7.
  BiosCall c = call(0x0201, uint16_t(0x2C << 8 | 0x40 | 7), 0x0580);
  ASSERT_FALSE(c.cf()) << std::hex << int(c.ah());
  EXPECT_EQ(mem_.read16(0xA000), 0x00C3);
  EXPECT_EQ(mem_.read16(0xA002), 0x0057);
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kDiskStatus), 0);
}

TEST_F(Int13, ErrorPathsSetCarryAndStatus) {
  struct {
    const char* what;
    uint16_t ax, cx, dx, es, bx;
    uint8_t status, al;
  } cases[] = {
      {"zero sectors", 0x0200, 0x0001, 0x0000, 0, 0xA000, 0x01, 0},
      {"more than 128 sectors", 0x0281, 0x0001, 0x0080, 0, 0xA000, 0x01, 0},
      {"sector 0", 0x0201, 0x0000, 0x0000, 0, 0xA000, 0x04, 0},
      {"sector 19 of 18", 0x0201, 0x0013, 0x0000, 0, 0xA000, 0x04, 0},
      {"head 2 of 2", 0x0201, 0x0001, 0x0200, 0, 0xA000, 0x04, 0},
      {"cylinder 80 of 80", 0x0201, 0x5001, 0x0000, 0, 0xA000, 0x04, 0},
      {"cylinder 256 via CL", 0x0201, 0x0041, 0x0000, 0, 0xA000, 0x04, 0},
      {"hard disk cylinder 400 of 400", 0x0201, uint16_t(0x90 << 8 | 0x40 | 1), 0x0080, 0, 0xA000, 0x04, 0},
      {"hard disk head 16", 0x0201, 0x0001, 0x1080, 0, 0xA000, 0x04, 0},
      {"absent floppy B:", 0x0201, 0x0001, 0x0001, 0, 0xA000, 0x01, 0},
      {"absent hard disk 81h", 0x0201, 0x0001, 0x0081, 0, 0xA000, 0x01, 0},
      {"drive 7Fh", 0x0201, 0x0001, 0x007F, 0, 0xA000, 0x01, 0},
      {"floppy buffer across 64 KiB (DMA)", 0x0202, 0x0001, 0x0000, 0x1000, 0xFE00, 0x09, 0},
      {"past the end of the floppy", 0x0203, 0x4F11, 0x0100, 0, 0xA000, 0x04, 2},
      {"buffer in the ROM", 0x0201, 0x0001, 0x0000, 0xF000, 0x0000, 0x01, 0},
      {"unknown function", 0x7700, 0x0000, 0x0000, 0, 0, 0x01, 0x00},
  };
  for (auto k : cases) {
    BiosCall c = call(k.ax, k.cx, k.dx, k.es, k.bx);
    EXPECT_TRUE(c.cf()) << k.what;
    EXPECT_EQ(c.ah(), k.status) << k.what;
    if (k.ax >> 8 == 0x02) {
      EXPECT_EQ(c.al(), k.al) << k.what;
    }
    // AH=01h reports the same status afterwards.
    BiosCall s = call(0x0100, 0, k.dx);
    EXPECT_EQ(s.ah(), k.status) << k.what;
  }
}

TEST_F(Int13, HardDiskBuffersMayCross64KiB) {
  BiosCall c = call(0x0202, 0x0001, 0x0080, 0x1000, 0xFE00);
  EXPECT_FALSE(c.cf());
  EXPECT_EQ(c.al(), 2);
}

TEST_F(Int13, ReadsNeverWriteOutsideRam) {
  GuestMemory small(1 << 20);
  BiosConfig cfg;
  cfg.floppy[0] = floppy_.get();
  Bios b(small, cfg);
  CpuState post;
  b.post(post);
  CpuState cpu;
  cpu.set_r16(EAX, 0x0201);
  cpu.set_r16(ECX, 0x0001);
  cpu.set_r16(EDX, 0x0000);
  cpu.load_real_segment(ES, 0xFFFF);  // FFFF:0010 = 1 MiB: past the end of this guest's RAM
  cpu.set_r16(EBX, 0x0010);
  BiosCall c{cpu, flag::FIXED1, 0x13};
  b.dispatch(c);
  EXPECT_TRUE(c.cf());
  EXPECT_EQ(c.ah(), 0x01);
}

// Which subfunctions serve which kind of drive, and that each kind keeps
// its own status byte, which AH=01h and AH=15h leave as it was.
TEST_F(Int13, DriveKindsAndTheirStatusBytes) {
  struct {
    const char* what;
    uint16_t ax, dx;
    bool cf;
  } cases[] = {
      {"seek on a floppy", 0x0C00, 0x0000, true},         {"seek on a hard disk", 0x0C00, 0x0080, false},
      {"reset hard disk 80h", 0x0D00, 0x0080, false},     {"recalibrate a floppy", 0x1100, 0x0000, true},
      {"change line of a floppy", 0x1600, 0x0000, false}, {"change line of a hard disk", 0x1600, 0x0080, true},
      {"reset an absent drive", 0x0000, 0x0081, true},    {"reset floppy A:", 0x0000, 0x0000, false},
  };
  for (auto k : cases) {
    BiosCall c = call(k.ax, 0, k.dx);
    EXPECT_EQ(c.cf(), k.cf) << k.what;
    EXPECT_EQ(c.ah(), k.cf ? 0x01 : 0x00) << k.what;
    EXPECT_EQ(call(0x0100, 0, k.dx).ah(), k.cf ? 0x01 : 0x00) << k.what;
  }
  EXPECT_TRUE(call(0x0C00, 0, 0x0000).cf());  // the floppy's status is 01h now...
  EXPECT_FALSE(call(0x0C00, 0, 0x0080).cf());
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kFloppyStatus), 0x01);  // ...and the hard disk's 00h
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kDiskStatus), 0x00);
  BiosCall t = call(0x1500, 0, 0x0000);  // the drive type is no status
  EXPECT_EQ(t.ah(), 0x01);
  EXPECT_FALSE(t.cf());
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kFloppyStatus), 0x01);
  EXPECT_EQ(call(0x1500, 0, 0x0081).ah(), 0x00);  // no such drive
  EXPECT_EQ(mem_.read8(bda::kBase + bda::kDiskStatus), 0x00);
}

TEST_F(Int13, ParametersOfBothDriveKinds) {
  BiosCall f = call(0x0800, 0, 0x0000);
  EXPECT_FALSE(f.cf());
  EXPECT_EQ(f.cx(), 0x4F12);
  EXPECT_EQ(f.dx(), 0x0101);
  EXPECT_EQ(f.bl(), 4);
  EXPECT_EQ(f.es(), 0xF000);
  BiosCall h = call(0x0800, 0, 0x0080);
  EXPECT_FALSE(h.cf());
  // 399 = 18Fh: CH = 8Fh, CL = 01b << 6 | 63.
  EXPECT_EQ(h.cx(), uint16_t(0x8F << 8 | 0x40 | 63));
  EXPECT_EQ(h.dx(), 0x0F01);
  BiosCall t = call(0x1500, 0, 0x0080);
  EXPECT_FALSE(t.cf());
  EXPECT_EQ(t.ah(), 0x03);
  EXPECT_EQ(uint32_t{t.cx()} << 16 | t.dx(), kHdSectors);
}

}  // namespace
}  // namespace pxos

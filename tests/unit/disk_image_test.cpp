#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <fstream>

#include "block/disk_image.h"

namespace pxos {
namespace {

// A temporary file that is removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(uint64_t size) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pxos-disk-XXXXXX").string();
    char* name = tmpl.data();
    int fd = mkstemp(name);
    if (fd < 0 || ftruncate(fd, off_t(size)) != 0) std::abort();
    close(fd);
    path = name;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

TEST(FloppyFormats, EveryStandardSizeHasItsGeometry) {
  struct Case {
    uint64_t bytes;
    Geometry g;
    uint8_t type;
  } cases[] = {{163840, {40, 1, 8}, 1},   {184320, {40, 1, 9}, 1},   {327680, {40, 2, 8}, 1},
               {368640, {40, 2, 9}, 1},   {737280, {80, 2, 9}, 3},   {1228800, {80, 2, 15}, 2},
               {1474560, {80, 2, 18}, 4}, {2949120, {80, 2, 36}, 5}};
  for (const Case& c : cases) {
    auto f = floppy_format_for_size(c.bytes);
    ASSERT_TRUE(f) << c.bytes;
    EXPECT_EQ(f->geometry, c.g) << c.bytes;
    EXPECT_EQ(f->geometry.total() * 512, c.bytes);
    EXPECT_EQ(f->cmos_type, c.type);
  }
  EXPECT_FALSE(floppy_format_for_size(1474560 + 512));
  EXPECT_FALSE(floppy_format_for_size(0));
}

TEST(HardDiskGeometry, SixteenHeadsSixtyThreeSectorsCappedAt1024Cylinders) {
  EXPECT_EQ(hard_disk_geometry(16 * 63 * 100), (Geometry{100, 16, 63}));
  EXPECT_EQ(hard_disk_geometry(16 * 63 * 5000), (Geometry{1024, 16, 63}));
  EXPECT_EQ(hard_disk_geometry(1), (Geometry{1, 16, 63}));
}

TEST(DiskImage, BadFilesGiveOneLineErrors) {
  EXPECT_THROW(DiskImage::open("/nonexistent/pxos.img", DiskImage::Kind::Floppy), DiskError);
  TempFile odd(1000000);
  try {
    DiskImage::open(odd.path, DiskImage::Kind::Floppy);
    FAIL() << "a 1,000,000-byte floppy was accepted";
  } catch (const DiskError& e) {
    EXPECT_NE(std::string(e.what()).find("not a floppy size"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  TempFile ragged(1000);
  EXPECT_THROW(DiskImage::open(ragged.path, DiskImage::Kind::HardDisk), DiskError);
  EXPECT_THROW(DiskImage::open("/tmp", DiskImage::Kind::HardDisk), DiskError);
}

TEST(DiskImage, WritesGoToAPrivateOverlayUnlessWritable) {
  TempFile f(1474560);
  std::vector<uint8_t> sector(512, 0xAB), back(512);
  {
    DiskImage d = DiskImage::open(f.path, DiskImage::Kind::Floppy);
    ASSERT_TRUE(d.write(5, 1, sector));
    ASSERT_TRUE(d.read(5, 1, back));
    EXPECT_EQ(back, sector);
  }
  {
    DiskImage d = DiskImage::open(f.path, DiskImage::Kind::Floppy);
    ASSERT_TRUE(d.read(5, 1, back));
    EXPECT_EQ(back, std::vector<uint8_t>(512, 0)) << "the image file changed without --writable";
  }
  {
    DiskImage d = DiskImage::open(f.path, DiskImage::Kind::Floppy, /*writable=*/true);
    ASSERT_TRUE(d.write(5, 1, sector));
  }
  DiskImage d = DiskImage::open(f.path, DiskImage::Kind::Floppy);
  ASSERT_TRUE(d.read(5, 1, back));
  EXPECT_EQ(back, sector);
}

TEST(DiskImage, AccessesPastTheEndFail) {
  DiskImage d = DiskImage::from_bytes(std::vector<uint8_t>(512, 1), DiskImage::Kind::Floppy);
  EXPECT_EQ(d.sector_count(), 2880u);  // padded to 1.44 MB
  std::vector<uint8_t> buf(1024);
  EXPECT_TRUE(d.read(2879, 1, buf));
  EXPECT_FALSE(d.read(2879, 2, buf));
  EXPECT_FALSE(d.read(~0ull, 1, buf));
  EXPECT_FALSE(d.read(0, 3, buf));  // buffer too small for three sectors
}

}  // namespace
}  // namespace pxos

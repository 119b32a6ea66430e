// The newc cpio writer: headers, padding, the trailer, and gzip output that
// zlib reads back to the same archive.
#include "block/initramfs.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace pxos {
namespace {

std::string field(const std::vector<uint8_t>& a, size_t entry_at, int index) {
  return std::string(a.begin() + long(entry_at + 6 + size_t(index) * 8),
                     a.begin() + long(entry_at + 14 + size_t(index) * 8));
}

TEST(Initramfs, NewcEntriesArePaddedAndEndWithATrailer) {
  Initramfs fs;
  fs.add_dir("/bin");
  const uint8_t data[] = {'h', 'i', '!'};
  fs.add_file("bin/x", data, 0755);
  fs.add_char_device("dev/console", 5, 1);
  std::vector<uint8_t> a = fs.cpio();
  ASSERT_GE(a.size(), 512u);
  EXPECT_EQ(a.size() % 512, 0u);
  EXPECT_EQ(std::string(a.begin(), a.begin() + 6), "070701");
  EXPECT_EQ(field(a, 0, 1), "000041ED");                            // a directory, 0755
  EXPECT_EQ(std::string(a.begin() + 110, a.begin() + 113), "bin");  // leading '/' dropped
  // The second entry starts 4-aligned after the first's name (no data).
  size_t second = (110 + 4 + 3) & ~size_t{3};
  EXPECT_EQ(field(a, second, 1), "000081ED");
  EXPECT_EQ(field(a, second, 6), "00000003");  // filesize
  size_t data_at = (second + 110 + 6 + 3) & ~size_t{3};
  EXPECT_EQ(a[data_at], 'h');
  size_t third = (data_at + 3 + 3) & ~size_t{3};
  EXPECT_EQ(field(a, third, 1), "00002180");  // character device, 0600
  EXPECT_EQ(field(a, third, 9), "00000005");
  EXPECT_EQ(field(a, third, 10), "00000001");
  std::string all(a.begin(), a.end());
  EXPECT_NE(all.find("TRAILER!!!"), std::string::npos);
  EXPECT_THROW(fs.add_file("../etc/passwd", data), InitramfsError);
}

TEST(Initramfs, GzipRoundTrips) {
  Initramfs fs;
  std::vector<uint8_t> big(100000, 'z');
  fs.add_file("init", big, 0755);
  std::vector<uint8_t> gz = fs.gzip();
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(gz[0], 0x1F);
  EXPECT_EQ(gz[1], 0x8B);
  std::vector<uint8_t> back(fs.cpio().size());
  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = gz.data();
  z.avail_in = uInt(gz.size());
  z.next_out = back.data();
  z.avail_out = uInt(back.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  inflateEnd(&z);
  EXPECT_EQ(back, fs.cpio());
  EXPECT_EQ(fs.gzip(), gz);  // deterministic
}

}  // namespace
}  // namespace pxos

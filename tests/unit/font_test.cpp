// frontend/font.h: the glyphs of 8x8, 8x14 and 8x16 PSF fonts for the ROM,
// and fonts of the wrong height or truncated refused with FontError.
#include "frontend/font.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace pxos {
namespace {

// A PSF1 file of 256 glyphs `height` rows high (no Unicode table), glyph c's
// rows all c; `cut` bytes short. Its path (removed by the caller).
std::string write_psf(int height, size_t cut = 0) {
  std::vector<uint8_t> psf = {0x36, 0x04, 0x00, uint8_t(height)};
  for (int c = 0; c < 256; ++c)
    for (int y = 0; y < height; ++y) psf.push_back(uint8_t(c));
  psf.resize(psf.size() - cut);
  char path[] = "/tmp/pxos_font_test_XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, psf.data(), psf.size()), ssize_t(psf.size()));
  close(fd);
  return path;
}

TEST(Font, GlyphsOfEachHeightOneAfterTheOther) {
  for (int height : {8, 14, 16}) {
    const std::string path = write_psf(height);
    const std::vector<uint8_t> g = load_glyphs(path, height);
    unlink(path.c_str());
    ASSERT_EQ(g.size(), size_t(256 * height));
    EXPECT_EQ(g[size_t('A' * height)], 'A');
    EXPECT_EQ(g[size_t(256 * height - 1)], 255);
  }
}

TEST(Font, WrongHeightOrTruncatedIsRefused) {
  const std::string eight = write_psf(8), cut = write_psf(14, 100);
  EXPECT_THROW(load_glyphs(eight, 14), FontError);
  EXPECT_THROW(Font::load(eight), FontError);
  EXPECT_THROW(load_glyphs(cut, 14), FontError);
  EXPECT_THROW(load_glyphs("/nonexistent/font.psf.gz", 8), FontError);
  unlink(eight.c_str());
  unlink(cut.c_str());
}

}  // namespace
}  // namespace pxos

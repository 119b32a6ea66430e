// The character glyphs for drawing the text screen and for the BIOS ROM: PSF
// console fonts from the host (Debian's console-setup-linux ships the VGA
// ones, 8x8, 8x14 and 8x16), looked up by CP437 code through the font's
// Unicode table.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pxos {

struct FontError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The 256 glyphs of 8 x `height` pixels (bit 7 = leftmost) for CP437 codes 0-255,
// one after the other, as a VGA BIOS keeps its 8x8, 8x14 and 8x16 fonts, from a PSF1
// or PSF2 font (gzip or plain) of that height. Throws FontError.
std::vector<uint8_t> load_glyphs(const std::string& path, int height);
// Debian's Uni2-VGA8, Uni2-VGA14 or Uni2-VGA16 (or the font at $PXOS_FONT8,
// $PXOS_FONT14 or $PXOS_FONT). Throws FontError.
std::vector<uint8_t> load_default_glyphs(int height);

class Font {
 public:
  static constexpr int kWidth = 8, kHeight = 16;
  // The font at $PXOS_FONT, else Debian's Uni2-VGA16. Throws FontError.
  static Font load_default();
  // A PSF1 or PSF2 font (gzip or plain) with 8x16 glyphs. Throws FontError.
  static Font load(const std::string& path);

  // 16 rows of 8 pixels (bit 7 = leftmost) for CP437 character `ch`.
  const std::array<uint8_t, kHeight>& glyph(uint8_t ch) const { return glyphs_[ch]; }
  // The 256 glyphs one after the other, as a VGA BIOS keeps its 8x16 font.
  std::vector<uint8_t> bitmap() const;

 private:
  std::array<std::array<uint8_t, kHeight>, 256> glyphs_{};
};

}  // namespace pxos

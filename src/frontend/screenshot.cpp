#include "frontend/screenshot.h"

#include <png.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace pxos {

namespace {
// The VGA's default 16-colour palette in text mode (CGA order, RGB).
constexpr uint32_t kPalette[16] = {0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
                                   0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF};
}  // namespace

void write_screenshot(const TextScreen& screen, const Font& font, const std::string& path) {
  const int width = screen.cols * Font::kWidth, height = screen.rows * Font::kHeight;
  std::vector<uint8_t> rgb(size_t(width) * height * 3);
  for (int r = 0; r < screen.rows; ++r) {
    for (int c = 0; c < screen.cols; ++c) {
      uint16_t cell = screen.at(r, c);
      uint8_t attr = uint8_t(cell >> 8);
      uint32_t fg = kPalette[attr & 0x0F], bg = kPalette[(attr >> 4) & 0x07];  // bit 7: blink
      const auto& g = font.glyph(uint8_t(cell));
      bool cursor = screen.cursor_visible && r == screen.cursor_row && c == screen.cursor_col;
      for (int y = 0; y < Font::kHeight; ++y) {
        uint8_t bits = g[y] | (cursor && y >= 14 ? 0xFF : 0);
        for (int x = 0; x < Font::kWidth; ++x) {
          uint32_t px = (bits & (0x80 >> x)) ? fg : bg;
          uint8_t* p = &rgb[(size_t(r * Font::kHeight + y) * width + size_t(c * Font::kWidth + x)) * 3];
          p[0] = uint8_t(px >> 16);
          p[1] = uint8_t(px >> 8);
          p[2] = uint8_t(px);
        }
      }
    }
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("--screenshot: cannot write " + path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    std::fclose(f);
    throw std::runtime_error("--screenshot: PNG encoding failed for " + path);
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height; ++y) png_write_row(png, &rgb[size_t(y) * width * 3]);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fclose(f) != 0) throw std::runtime_error("--screenshot: cannot write " + path);
}

}  // namespace pxos

#include "frontend/screenshot.h"

#include <png.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace pxos {

void write_screenshot(const Frame& frame, const std::string& path) {
  const int width = frame.width, height = frame.height;
  if (width <= 0 || height <= 0 || frame.pixels.size() != size_t(width) * size_t(height))
    throw std::runtime_error("--screenshot: no picture to write to " + path);
  std::vector<uint8_t> rgb(size_t(width) * size_t(height) * 3);
  for (size_t i = 0; i < frame.pixels.size(); ++i) {
    uint32_t px = frame.pixels[i];
    rgb[3 * i] = uint8_t(px >> 16);
    rgb[3 * i + 1] = uint8_t(px >> 8);
    rgb[3 * i + 2] = uint8_t(px);
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
  for (int y = 0; y < height; ++y) png_write_row(png, &rgb[size_t(y) * size_t(width) * 3]);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fclose(f) != 0) throw std::runtime_error("--screenshot: cannot write " + path);
}

}  // namespace pxos

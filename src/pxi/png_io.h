// Minimal RGBA8 PNG reading and writing through libpng, with bounded memory.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pxos::pxi {

struct Image {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4, rows top to bottom
};

// Reads an 8-bit RGBA PNG (any interlace). Checks the colour type, bit depth and
// dimensions from IHDR before allocating the pixels. Throws pxi::Error: kBadPng
// (not a PNG / corrupt), kTruncated, kNotRgba8, kTooLarge.
Image read_png_rgba8(std::span<const uint8_t> file, uint64_t max_pixels, uint32_t max_width);

// Encodes width*height RGBA8 pixels. Throws pxi::Error(kBadPng) on failure.
std::vector<uint8_t> write_png_rgba8(const uint8_t* rgba, uint32_t width, uint32_t height, int compression = 6);

}  // namespace pxos::pxi

// A tiny RGBA raster for `pxi render` and the bench plots: rectangles, lines and
// a built-in 5x7 bitmap font (upper-case ASCII, digits, some punctuation).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace pxos::pxi {

struct Rgb {
  uint8_t r, g, b;
};

class Canvas {
 public:
  Canvas(uint32_t w, uint32_t h, Rgb bg);
  uint32_t width() const { return w_; }
  uint32_t height() const { return h_; }
  void set(int x, int y, Rgb c);
  void fill(int x, int y, int w, int h, Rgb c);
  void frame(int x, int y, int w, int h, Rgb c);
  void line(double x0, double y0, double x1, double y1, Rgb c, int thickness = 1);
  // Draws text with its top-left corner at (x, y); returns the x after it.
  int text(int x, int y, std::string_view s, Rgb c, int scale = 1);
  static int text_width(std::string_view s, int scale = 1) { return int(s.size()) * 6 * scale; }
  std::vector<uint8_t> png() const;

 private:
  uint32_t w_, h_;
  std::vector<uint8_t> px_;
};

}  // namespace pxos::pxi

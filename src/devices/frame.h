// What a display device shows, as the front ends (window, VNC, screenshot,
// terminal) take it: one picture of the screen at its native resolution,
// 0x00RRGGBB pixels row by row, and the part that changed since the last
// picture, so that an unchanged screen costs the front ends nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pxos {

struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
  bool empty() const { return w <= 0 || h <= 0; }
  bool operator==(const Rect&) const = default;
};

struct Frame {
  int width = 0, height = 0;
  std::vector<uint32_t> pixels;  // width * height, 0x00RRGGBB
  Rect dirty;                    // changed by the last render; empty: nothing changed
  std::string mode;              // "mode 13h (320x200, 256 colours)", for titles and status lines
  uint32_t at(int x, int y) const { return pixels[size_t(y) * size_t(width) + size_t(x)]; }
};

// A device that can draw itself into a Frame (the VGA, VBE). render() draws
// only when something the picture depends on changed since the last call (or
// the frame's size changed), sets frame.dirty to what it redrew, and returns
// whether it drew anything.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual bool render(Frame& frame) = 0;
};

}  // namespace pxos

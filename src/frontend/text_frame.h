// The text screen as a picture: a FrameSource that draws what the guest's
// text mode shows (devices/text_screen.h) with the 8x16 VGA font, 8 or 9
// pixels per column and 16 per row, in the 16 colours of the VGA's default
// text palette, the cursor as the two bottom rows of its cell. Only the cells
// that changed since the last render are redrawn, and frame.dirty is the
// rectangle around them; an unchanged screen is not drawn at all.
#pragma once

#include <functional>
#include <optional>

#include "devices/frame.h"
#include "devices/text_screen.h"
#include "frontend/font.h"

namespace pxos {

class TextFrame : public FrameSource {
 public:
  using Capture = std::function<TextScreen()>;
  // `capture` reads the screen now (e.g. Machine::text_screen); `font` must
  // outlive this. `nine_dots`: 9-pixel columns as a VGA shows text (the line
  // drawing characters C0h-DFh repeat their 8th column into the 9th).
  TextFrame(Capture capture, const Font& font, bool nine_dots = false);

  bool render(Frame& frame) override;
  // Draws `screen` (the render() of a screen already captured).
  bool draw(const TextScreen& screen, Frame& frame);

  int cell_width() const { return cell_w_; }

 private:
  void draw_cell(const TextScreen& s, int r, int c, Frame& frame) const;

  Capture capture_;
  const Font& font_;
  int cell_w_;
  std::optional<TextScreen> last_;  // what the frame shows now
};

// The VGA's default 16-colour text palette (CGA order), 0x00RRGGBB.
extern const uint32_t kTextPalette[16];

}  // namespace pxos

// --screenshot: the text screen drawn with the 8x16 VGA font into a PNG,
// 8 pixels per column and 16 per row, in the 16 colours of the VGA palette.
#pragma once

#include <string>

#include "frontend/font.h"
#include "devices/text_screen.h"

namespace pxos {

// Throws std::runtime_error with a one-line message when the file cannot be written.
void write_screenshot(const TextScreen& screen, const Font& font, const std::string& path);

}  // namespace pxos

// --screenshot: a picture of the screen (devices/frame.h) as a PNG, at the
// frame's own resolution (what the display device drew: Machine::display).
#pragma once

#include <string>

#include "devices/frame.h"

namespace pxos {

// Throws std::runtime_error with a one-line message when the file cannot be
// written (or the frame holds no picture).
void write_screenshot(const Frame& frame, const std::string& path);

}  // namespace pxos

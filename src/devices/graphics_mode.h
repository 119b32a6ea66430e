// Whether the guest's display is in a graphics mode, which the text front
// ends cannot show, and which one: from the BIOS data area's mode number
// (0040:0049) when it names a graphics mode, else from the VGA registers
// when a guest programmed them itself (attribute mode control bit 0 or
// graphics controller misc bit 0 set).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "devices/vga.h"
#include "vm/memory.h"

namespace pxos {

struct GraphicsMode {
  int number = -1;            // the BIOS mode number; -1: none names this register setting
  int width = 0, height = 0;  // pixels; 0: not known (a mode number of no standard mode)
  int colours = 0;
  // "graphics mode 13h (320x200, 256 colours)", "VGA graphics (360x480, 256
  // colours)" or "video mode 6Ah".
  std::string describe() const;
  bool operator==(const GraphicsMode&) const = default;
};

// nullopt in the text modes (BIOS modes 0-3 and 7 with the VGA in text).
std::optional<GraphicsMode> graphics_mode(GuestMemory& mem, const Vga* vga);
// The mode the VGA registers describe, when they describe a graphics mode.
std::optional<GraphicsMode> graphics_mode_of(const Vga& vga);

}  // namespace pxos

// The register values of the standard BIOS video modes (IBM VGA technical
// reference), and the two steps of INT 10h AH=00h that touch the card:
// programming a mode's registers and loading its default DAC palette, both
// through the VGA's port interface as a BIOS's OUT instructions would.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "devices/vga.h"

namespace pxos {

struct VgaModeRegs {
  int number = 0;  // the BIOS mode number; kVgaModeX for the unchained 320x240 test mode
  uint8_t misc = 0;
  std::array<uint8_t, Vga::kSeqCount> seq{};  // SR00-SR04
  std::array<uint8_t, Vga::kCrtcCount> crtc{};
  std::array<uint8_t, Vga::kGcCount> gc{};
  std::array<uint8_t, Vga::kAttrCount> attr{};
};

// Which default palette a mode's DAC gets.
enum class VgaPalette {
  kEga,   // 350/400/480-line modes: the 64 EGA colours (bits 0-2 B,G,R at 2/3, bits 3-5 at 1/3)
  kCga,   // 200-line modes: bits 0-2 B,G,R, bit 4 intensity, colour 6 brown
  kMono,  // modes 07h/0Fh: bit 3 video, bit 4 intensity, grey
  k256,   // mode 13h: 16 CGA colours, 16 greys, 9 blocks of 24 hues, 8 black
};

constexpr int kVgaModeX = 0x100;  // not a BIOS mode: mode 13h unchained, 320x240 (test helper)

// The registers of BIOS modes 00h-07h and 0Dh-13h (bit 7 of the number, "do
// not clear", is ignored), and kVgaModeX; nullopt for any other number.
std::optional<VgaModeRegs> vga_mode_registers(int mode);
VgaPalette vga_mode_palette(int mode);

// Writes the mode's registers through vga.write(): sequencer reset, misc
// output, sequencer, CRTC (unprotected first), graphics controller,
// attribute controller, then the attribute index with PAS set.
void vga_program_mode(Vga& vga, const VgaModeRegs& regs);
// Writes the 256 DAC entries of a default palette through 3C8h/3C9h, and
// the pel mask (3C6h) to FFh.
void vga_load_palette(Vga& vga, VgaPalette palette);
// One DAC entry (6-bit R, G, B) of a default palette.
std::array<uint8_t, 3> vga_palette_entry(VgaPalette palette, int index);

}  // namespace pxos

#include "bios/rom.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>

#include "bios/vbe.h"
#include "bios/video_state.h"

namespace pxos::rom {

namespace {
constexpr uint8_t kCode[] = {
#include "bios/rom_code.inc"
};
static_assert(sizeof kCode < 0xE000 - kCodeBase, "rom_code.asm outgrew its room");

void put(std::span<uint8_t> rom, uint16_t at, std::initializer_list<uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), rom.begin() + at);
}

// The image depends on nothing but this file, so it is made once and
// copied: a machine, and every input of the BIOS fuzzers, installs it.
std::array<uint8_t, 0x10000> make_image() {
  std::array<uint8_t, 0x10000> image;
  std::span<uint8_t> rom(image);
  std::fill(rom.begin(), rom.end(), 0xFF);
  // The fonts are blank until Bios::install fills them; the alternate font
  // table is empty.
  std::fill_n(rom.begin() + kFont8x16, kFont8x16Size, uint8_t{0});
  std::fill_n(rom.begin() + kFont8x14, kFont8x14Size, uint8_t{0});
  std::fill_n(rom.begin() + kFont8x8, kFont8x8Size, uint8_t{0});
  std::fill_n(rom.begin() + kFont8x8Ibm, kFont8x8Size / 2, uint8_t{0});
  rom[kAltFontTable] = 0;

  // POST: trap once (the monitor fills the IVT, the BDA and the screen and
  // sets up SS:SP), then boot through INT 19h.
  put(rom, kPostEntry, {0xE6, kTrapPort, 0xFB, 0xCD, 0x19, 0xFA, 0xF4, 0xEB, 0xFD});
  put(rom, kHaltLoop, {0xFA, 0xF4, 0xEB, 0xFD});

  for (int v = 0; v < 256; ++v)
    put(rom, stub_offset(uint8_t(v)), {0xE6, kTrapPort, 0xCF, 0xFB, 0xF4, 0xFA, 0xEB, 0xF8});

  // Diskette parameter table (INT 1Eh) for 1.44 MB drives: step rate/head
  // unload, head load/DMA, motor off delay, 512 bytes per sector, 18
  // sectors per track, gap length, data length, format gap, fill byte,
  // head settle, motor start.
  put(rom, kDisketteParams, {0xAF, 0x02, 0x25, 0x02, 0x12, 0x1B, 0xFF, 0x6C, 0xF6, 0x0F, 0x08});

  std::copy(std::begin(kCode), std::end(kCode), rom.begin() + kCodeBase);
  // System configuration table: 8 bytes follow; model FCh (AT), submodel
  // 01h, revision 0; feature 1: second PIC, RTC, INT 09h calls INT 15h
  // AH=4Fh, EBDA allocated; feature 2: INT 16h AH=09h supported.
  put(rom, kConfigTable, {0x08, 0x00, 0xFC, 0x01, 0x00, 0x74, 0x40, 0x00, 0x00, 0x00});
  rom[kDummyIret] = 0xCF;
  vbe_write_rom_tables(rom);
  video_write_rom_tables(rom);

  // RESET: JMP F000:POST, the BIOS date, the AT model byte.
  put(rom, kResetVector, {0xEA, uint8_t(kPostEntry), uint8_t(kPostEntry >> 8), 0x00, 0xF0});
  std::memcpy(rom.data() + 0xFFF5, "11/25/26", 8);
  rom[0xFFFE] = 0xFC;
  return image;
}
}  // namespace

void build(std::span<uint8_t> rom) {
  static const std::array<uint8_t, 0x10000> image = make_image();
  std::copy_n(image.begin(), std::min(rom.size(), image.size()), rom.begin());
}

CodeEntries code_entries(std::span<const uint8_t> rom) {
  auto word = [&](int i) { return uint16_t(rom[kCodeBase + 2 * i] | rom[kCodeBase + 2 * i + 1] << 8); };
  return {word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7)};
}

}  // namespace pxos::rom

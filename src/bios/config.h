// What a machine tells its BIOS: the drives, the VGA font for the ROM, where
// the guest's text and the BIOS's messages go, the clock, power-off, and what
// to boot.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bios/acpi_platform.h"
#include "block/disk_image.h"
#include "engine/engine.h"

namespace pxos {

// The display card as INT 10h reaches it beyond its ports (the machine's
// VGA). With `write` unset there is no card: text memory is guest RAM at
// B8000h/B0000h (unit tests, fuzzers).
struct VideoCard {
  std::function<uint8_t(uint32_t offset)> read;         // a CPU read of A0000h + offset (offset < 20000h)
  std::function<void(uint32_t offset, uint8_t)> write;  // a CPU write there
  // Programs the registers and default DAC palette of standard mode `mode`
  // (bit 7 ignored); false, having done nothing, for a mode the card lacks.
  std::function<bool(uint8_t mode)> set_mode;
  std::function<std::span<uint8_t>(int index)> plane;  // video memory plane 0-3 (fonts, pixels)
  // Block moves inside the window with the effect of the CPU's byte moves
  // (a copy in the direction that never reads a byte it wrote, as memmove),
  // and `count` words of `value` from `offset`: scrolling and clearing.
  std::function<void(uint32_t dst, uint32_t src, uint32_t len)> copy;
  std::function<void(uint32_t offset, uint32_t count, uint16_t value)> fill16;
  // A write to one of the card's ports, straight to the card: the CRTC
  // registers INT 10h sets after each call (unset: through the port bus).
  std::function<void(uint16_t port, uint8_t value)> port_write;
};

struct BiosConfig {
  DiskImage* floppy[2] = {nullptr, nullptr};
  DiskImage* hard_disk[2] = {nullptr, nullptr};
  std::optional<uint8_t> boot_drive;  // the drive INT 19h boots (default: A: when there is one, else 80h)
  bool verbose = false;
  // The VGA's fonts for the ROM, 256 glyphs each of 16, 14 and 8 rows (empty
  // or of another size: left blank).
  std::vector<uint8_t> font8x16, font8x14, font8x8;
  VideoCard video;                                     // the display card (none: text in RAM)
  std::function<void(char)> on_teletype;               // text the guest prints through INT 10h
  std::function<void(const std::string&)> on_message;  // BIOS messages for the user
  std::function<uint64_t()> now_ns;                    // the machine's clock (INT 15h AH=86h)
  std::function<void()> power_off;                     // the guest switched the machine off (APM 5307h)
  // The ACPI fixed hardware (the machine's PM device): POST builds the ACPI
  // tables (bios/acpi_tables.h) for it. Unset: no ACPI tables.
  std::optional<acpi::Platform> acpi;
  std::optional<std::time_t> start_time;               // the time of day at power-on (default: the host's)
  // When set, called at the end of POST in place of INT 19h: it loads what
  // is booted and changes the CPU state to its entry (a Linux kernel).
  std::function<void(CpuState&)> boot;
};

}  // namespace pxos

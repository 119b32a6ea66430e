// What a machine tells its BIOS: the drives, the VGA font for the ROM, where
// the guest's text and the BIOS's messages go, the clock, and what to boot.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "block/disk_image.h"
#include "engine/engine.h"

namespace pxos {

struct BiosConfig {
  DiskImage* floppy[2] = {nullptr, nullptr};
  DiskImage* hard_disk[2] = {nullptr, nullptr};
  bool verbose = false;
  std::vector<uint8_t> font8x16;                       // the VGA's 8x16 glyphs for the ROM (empty: left blank)
  std::function<void(char)> on_teletype;               // text the guest prints through INT 10h
  std::function<void(const std::string&)> on_message;  // BIOS messages for the user
  std::function<uint64_t()> now_ns;                    // the machine's clock (INT 15h AH=86h)
  std::optional<std::time_t> start_time;               // the time of day at power-on (default: the host's)
  // When set, called at the end of POST in place of INT 19h: it loads what
  // is booted and changes the CPU state to its entry (a Linux kernel).
  std::function<void(CpuState&)> boot;
};

}  // namespace pxos

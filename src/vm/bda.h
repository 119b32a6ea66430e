// The BIOS data area (segment 0040h): offsets of the fields our BIOS keeps.
#pragma once

#include <cstdint>

namespace pxos::bda {

inline constexpr uint32_t kBase = 0x400;  // linear address of 0040:0000

inline constexpr uint16_t kComPorts = 0x00;      // 4 words
inline constexpr uint16_t kLptPorts = 0x08;      // 3 words
inline constexpr uint16_t kEbdaSegment = 0x0E;   // word
inline constexpr uint16_t kEquipment = 0x10;     // word
inline constexpr uint16_t kMemoryKiB = 0x13;     // word
inline constexpr uint16_t kKbdFlags0 = 0x17;     // byte: shift/ctrl/alt/locks
inline constexpr uint16_t kKbdFlags1 = 0x18;     // byte
inline constexpr uint16_t kKbdHead = 0x1A;       // word, offset into segment 40h
inline constexpr uint16_t kKbdTail = 0x1C;       // word
inline constexpr uint16_t kKbdBuffer = 0x1E;     // 16 words
inline constexpr uint16_t kFloppyStatus = 0x41;  // byte: last INT 13h status, floppies
inline constexpr uint16_t kVideoMode = 0x49;     // byte
inline constexpr uint16_t kVideoColumns = 0x4A;  // word
inline constexpr uint16_t kVideoPageSize = 0x4C; // word
inline constexpr uint16_t kVideoPageStart = 0x4E;// word
inline constexpr uint16_t kCursorPos = 0x50;     // 8 words: low col, high row
inline constexpr uint16_t kCursorShape = 0x60;   // word: low end line, high start line
inline constexpr uint16_t kActivePage = 0x62;    // byte
inline constexpr uint16_t kCrtcBase = 0x63;      // word: 3D4h colour, 3B4h mono
inline constexpr uint16_t kTicks = 0x6C;         // dword: timer ticks since midnight
inline constexpr uint16_t kMidnight = 0x70;      // byte: midnight passed
inline constexpr uint16_t kDiskStatus = 0x74;    // byte: last INT 13h status, hard disks
inline constexpr uint16_t kHardDiskCount = 0x75; // byte
inline constexpr uint16_t kKbdBufStart = 0x80;   // word
inline constexpr uint16_t kKbdBufEnd = 0x82;     // word
inline constexpr uint16_t kVideoRows = 0x84;     // byte: rows - 1
inline constexpr uint16_t kCharHeight = 0x85;    // word
inline constexpr uint16_t kVideoModeSet = 0x89;  // byte: VGA mode-set options (bit 1 gray summing, bit 3 no default palette)
inline constexpr uint16_t kDccIndex = 0x8A;      // byte: display combination (bios/video_state.h)

}  // namespace pxos::bda

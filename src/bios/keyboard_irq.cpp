// INT 09h's work in the monitor: a set-1 scancode (already offered to INT
// 15h AH=4Fh by the ROM handler) becomes shift-state changes in the BDA or a
// key word in the BDA buffer, as the IBM AT BIOS translated them.
#include "bios/keyboard.h"

namespace pxos {

namespace {

// BDA 0040:0017 and 0040:0018, 0040:0096.
constexpr uint8_t kRightShift = 0x01, kLeftShift = 0x02, kCtrl = 0x04, kAlt = 0x08;
constexpr uint8_t kScrollOn = 0x10, kNumOn = 0x20, kCapsOn = 0x40;  // 80h, the insert state, is not kept
constexpr uint8_t kE0Last = 0x02, kRightCtrl = 0x04, kRightAlt = 0x08;
constexpr uint16_t kKbdStatus3 = 0x96;

// Characters of scancodes 01h..39h: plain, shifted, with Ctrl (0 = none).
struct Chars {
  uint8_t plain, shifted, ctrl;
};
constexpr Chars kChars[0x3A] = {
    {0, 0, 0},          {0x1B, 0x1B, 0x1B}, {'1', '!', 0},     {'2', '@', 0},       {'3', '#', 0},
    {'4', '$', 0},      {'5', '%', 0},      {'6', '^', 0x1E},  {'7', '&', 0},       {'8', '*', 0},
    {'9', '(', 0},      {'0', ')', 0},      {'-', '_', 0x1F},  {'=', '+', 0},       {0x08, 0x08, 0x7F},
    {0x09, 0, 0},       {'q', 'Q', 0x11},   {'w', 'W', 0x17},  {'e', 'E', 0x05},    {'r', 'R', 0x12},
    {'t', 'T', 0x14},   {'y', 'Y', 0x19},   {'u', 'U', 0x15},  {'i', 'I', 0x09},    {'o', 'O', 0x0F},
    {'p', 'P', 0x10},   {'[', '{', 0x1B},   {']', '}', 0x1D},  {0x0D, 0x0D, 0x0A},  {0, 0, 0},
    {'a', 'A', 0x01},   {'s', 'S', 0x13},   {'d', 'D', 0x04},  {'f', 'F', 0x06},    {'g', 'G', 0x07},
    {'h', 'H', 0x08},   {'j', 'J', 0x0A},   {'k', 'K', 0x0B},  {'l', 'L', 0x0C},    {';', ':', 0},
    {'\'', '"', 0},     {'`', '~', 0},      {0, 0, 0},         {'\\', '|', 0x1C},   {'z', 'Z', 0x1A},
    {'x', 'X', 0x18},   {'c', 'C', 0x03},   {'v', 'V', 0x16},  {'b', 'B', 0x02},    {'n', 'N', 0x0E},
    {'m', 'M', 0x0D},   {',', '<', 0},      {'.', '>', 0},     {'/', '?', 0},       {0, 0, 0},
    {'*', '*', 0},      {0, 0, 0},          {' ', ' ', ' '},
};

bool is_letter(uint8_t ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

// The key word for a function key F1..F12 (scancodes 3Bh-44h, 57h, 58h).
uint16_t function_key(uint8_t sc, uint8_t flags) {
  int n = sc >= 0x57 ? 10 + (sc - 0x57) : sc - 0x3B;  // 0..11
  if (n >= 10) {
    uint8_t base = (flags & kAlt) ? 0x8B : (flags & kCtrl) ? 0x89 : (flags & (kLeftShift | kRightShift)) ? 0x87 : 0x85;
    return uint16_t((base + (n - 10)) << 8);
  }
  uint8_t base = (flags & kAlt) ? 0x68 : (flags & kCtrl) ? 0x5E : (flags & (kLeftShift | kRightShift)) ? 0x54 : 0x3B;
  return uint16_t((base + n) << 8);
}

// The BIOS key word of a make code under shift flags (BDA 0040:0017
// layout), 0 for none.
uint16_t translate_scancode(uint8_t code, bool e0, uint8_t flags) {
  bool shift = flags & (kLeftShift | kRightShift), ctrl = flags & kCtrl, alt = flags & kAlt;
  if ((code >= 0x3B && code <= 0x44) || code == 0x57 || code == 0x58) return function_key(code, flags);
  if (code >= 0x47 && code <= 0x53 && code != 0x4A && code != 0x4E) {  // keypad / grey cursor keys
    static constexpr uint8_t kDigits[] = {'7', '8', '9', 0, '4', '5', '6', 0, '1', '2', '3', '0', '.'};
    static constexpr uint8_t kCtrlCodes[] = {0x77, 0x8D, 0x84, 0, 0x73, 0x8F, 0x74, 0, 0x75, 0x91, 0x76, 0x92, 0x93};
    uint8_t digit = kDigits[code - 0x47];
    if (!e0 && ((flags & kNumOn) != shift) && !ctrl) return uint16_t(code << 8 | digit);
    if (ctrl) return uint16_t(kCtrlCodes[code - 0x47] << 8 | (e0 ? 0xE0 : 0));
    if (alt && e0) return uint16_t((code + 0x50) << 8);
    return uint16_t(code << 8 | (e0 ? 0xE0 : 0));
  }
  if (e0 && code == 0x1C) return uint16_t(0xE0 << 8 | (ctrl ? 0x0A : 0x0D));  // keypad Enter
  if (e0 && code == 0x35) return uint16_t(0xE0 << 8 | '/');
  if (code == 0x4A) return uint16_t(code << 8 | '-');
  if (code == 0x4E) return uint16_t(code << 8 | '+');
  if (code >= 0x3A) return 0;
  const Chars& c = kChars[code];
  if (alt) {
    if (code >= 0x02 && code <= 0x0D) return uint16_t((code + 0x76) << 8);  // Alt-1 .. Alt-=
    return is_letter(c.plain) ? uint16_t(code << 8) : 0;
  }
  if (ctrl) return c.ctrl ? uint16_t(code << 8 | c.ctrl) : 0;
  bool upper = shift;
  if (is_letter(c.plain) && (flags & kCapsOn)) upper = !upper;
  uint8_t ch = upper ? c.shifted : c.plain;
  if (code == 0x0F && shift) return uint16_t(0x0F << 8);  // Shift-Tab
  return ch ? uint16_t(code << 8 | ch) : 0;
}

}  // namespace

void handle_09(BiosContext& bios, KeyboardState& kbd, uint8_t sc) {
  uint8_t flags = bios.bda8(bda::kKbdFlags0), flags1 = bios.bda8(bda::kKbdFlags1), status3 = bios.bda8(kKbdStatus3);
  bool e0 = status3 & kE0Last;
  status3 &= uint8_t(~kE0Last);
  if (sc == 0xE0) {
    bios.set_bda8(kKbdStatus3, status3 | kE0Last);
    return;
  }
  bool release = sc & 0x80;
  uint8_t code = sc & 0x7F;
  auto set = [&](uint8_t& f, uint8_t bit, bool on) { f = on ? (f | bit) : (f & ~bit); };
  switch (code) {
    case 0x2A:  // left shift (E0 2A is a fake shift of the grey keys)
      if (!e0) set(flags, kLeftShift, !release);
      break;
    case 0x36: set(flags, kRightShift, !release); break;
    case 0x1D:
      set(e0 ? status3 : flags1, e0 ? kRightCtrl : 0x01, !release);
      set(flags, kCtrl, (flags1 & 0x01) || (status3 & kRightCtrl));
      break;
    case 0x38:
      set(e0 ? status3 : flags1, e0 ? kRightAlt : 0x02, !release);
      set(flags, kAlt, (flags1 & 0x02) || (status3 & kRightAlt));
      break;
    case 0x3A:
      if (!release && !(flags1 & 0x40)) flags ^= kCapsOn;
      set(flags1, 0x40, !release);
      break;
    case 0x45:
      if (!release && !(flags1 & 0x20)) flags ^= kNumOn;
      set(flags1, 0x20, !release);
      break;
    case 0x46:
      if (!release && !(flags1 & 0x10)) flags ^= kScrollOn;
      set(flags1, 0x10, !release);
      break;
    default:
      if (!release) {
        uint16_t word = translate_scancode(code, e0, flags);
        if (word) kbd.store(bios, Key{uint8_t(word >> 8), uint8_t(word)});
      }
  }
  bios.set_bda8(bda::kKbdFlags0, flags);
  bios.set_bda8(bda::kKbdFlags1, flags1);
  bios.set_bda8(kKbdStatus3, status3 | 0x10);  // 101-key keyboard present
}

}  // namespace pxos

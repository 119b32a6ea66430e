#include "frontend/keysym_keys.h"

#include <rfb/keysym.h>

#include "frontend/keys.h"

namespace pxos {

namespace {

struct KeysymRow {
  uint32_t keysym;
  PcKey pc;
};

// The keys that type no character.
constexpr KeysymRow kKeysyms[] = {
    {XK_BackSpace, {0x0E}},
    {XK_Tab, {0x0F}},
    {XK_ISO_Left_Tab, {0x0F}},
    {XK_Return, {0x1C}},
    {XK_Escape, {0x01}},
    {XK_Delete, {0x53, true}},
    {XK_Home, {0x47, true}},
    {XK_Left, {0x4B, true}},
    {XK_Up, {0x48, true}},
    {XK_Right, {0x4D, true}},
    {XK_Down, {0x50, true}},
    {XK_Prior, {0x49, true}},
    {XK_Next, {0x51, true}},
    {XK_End, {0x4F, true}},
    {XK_Insert, {0x52, true}},
    {XK_Print, kPrintScreenKey},
    {XK_Pause, kPauseKey},
    {XK_Scroll_Lock, {0x46}},
    {XK_Num_Lock, {0x45}},
    {XK_Caps_Lock, {0x3A}},
    {XK_Menu, {0x5D, true}},
    {XK_KP_Enter, {0x1C, true}},
    {XK_KP_Home, {0x47}},
    {XK_KP_Left, {0x4B}},
    {XK_KP_Up, {0x48}},
    {XK_KP_Right, {0x4D}},
    {XK_KP_Down, {0x50}},
    {XK_KP_Prior, {0x49}},
    {XK_KP_Next, {0x51}},
    {XK_KP_End, {0x4F}},
    {XK_KP_Begin, {0x4C}},
    {XK_KP_Insert, {0x52}},
    {XK_KP_Delete, {0x53}},
    {XK_KP_Multiply, {0x37}},
    {XK_KP_Add, {0x4E}},
    {XK_KP_Subtract, {0x4A}},
    {XK_KP_Decimal, {0x53}},
    {XK_KP_Divide, {0x35, true}},
    {XK_KP_0, {0x52}},
    {XK_KP_1, {0x4F}},
    {XK_KP_2, {0x50}},
    {XK_KP_3, {0x51}},
    {XK_KP_4, {0x4B}},
    {XK_KP_5, {0x4C}},
    {XK_KP_6, {0x4D}},
    {XK_KP_7, {0x47}},
    {XK_KP_8, {0x48}},
    {XK_KP_9, {0x49}},
    {XK_F1, {0x3B}},
    {XK_F2, {0x3C}},
    {XK_F3, {0x3D}},
    {XK_F4, {0x3E}},
    {XK_F5, {0x3F}},
    {XK_F6, {0x40}},
    {XK_F7, {0x41}},
    {XK_F8, {0x42}},
    {XK_F9, {0x43}},
    {XK_F10, {0x44}},
    {XK_F11, {0x57}},
    {XK_F12, {0x58}},
    {XK_Shift_L, {0x2A}},
    {XK_Shift_R, {0x36}},
    {XK_Control_L, {0x1D}},
    {XK_Control_R, {0x1D, true}},
    {XK_Alt_L, {0x38}},
    {XK_Alt_R, {0x38, true}},
    {XK_Meta_L, {0x38}},
    {XK_Meta_R, {0x38, true}},
    {XK_ISO_Level3_Shift, {0x38, true}},
    {XK_Super_L, {0x5B, true}},
    {XK_Super_R, {0x5C, true}},
};

}  // namespace

std::optional<PcKey> pc_key_from_keysym(uint32_t keysym) {
  for (const KeysymRow& r : kKeysyms)
    if (r.keysym == keysym) return r.pc;
  // Latin-1 keysyms of printable ASCII are the character's code.
  if (keysym >= 0x20 && keysym <= 0x7E)
    if (std::optional<HostKey> k = key_for_ascii(static_cast<unsigned char>(keysym))) return PcKey{k->scancode, k->e0};
  return std::nullopt;
}

}  // namespace pxos

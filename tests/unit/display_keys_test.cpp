// The window's and the VNC server's key tables: SDL scancodes and X keysyms
// to PC keys, and the set-1 bytes a key sends going down and up.
#include <SDL2/SDL_scancode.h>
#include <gtest/gtest.h>
#include <rfb/keysym.h>

#include "frontend/keys.h"
#include "frontend/keysym_keys.h"
#include "frontend/pc_keys.h"
#include "frontend/sdl_keys.h"

namespace pxos {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(PcKeys, MakeAndBreak) {
  EXPECT_EQ(pc_key_bytes({0x1E}, true), (Bytes{0x1E}));
  EXPECT_EQ(pc_key_bytes({0x1E}, false), (Bytes{0x9E}));
  EXPECT_EQ(pc_key_bytes({0x48, true}, true), (Bytes{0xE0, 0x48}));
  EXPECT_EQ(pc_key_bytes({0x48, true}, false), (Bytes{0xE0, 0xC8}));
}

TEST(PcKeys, PauseAndPrintScreen) {
  EXPECT_EQ(pc_key_bytes(kPauseKey, true), (Bytes{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}));
  EXPECT_TRUE(pc_key_bytes(kPauseKey, false).empty());
  EXPECT_EQ(pc_key_bytes(kPrintScreenKey, true), (Bytes{0xE0, 0x2A, 0xE0, 0x37}));
  EXPECT_EQ(pc_key_bytes(kPrintScreenKey, false), (Bytes{0xE0, 0xB7, 0xE0, 0xAA}));
}

TEST(SdlKeys, MainBlock) {
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_A), (PcKey{0x1E}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_Z), (PcKey{0x2C}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_1), (PcKey{0x02}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_0), (PcKey{0x0B}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_RETURN), (PcKey{0x1C}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_ESCAPE), (PcKey{0x01}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_F10), (PcKey{0x44}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_F11), (PcKey{0x57}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_NONUSBACKSLASH), (PcKey{0x56}));
}

TEST(SdlKeys, GreyKeysHaveE0) {
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_UP), (PcKey{0x48, true}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_KP_8), (PcKey{0x48, false}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_KP_ENTER), (PcKey{0x1C, true}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_KP_DIVIDE), (PcKey{0x35, true}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_RCTRL), (PcKey{0x1D, true}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_RALT), (PcKey{0x38, true}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_LGUI), (PcKey{0x5B, true}));
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_PAUSE), kPauseKey);
  EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_PRINTSCREEN), kPrintScreenKey);
}

TEST(SdlKeys, UnknownAndOutOfRange) {
  EXPECT_FALSE(pc_key_from_sdl(SDL_SCANCODE_UNKNOWN));
  EXPECT_FALSE(pc_key_from_sdl(SDL_SCANCODE_AUDIONEXT));
  EXPECT_FALSE(pc_key_from_sdl(-1));
  EXPECT_FALSE(pc_key_from_sdl(SDL_NUM_SCANCODES));
}

// Every character key of the US layout: the SDL table and the terminal's
// table (frontend/keys.h) agree on its make code.
TEST(SdlKeys, AgreesWithTheTerminalLayout) {
  const char* letters = "abcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < 26; ++i)
    EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_A + i)->code, key_for_ascii(uint8_t(letters[i]))->scancode) << letters[i];
  const char* digits = "1234567890";
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(pc_key_from_sdl(SDL_SCANCODE_1 + i)->code, key_for_ascii(uint8_t(digits[i]))->scancode) << digits[i];
}

TEST(KeysymKeys, Characters) {
  EXPECT_EQ(pc_key_from_keysym('a'), (PcKey{0x1E}));
  EXPECT_EQ(pc_key_from_keysym('A'), (PcKey{0x1E}));
  EXPECT_EQ(pc_key_from_keysym('!'), (PcKey{0x02}));
  EXPECT_EQ(pc_key_from_keysym(' '), (PcKey{0x39}));
  EXPECT_EQ(pc_key_from_keysym('~'), (PcKey{0x29}));
}

TEST(KeysymKeys, FunctionAndGreyKeys) {
  EXPECT_EQ(pc_key_from_keysym(XK_Return), (PcKey{0x1C}));
  EXPECT_EQ(pc_key_from_keysym(XK_Escape), (PcKey{0x01}));
  EXPECT_EQ(pc_key_from_keysym(XK_F12), (PcKey{0x58}));
  EXPECT_EQ(pc_key_from_keysym(XK_Up), (PcKey{0x48, true}));
  EXPECT_EQ(pc_key_from_keysym(XK_KP_Up), (PcKey{0x48}));
  EXPECT_EQ(pc_key_from_keysym(XK_Control_R), (PcKey{0x1D, true}));
  EXPECT_EQ(pc_key_from_keysym(XK_Pause), kPauseKey);
  EXPECT_EQ(pc_key_from_keysym(XK_Print), kPrintScreenKey);
}

TEST(KeysymKeys, Unknown) {
  EXPECT_FALSE(pc_key_from_keysym(0));
  EXPECT_FALSE(pc_key_from_keysym(0x00E9));  // é: no key of the US layout
  EXPECT_FALSE(pc_key_from_keysym(0xFFFFFF));
}

}  // namespace
}  // namespace pxos

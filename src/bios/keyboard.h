// The keyboard: INT 16h (keyboard.cpp), INT 09h's work (keyboard_irq.cpp)
// and INT 28h, DOS's idle call, over the BDA ring buffer at 0040:001E. Keys
// enter the buffer through IRQ 1; a read with an empty buffer halts until one
// arrives, and so does a poll of an empty buffer once the guest polls in a
// tight loop (idle.h).
#pragma once

#include <cstdint>
#include <deque>

#include "bios/call.h"
#include "bios/context.h"
#include "bios/idle.h"

namespace pxos {

// A key as the BIOS keyboard buffer stores it.
struct Key {
  uint8_t scancode;
  uint8_t ascii;
  uint16_t word() const { return uint16_t(scancode << 8 | ascii); }
};

// The typematic settings INT 16h AH=03h keeps: the delay (0-3: 250-1000 ms)
// and rate (0-1Fh: 30-2 keys a second) and whether keys repeat; the
// defaults are the AT keyboard's (500 ms, 10.9 a second).
struct Typematic {
  uint8_t delay = 1;
  uint8_t rate = 0x0B;
  bool repeat = true;
};

// What the keyboard services keep beyond the BDA: keys that INT 09h could
// not store because the buffer was full, which wait here in order until the
// guest makes room (while any wait, the machine sends no more keys: no key is
// ever lost), the idle detector and the typematic settings.
class KeyboardState {
 public:
  // No key waits: the machine may send the next.
  bool ready() const { return held_.empty(); }
  // A key into the buffer, or held while the buffer is full or keys wait.
  void store(BiosContext& bios, Key k);
  // Moves held keys into the buffer as far as it has room (a guest may
  // empty the buffer without INT 16h).
  void move_held_keys(BiosContext& bios);
  uint64_t keys_held() const { return keys_held_; }  // keys that waited for room
  IdleDetector& idle() { return idle_; }
  const IdleDetector& idle() const { return idle_; }
  Typematic& typematic() { return typematic_; }

 private:
  std::deque<Key> held_;
  uint64_t keys_held_ = 0;
  IdleDetector idle_;
  Typematic typematic_;
};

// INT 09h's work: one set-1 scancode (the ROM's handler has offered it to
// INT 15h AH=4Fh already).
void handle_09(BiosContext& bios, KeyboardState& kbd, uint8_t scancode);
void handle_16(BiosContext& bios, KeyboardState& kbd, BiosCall& c);
// INT 28h: an idle call, as an empty poll of INT 16h.
void handle_28(BiosContext& bios, KeyboardState& kbd, BiosCall& c);

}  // namespace pxos

// INT 16h: keyboard services over the BDA ring buffer at 0040:001E, one
// function per subfunction; INT 28h; the held keys. A read with an empty
// buffer halts until a key arrives, and so does a poll of an empty buffer
// once the guest polls in a tight loop (idle.h). INT 28h, DOS's idle call,
// counts as such a poll.
#include "bios/keyboard.h"

namespace pxos {

namespace {

// The key at the head of the buffer, if any.
bool peek_key(BiosContext& bios, Key& k) {
  uint16_t head = bios.bda16(bda::kKbdHead), tail = bios.bda16(bda::kKbdTail);
  if (head == tail) return false;
  uint16_t w = bios.bda16(head);
  k = Key{uint8_t(w >> 8), uint8_t(w)};
  return true;
}

// Removes the key at the head of the buffer (there is one).
void pop_key(BiosContext& bios) {
  uint16_t head = uint16_t(bios.bda16(bda::kKbdHead) + 2);
  if (head >= bios.bda16(bda::kKbdBufEnd)) head = bios.bda16(bda::kKbdBufStart);
  bios.set_bda16(bda::kKbdHead, head);
}

// A key at the tail of the buffer; false when it is full.
bool push_key(BiosContext& bios, Key k) {
  uint16_t start = bios.bda16(bda::kKbdBufStart), end = bios.bda16(bda::kKbdBufEnd);
  uint16_t head = bios.bda16(bda::kKbdHead), tail = bios.bda16(bda::kKbdTail);
  // A guest may have moved the buffer: refuse one that lies outside the BDA page.
  if (start >= end || end > 0x100 || tail < start || tail >= end) return false;
  uint16_t next = uint16_t(tail + 2);
  if (next >= end) next = start;
  if (next == head) return false;  // full
  bios.set_bda16(tail, k.word());
  bios.set_bda16(bda::kKbdTail, next);
  return true;
}

// An idle call (an empty poll, INT 28h): true when it was made to wait.
bool idle_call(BiosContext& bios, KeyboardState& kbd, BiosCall& c) {
  if (!bios.config.now_ns || !kbd.idle().should_wait(bios.config.now_ns())) return false;
  c.wait();
  return true;
}

// The non-extended calls hide the E0h prefix of the grey keys.
Key classic(Key k) {
  if (k.ascii == 0xE0 && k.scancode != 0) k.ascii = 0;
  return k;
}

// AH=00h/10h: wait for a key and remove it, into AX.
void read_key(BiosContext& bios, KeyboardState& kbd, BiosCall& c, bool extended) {
  Key k{};
  if (!peek_key(bios, k)) return c.wait();
  pop_key(bios);
  kbd.move_held_keys(bios);
  c.set_ax((extended ? k : classic(k)).word());
}

// AH=01h/11h: the next key in AX without removing it (ZF=1: none).
void poll_key(BiosContext& bios, KeyboardState& kbd, BiosCall& c, bool extended) {
  Key k{};
  if (!peek_key(bios, k)) {
    if (!idle_call(bios, kbd, c)) c.set_zf(true);
    return;
  }
  kbd.idle().work();
  c.set_zf(false);
  c.set_ax((extended ? k : classic(k)).word());
}

void handle_1600(BiosContext& bios, KeyboardState& kbd, BiosCall& c) { read_key(bios, kbd, c, false); }
void handle_1601(BiosContext& bios, KeyboardState& kbd, BiosCall& c) { poll_key(bios, kbd, c, false); }

// AH=02h: the shift flags in AL.
void handle_1602(BiosContext& bios, BiosCall& c) { c.set_al(bios.bda8(bda::kKbdFlags0)); }

// AH=03h: typematic rate and delay, by AL (Linux's setup sets them). The
// host's keyboard repeats keys by itself, so the values are only kept, for
// AL=06h to give back: 00h defaults, 04h repeat off, 05h BH = delay (0-3),
// BL = rate (0-1Fh), 06h the current ones in BH/BL. AL=01h-03h (PCjr)
// change nothing.
void handle_1603(BiosContext& bios, KeyboardState& kbd, BiosCall& c) {
  Typematic& t = kbd.typematic();
  switch (c.al()) {
    case 0x00: t = Typematic{}; return;
    case 0x01:
    case 0x02:
    case 0x03: return;
    case 0x04: t.repeat = false; return;
    case 0x05:
      if (c.bh() > 3 || c.bl() > 0x1F) return;  // out of range: ignored, as a keyboard ignores F3h's bad rate
      t = Typematic{c.bh(), c.bl(), true};
      return;
    case 0x06:
      c.set_bh(t.delay);
      c.set_bl(t.rate);
      return;
    default: bios.log_unimplemented(c);
  }
}

// AH=05h: store CH:CL in the buffer; AL=1 when it is full.
void handle_1605(BiosContext& bios, BiosCall& c) { c.set_al(push_key(bios, Key{c.ch(), c.cl()}) ? 0 : 1); }

// AH=09h: the functions this keyboard BIOS has, in AL: AH=03h AL=00h,
// 04h, 05h and 06h (bits 0-3), AH=0Ah (bit 4), AH=10h-12h (bit 5); not the
// 122-key AH=20h-22h (bit 6). INT 15h AH=C0h's feature byte 2 says AH=09h
// exists.
void handle_1609(BiosCall& c) { c.set_al(0x3F); }

// AH=0Ah: the keyboard's ID in BX: an MF2 keyboard behind a translating
// controller (ABh, 41h: its reply to F2h, in the order it comes).
void handle_160A(BiosCall& c) { c.set_bx(0x41AB); }

void handle_1610(BiosContext& bios, KeyboardState& kbd, BiosCall& c) { read_key(bios, kbd, c, true); }
void handle_1611(BiosContext& bios, KeyboardState& kbd, BiosCall& c) { poll_key(bios, kbd, c, true); }

// AH=12h: the shift flags in AL, the extended ones in AH.
void handle_1612(BiosContext& bios, BiosCall& c) {
  uint8_t f1 = bios.bda8(bda::kKbdFlags1);
  c.set_al(bios.bda8(bda::kKbdFlags0));
  c.set_ah(uint8_t((f1 & 0x73) | (f1 & 0x04 ? 0x80 : 0)));
}

// Unimplemented: logged, registers left as they were.
void handle_16XX(BiosContext& bios, BiosCall& c) { bios.log_unimplemented(c); }

}  // namespace

void KeyboardState::store(BiosContext& bios, Key k) {
  move_held_keys(bios);
  if (!held_.empty() || !push_key(bios, k)) {
    held_.push_back(k);
    ++keys_held_;
  }
}

void KeyboardState::move_held_keys(BiosContext& bios) {
  while (!held_.empty() && push_key(bios, held_.front())) held_.pop_front();
}

void handle_16(BiosContext& bios, KeyboardState& kbd, BiosCall& c) {
  switch (c.ah()) {
    case 0x00: return handle_1600(bios, kbd, c);
    case 0x01: return handle_1601(bios, kbd, c);
    case 0x02: return handle_1602(bios, c);
    case 0x03: return handle_1603(bios, kbd, c);
    case 0x05: return handle_1605(bios, c);
    case 0x09: return handle_1609(c);
    case 0x0A: return handle_160A(c);
    case 0x10: return handle_1610(bios, kbd, c);
    case 0x11: return handle_1611(bios, kbd, c);
    case 0x12: return handle_1612(bios, c);
    default: return handle_16XX(bios, c);
  }
}

void handle_28(BiosContext& bios, KeyboardState& kbd, BiosCall& c) { idle_call(bios, kbd, c); }

}  // namespace pxos

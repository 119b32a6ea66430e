// INT 16h: keyboard services over the BDA ring buffer at 0040:001E.
// Keys enter the buffer through IRQ 1 (keyboard_irq.cpp); a read with an
// empty buffer halts until one arrives, and so does a poll of an empty
// buffer once the guest polls in a tight loop (idle.h). INT 28h, DOS's idle
// call, counts as such a poll.
#include "bios/bios.h"

namespace pxos {

bool Bios::kbd_peek(Key& k) {
  uint16_t head = ctx_.bda16(bda::kKbdHead), tail = ctx_.bda16(bda::kKbdTail);
  if (head == tail) return false;
  uint16_t w = ctx_.bda16(head);
  k = Key{uint8_t(w >> 8), uint8_t(w)};
  return true;
}

bool Bios::kbd_push(Key k) {
  uint16_t start = ctx_.bda16(bda::kKbdBufStart), end = ctx_.bda16(bda::kKbdBufEnd);
  uint16_t head = ctx_.bda16(bda::kKbdHead), tail = ctx_.bda16(bda::kKbdTail);
  // A guest may have moved the buffer: refuse one that lies outside the BDA page.
  if (start >= end || end > 0x100 || tail < start || tail >= end) return false;
  uint16_t next = uint16_t(tail + 2);
  if (next >= end) next = start;
  if (next == head) return false;  // full
  ctx_.set_bda16(tail, k.word());
  ctx_.set_bda16(bda::kKbdTail, next);
  return true;
}

void Bios::store_key(Key k) {
  move_held_keys();
  if (!held_keys_.empty() || !kbd_push(k)) {
    held_keys_.push_back(k);
    ++keys_held_;
  }
}

void Bios::move_held_keys() {
  while (!held_keys_.empty() && kbd_push(held_keys_.front())) held_keys_.pop_front();
}

bool Bios::idle_wait(BiosCall& c) {
  if (!ctx_.config.now_ns || !idle_.should_wait(ctx_.config.now_ns())) return false;
  c.wait();
  return true;
}

void Bios::int28(BiosCall& c) { idle_wait(c); }

namespace {

// AH=00h/10h wait for a key and remove it; 01h/11h peek (ZF=1: none).
// The non-extended calls hide the E0h prefix of the grey keys.
Key classic(Key k) {
  if (k.ascii == 0xE0 && k.scancode != 0) k.ascii = 0;
  return k;
}

}  // namespace

void Bios::int16(BiosCall& c) {
  Key k{};
  switch (c.ah()) {
    case 0x00:
    case 0x10:
      if (!kbd_peek(k)) {
        c.wait();
        return;
      }
      {
        uint16_t head = uint16_t(ctx_.bda16(bda::kKbdHead) + 2);
        if (head >= ctx_.bda16(bda::kKbdBufEnd)) head = ctx_.bda16(bda::kKbdBufStart);
        ctx_.set_bda16(bda::kKbdHead, head);
      }
      move_held_keys();
      c.set_ax((c.ah() == 0x00 ? classic(k) : k).word());
      return;
    case 0x01:
    case 0x11:
      if (!kbd_peek(k)) {
        if (!idle_wait(c)) c.set_zf(true);
        return;
      }
      idle_.work();
      c.set_zf(false);
      c.set_ax((c.ah() == 0x01 ? classic(k) : k).word());
      return;
    case 0x02:
      c.set_al(ctx_.bda8(bda::kKbdFlags0));
      return;
    case 0x03:  // typematic rate and delay (Linux's setup sets them): nothing to do without a real keyboard
      return;
    case 0x05:  // store CH:CL in the buffer; AL=1 when full
      c.set_al(kbd_push(Key{c.ch(), c.cl()}) ? 0 : 1);
      return;
    case 0x12: {
      uint8_t f1 = ctx_.bda8(bda::kKbdFlags1);
      c.set_al(ctx_.bda8(bda::kKbdFlags0));
      c.set_ah(uint8_t((f1 & 0x73) | (f1 & 0x04 ? 0x80 : 0)));
      return;
    }
    default:
      ctx_.log_unimplemented(c);
  }
}

}  // namespace pxos

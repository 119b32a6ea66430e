// Intel 8042 keyboard controller (ports 60h data, 64h status/command) with
// an MF-2 keyboard on its first port and a PS/2 mouse (devices/ps2_mouse.h)
// on its auxiliary port.
//
// Host keys arrive as scan code set 1 bytes (the front end translates);
// key_event() queues one key's bytes in a bounded FIFO, dropped whole (and
// counted) when it does not fit or while the keyboard is disabled with
// F5h. Host pointer events go to the mouse through mouse_event().
//
// One output buffer, four sources, taken in this order whenever it is free:
// controller replies, D3h loop-back bytes, the keyboard's queue (unless the
// command byte disables the keyboard, bit 4), the mouse's queue (unless it
// disables the auxiliary interface, bit 5, as A7h does). A byte from the
// AUX side (the mouse, D3h) sets status bit 5 and raises IRQ 12 while
// command byte bit 1 is set; a keyboard or controller byte raises IRQ 1
// while bit 0 is set. Each line follows "output buffer full with a byte of
// its side": it drops when the guest reads 60h and rises again with the
// next byte. Neither side loses bytes to the other: each waits in its own
// queue (the keyboard keeps its key-at-a-time back-pressure: the machine
// hands it a key only when queued() is 0 and the buffer is free).
//
// D4h sends the next data byte to the mouse (never to the keyboard); A8h/A7h
// enable/disable the AUX interface (command byte bit 5); A9h tests it (00h).
//
// The guest's scan-code-set selection (F0h) is stored and reported but the
// keyboard always delivers set 1, i.e. what the guest sees with the command
// byte's translation bit on, which is how every PC BIOS leaves it.
// Commands are processed at once: IBF never reads 1.
//
// Output port (D0h/D1h): bit 0 = 0 pulses CPU reset (on_reset), bit 1 is
// the A20 gate (on_a20 on every change). FEh (and any Fxh command with bit 0
// clear) pulses reset. DDh/DFh switch A20 off/on as on many chipsets.
//
// Not thread-safe: call key_event() and mouse_event() from the monitor's
// thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <iosfwd>
#include <span>

#include "devices/ps2_mouse.h"
#include "vm/bus.h"
#include "vm/irq.h"

namespace pxos {

class I8042 {
 public:
  static constexpr uint16_t kDataPort = 0x60, kStatusPort = 0x64;
  static constexpr size_t kKeyFifoBytes = 32;
  // Replies the guest asked for and did not read are kept up to this many
  // (per queue); more are dropped and counted, so that a guest cannot grow
  // them without end.
  static constexpr size_t kReplyBytes = 64;
  // Status register bits.
  static constexpr uint8_t kStatusObf = 0x01, kStatusIbf = 0x02, kStatusSystem = 0x04;
  static constexpr uint8_t kStatusCommand = 0x08, kStatusUnlocked = 0x10, kStatusAuxObf = 0x20;
  static constexpr uint8_t kStatusTimeout = 0x40, kStatusParity = 0x80;
  // Command byte bits.
  static constexpr uint8_t kCmdIrq1 = 0x01, kCmdIrq12 = 0x02, kCmdSystem = 0x04, kCmdNoLock = 0x08;
  static constexpr uint8_t kCmdKbdDisabled = 0x10, kCmdAuxDisabled = 0x20, kCmdTranslate = 0x40;
  // Output port bits.
  static constexpr uint8_t kOutReset = 0x01, kOutA20 = 0x02, kOutIrq1 = 0x10, kOutIrq12 = 0x20;

  struct Stats {
    uint64_t keys = 0;             // key events accepted
    uint64_t key_overruns = 0;     // key events dropped: FIFO full
    uint64_t keys_disabled = 0;    // key events dropped: scanning disabled
    uint64_t bytes_delivered = 0;  // bytes the guest read from 60h while OBF was set
    uint64_t controller_commands = 0;
    uint64_t keyboard_commands = 0;
    uint64_t unknown_commands = 0;
    uint64_t resets = 0;
    uint64_t aux_bytes = 0;        // bytes the guest sent to the mouse (D4h)
    uint64_t replies_dropped = 0;  // replies and D3h/D2h bytes past kReplyBytes, never read
  };

  I8042(IrqLine irq1, IrqLine irq12);
  void attach(PortBus& ports);

  // Host input: one key's set-1 bytes (e.g. {E0h, 48h} for Up).
  void key_event(std::span<const uint8_t> scancode_bytes);
  // Host pointer: see Ps2Mouse::event().
  void mouse_event(int dx, int dy, int dz, unsigned buttons);

  std::function<void(bool)> on_a20;  // the A20 gate changed
  std::function<void()> on_reset;    // the CPU reset line was pulsed

  uint8_t read(uint16_t port);
  void write(uint16_t port, uint8_t value);

  bool a20() const { return output_port_ & kOutA20; }
  uint8_t command_byte() const { return command_byte_; }
  uint8_t leds() const { return leds_; }  // bit 0 Scroll, 1 Num, 2 Caps Lock
  uint8_t scancode_set() const { return scancode_set_; }
  bool scanning() const { return scanning_; }
  bool output_full() const { return obf_; }
  // Bytes waiting on the keyboard side (controller replies and keys); the
  // mouse's own are mouse().queued().
  size_t queued() const { return ctrl_queue_.size() + kbd_queue_.size(); }
  bool aux_enabled() const { return !(command_byte_ & kCmdAuxDisabled); }
  Ps2Mouse& mouse() { return mouse_; }
  const Ps2Mouse& mouse() const { return mouse_; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  void controller_command(uint8_t cmd);
  void controller_data(uint8_t cmd, uint8_t v);
  void keyboard_byte(uint8_t v);
  void keyboard_command(uint8_t v);
  void reply(uint8_t v) { push(ctrl_queue_, v); }     // from the controller
  void kbd_reply(uint8_t v) { push(kbd_queue_, v); }  // from the keyboard
  void push(std::deque<uint8_t>& q, uint8_t v);
  void write_output_port(uint8_t v);
  void set_command_byte(uint8_t v);
  void refill();  // the next queued byte into the output buffer
  void update_irq();

  IrqLine irq1_, irq12_;
  uint8_t command_byte_ = kCmdSystem | kCmdIrq1 | kCmdTranslate;
  uint8_t output_port_ = kOutReset;  // A20 off at power-on
  uint8_t ram_[32] = {};             // 8042 internal RAM 01h-1Fh (20h-3Fh / 60h-7Fh)
  uint8_t out_ = 0;                  // the output buffer
  bool obf_ = false;
  bool aux_obf_ = false;           // the output buffer holds an AUX byte (status bit 5)
  bool last_was_command_ = false;  // status bit 3
  int pending_ = -1;               // controller command awaiting its data byte
  int kbd_pending_ = -1;           // keyboard command awaiting its parameter
  bool irq1_level_ = false, irq12_level_ = false;
  std::deque<uint8_t> ctrl_queue_;  // controller replies, ahead of the keyboard
  std::deque<uint8_t> kbd_queue_;   // keyboard replies and keys
  std::deque<uint8_t> aux_queue_;   // bytes looped back by D3h
  Ps2Mouse mouse_;                  // on the AUX port: its own queue
  uint8_t last_kbd_byte_ = 0xAA;    // for Resend
  bool scanning_ = true;
  uint8_t leds_ = 0;
  uint8_t scancode_set_ = 2;
  uint8_t typematic_ = 0x2B;
  Stats stats_;
};

}  // namespace pxos

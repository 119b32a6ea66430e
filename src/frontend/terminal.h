// --display term: the guest's text screen drawn in the host terminal with
// its colours and cursor, and the terminal's keys read raw. The terminal is
// restored on every way out: normal exit, exceptions, fatal signals.
#pragma once

#include <cstdint>
#include <vector>

#include "frontend/text_screen.h"

struct termios;

namespace pxos {

// Turns terminal settings into raw mode: bytes as typed (no echo, no line
// editing, no signals from keys, no CR/LF translation, 8 bits). The caller
// chooses VMIN/VTIME.
void make_raw(struct termios& t);

class Terminal {
 public:
  // Takes over stdin/stdout (raw input, alternate screen). Both must be a tty.
  Terminal();
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  static bool available();  // stdin and stdout are terminals
  // Draws the rows that changed since the last call, then the cursor.
  void draw(const TextScreen& screen);
  // Restores the terminal; safe to call from a signal handler and twice.
  static void restore();

 private:
  TextScreen last_;
  bool first_ = true;
};

}  // namespace pxos

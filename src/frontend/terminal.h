// --display term: the guest's text screen drawn in the host terminal with
// its colours and cursor, and the terminal's keys read raw. The terminal is
// restored on every way out: normal exit, exceptions, fatal signals.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "devices/text_screen.h"

struct termios;

namespace pxos {

// Turns terminal settings into raw mode: bytes as typed (no echo, no line
// editing, no signals from keys, no CR/LF translation, 8 bits). The caller
// chooses VMIN/VTIME.
void make_raw(struct termios& t);

struct TerminalSize {
  int rows = 0, cols = 0;  // 0: not known
  bool operator==(const TerminalSize&) const = default;
};

// Where the drawing goes, and how large the host terminal is now.
struct TerminalSink {
  std::function<void(const std::string&)> write;
  std::function<TerminalSize()> size;
};

class Terminal {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes over stdin/stdout (raw input, alternate screen). Both must be a tty.
  Terminal();
  // Draws into `sink`, touching no terminal settings (for tests).
  explicit Terminal(TerminalSink sink);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  static bool available();  // stdin and stdout are terminals
  // Draws the rows that changed since the last call, the status line, then
  // the cursor. Clears and draws everything when the mode (text or
  // graphics, the mode number), the screen's size or the host terminal's
  // size changed. In a graphics mode, one line that names the mode.
  void draw(const TextScreen& screen, Clock::time_point now = Clock::now());
  // Shows `text` on the status line until `until` (then the usual line, the
  // escape keys). The status line is the row below the guest screen; when
  // the host terminal has no row there, the message covers its last row
  // while it lasts.
  void show_message(std::string text, Clock::time_point until);
  // Restores the terminal; safe to call from a signal handler and twice.
  static void restore();

 private:
  // What, when it changes, needs the screen cleared and drawn again.
  struct Layout {
    int mode = -1;
    std::optional<GraphicsMode> graphics;
    int rows = 0, cols = 0;
    TerminalSize host;
    bool operator==(const Layout&) const = default;
  };
  void draw_rows(const TextScreen& s, bool full, int skip_row, int redraw_row, std::string& out) const;

  TerminalSink sink_;
  TextScreen last_;
  Layout layout_;
  bool first_ = true;
  std::string message_;
  Clock::time_point message_until_;
  std::string status_shown_;  // the status line as drawn, and its row (1-based; 0: not drawn)
  int status_row_ = 0;
};

}  // namespace pxos

#include "frontend/terminal.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "frontend/console_escape.h"
#include "frontend/cp437.h"

namespace pxos {

namespace {
struct termios g_saved;
volatile sig_atomic_t g_active = 0;

// CGA colour order to ANSI colour numbers.
constexpr int kAnsi[8] = {0, 4, 2, 6, 1, 5, 3, 7};

void write_all(const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(STDOUT_FILENO, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += size_t(n);
  }
}

TerminalSize stdout_size() {
  struct winsize w {};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) != 0) return {};
  return {w.ws_row, w.ws_col};
}

void on_signal(int sig) {
  Terminal::restore();
  signal(sig, SIG_DFL);
  raise(sig);
}

// The alternate screen without line wrap (a guest row wider than the host
// terminal is cut, not wrapped onto the next row), and back.
constexpr char kEnter[] = "\x1b[?1049h\x1b[?7l\x1b[0m\x1b[2J";
constexpr char kLeave[] = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l";

// `text` cut to fit a row of `cols` columns (ASCII text; 0: not known),
// leaving the last column free.
std::string fit(std::string text, int cols) {
  if (cols > 0 && int(text.size()) >= cols) text.resize(size_t(cols - 1));
  return text;
}

std::string move_to(int row, int col) { return "\x1b[" + std::to_string(row) + ";" + std::to_string(col) + "H"; }
}  // namespace

bool Terminal::available() { return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO); }

void Terminal::restore() {
  if (!g_active) return;
  g_active = 0;
  ssize_t r = write(STDOUT_FILENO, kLeave, sizeof kLeave - 1);
  (void)r;
  tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
}

void make_raw(struct termios& t) {
  t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t.c_cflag |= CS8;
}

Terminal::Terminal(TerminalSink sink) : sink_(std::move(sink)) {}

Terminal::Terminal() : Terminal(TerminalSink{write_all, stdout_size}) {
  if (tcgetattr(STDIN_FILENO, &g_saved) != 0) return;
  struct termios raw = g_saved;
  make_raw(raw);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) return;
  g_active = 1;
  std::atexit(restore);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) signal(sig, on_signal);
  write_all(kEnter);
}

Terminal::~Terminal() { restore(); }

void Terminal::show_message(std::string text, Clock::time_point until) {
  message_ = std::move(text);
  message_until_ = until;
}

void Terminal::draw_rows(const TextScreen& s, bool full, int skip_row, int redraw_row, std::string& out) const {
  int cur_attr = -1;
  for (int r = 0; r < s.rows; ++r) {
    if (r + 1 == skip_row) continue;
    if (!full && r + 1 != redraw_row &&
        std::memcmp(&s.cells[size_t(r) * s.cols], &last_.cells[size_t(r) * s.cols], size_t(s.cols) * 2) == 0)
      continue;
    out += move_to(r + 1, 1);
    for (int c = 0; c < s.cols; ++c) {
      uint16_t cell = s.at(r, c);
      int attr = cell >> 8;
      if (attr != cur_attr) {
        int fg = kAnsi[attr & 7] + ((attr & 8) ? 90 : 30), bg = kAnsi[(attr >> 4) & 7] + 40;
        out += "\x1b[0;" + std::to_string(fg) + ";" + std::to_string(bg) + "m";
        cur_attr = attr;
      }
      uint8_t ch = uint8_t(cell);
      out += ch == 0 ? std::string(" ") : utf8(kCp437[ch]);
    }
  }
}

void Terminal::draw(const TextScreen& s, Clock::time_point now) {
  Layout layout{s.mode, s.graphics, s.rows, s.cols, sink_.size ? sink_.size() : TerminalSize{}};
  const TerminalSize host = layout.host;
  bool full = first_ || !(layout == layout_);
  if (!message_.empty() && now >= message_until_) message_.clear();
  // The status line: below the screen when the host terminal has a row
  // there (or its size is not known), else over its last row while a
  // message lasts.
  int screen_rows = s.graphics ? 2 : s.rows;  // in graphics: the line that names the mode, and a blank one
  bool room = host.rows == 0 || host.rows > screen_rows;
  std::string status = message_.empty() ? "pxOS: " + escape_banner() : message_;
  int status_row = room ? screen_rows + 1 : (message_.empty() ? 0 : host.rows);
  std::string out = "\x1b[?25l";
  if (full) out += "\x1b[0m\x1b[2J";
  if (s.graphics) {
    if (full)
      out += move_to(1, 1) + fit("pxOS: " + s.graphics->describe() + ": the terminal shows text modes only", host.cols);
  } else {
    // A row that the status line covered until now is drawn again.
    int uncovered = status_row_ != status_row ? status_row_ : 0;
    draw_rows(s, full, status_row, uncovered, out);
  }
  if (status_row && (full || status != status_shown_ || status_row != status_row_))
    out += "\x1b[0m" + move_to(status_row, 1) + "\x1b[2K" + fit(status, host.cols);
  status_shown_ = status;
  status_row_ = status_row;
  if (!s.graphics) {
    out += move_to(s.cursor_row + 1, s.cursor_col + 1);
    if (s.cursor_visible) out += "\x1b[?25h";
  }
  sink_.write(out);
  last_ = s;
  layout_ = layout;
  first_ = false;
}

}  // namespace pxos

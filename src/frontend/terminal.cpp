#include "frontend/terminal.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

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

void on_signal(int sig) {
  Terminal::restore();
  signal(sig, SIG_DFL);
  raise(sig);
}

constexpr char kLeave[] = "\x1b[0m\x1b[?25h\x1b[?1049l";
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

Terminal::Terminal() {
  if (tcgetattr(STDIN_FILENO, &g_saved) != 0) return;
  struct termios raw = g_saved;
  make_raw(raw);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) return;
  g_active = 1;
  std::atexit(restore);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) signal(sig, on_signal);
  write_all("\x1b[?1049h\x1b[2J");
}

Terminal::~Terminal() { restore(); }

void Terminal::draw(const TextScreen& s) {
  std::string out;
  bool resized = first_ || s.rows != last_.rows || s.cols != last_.cols;
  out += "\x1b[?25l";
  int cur_attr = -1;
  for (int r = 0; r < s.rows; ++r) {
    if (!resized &&
        std::memcmp(&s.cells[size_t(r) * s.cols], &last_.cells[size_t(r) * s.cols], size_t(s.cols) * 2) == 0)
      continue;
    out += "\x1b[" + std::to_string(r + 1) + ";1H";
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
  if (resized) out += "\x1b[0m\x1b[" + std::to_string(s.rows + 1) + ";1H\x1b[2K[pxOS: Ctrl-] quits]";
  out += "\x1b[" + std::to_string(s.cursor_row + 1) + ";" + std::to_string(s.cursor_col + 1) + "H";
  if (s.cursor_visible) out += "\x1b[?25h";
  write_all(out);
  last_ = s;
  first_ = false;
}

}  // namespace pxos

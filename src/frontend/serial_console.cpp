#include "frontend/serial_console.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "frontend/terminal.h"

namespace pxos {

namespace {
struct termios g_saved;
volatile sig_atomic_t g_raw = 0;

void on_signal(int sig) {
  RawStdin::restore();
  signal(sig, SIG_DFL);
  raise(sig);
}
}  // namespace

RawStdin::RawStdin() {
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &g_saved) != 0) return;
  struct termios raw = g_saved;
  make_raw(raw);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) return;
  g_raw = 1;
  static bool hooked = false;
  if (!hooked) {
    hooked = true;
    std::atexit(restore);
  }
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) signal(sig, on_signal);
}

RawStdin::~RawStdin() { restore(); }

bool RawStdin::active() const { return g_raw; }

void RawStdin::restore() {
  if (!g_raw) return;
  g_raw = 0;
  tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
}

std::vector<uint8_t> serial_bytes(const HostKey& k) {
  struct Named {
    uint8_t scancode;
    const char* seq;
  };
  // Grey keys and function keys as a VT100/xterm sends them.
  static const Named kGrey[] = {{0x48, "\x1b[A"},  {0x50, "\x1b[B"}, {0x4D, "\x1b[C"},  {0x4B, "\x1b[D"},
                                {0x47, "\x1b[H"},  {0x4F, "\x1b[F"}, {0x49, "\x1b[5~"}, {0x51, "\x1b[6~"},
                                {0x52, "\x1b[2~"}, {0x53, "\x1b[3~"}};
  static const Named kFunction[] = {{0x3B, "\x1bOP"},   {0x3C, "\x1bOQ"},   {0x3D, "\x1bOR"},   {0x3E, "\x1bOS"},
                                    {0x3F, "\x1b[15~"}, {0x40, "\x1b[17~"}, {0x41, "\x1b[18~"}, {0x42, "\x1b[19~"},
                                    {0x43, "\x1b[20~"}, {0x44, "\x1b[21~"}, {0x57, "\x1b[23~"}, {0x58, "\x1b[24~"}};
  auto seq = [](const char* s) { return std::vector<uint8_t>(s, s + std::char_traits<char>::length(s)); };
  if (k.e0)
    for (const Named& n : kGrey)
      if (k.scancode == n.scancode) return seq(n.seq);
  if (!k.e0)
    for (const Named& n : kFunction)
      if (k.scancode == n.scancode) return seq(n.seq);
  if (k.scancode == 0x0E && !k.e0) return {0x7F};  // Backspace: DEL, as terminals send it
  HostKey plain = k;
  plain.ctrl = plain.alt = false;
  for (int ch = 1; ch < 128; ++ch) {
    std::optional<HostKey> typed = key_for_ascii(uint8_t(ch));
    if (!typed || !(*typed == plain)) continue;
    uint8_t byte = uint8_t(ch);
    if (byte == '\n') byte = '\r';  // Enter sends CR, as a terminal does
    if (k.ctrl && ((byte >= 'a' && byte <= 'z') || (byte >= '@' && byte <= '_'))) byte &= 0x1F;
    std::vector<uint8_t> out;
    if (k.alt) out.push_back(0x1B);
    out.push_back(byte);
    return out;
  }
  return {};
}

}  // namespace pxos

#include "cli/host_input.h"

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/keys.h"

namespace pxos::cli {

namespace {
struct termios g_saved;
volatile sig_atomic_t g_raw = 0;

void restore_terminal() {
  if (g_raw) {
    tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
    g_raw = 0;
  }
}

void on_fatal_signal(int sig) {
  restore_terminal();
  signal(sig, SIG_DFL);
  raise(sig);
}
}  // namespace

HostInput::HostInput() {
  if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && tcgetattr(STDIN_FILENO, &g_saved) == 0) {
    struct termios raw = g_saved;
    raw.c_lflag &= ~tcflag_t(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
      g_raw = 1;
      std::atexit(restore_terminal);
      for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT}) signal(sig, on_fatal_signal);
    }
  }
}

HostInput::~HostInput() { restore_terminal(); }

bool HostInput::poll(Machine& m) {
  while (open_) {
    struct pollfd p {STDIN_FILENO, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) break;
    unsigned char buf[64];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      open_ = false;
      break;
    }
    for (ssize_t i = 0; i < n; ++i)
      if (auto k = key_for_ascii(buf[i])) m.bios->queue_key(*k);
  }
  return open_;
}

}  // namespace pxos::cli

#include "cli/host_input.h"

#include <poll.h>
#include <unistd.h>

#include "cli/key_stroke.h"

namespace pxos::cli {

long read_ready_stdin(std::span<uint8_t> buf) {
  struct pollfd p {
    STDIN_FILENO, POLLIN, 0
  };
  if (::poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) return 0;
  ssize_t n = read(STDIN_FILENO, buf.data(), buf.size());
  return n > 0 ? long(n) : -1;
}

HostPoll HostInput::poll(Machine& m) {
  bool got = false;
  // Keys wait in the machine until the guest takes them; stdin is read on
  // only while few wait, so a flood of pasted text waits in the pipe.
  auto room = [&] { return m.input_backlog() < kMaxBacklog; };
  while (open_ && !escape_.quit() && room()) {
    uint8_t buf[256];
    long n = read_ready_stdin(buf);
    if (n == 0) break;
    if (n < 0) {
      open_ = false;
      break;
    }
    std::vector<uint8_t> guest_bytes;
    for (EscapeCommand c : escape_.feed({buf, size_t(n)}, guest_bytes))
      if (c == EscapeCommand::Help) help_ = true;
    for (const HostKey& k : decoder_.feed(guest_bytes)) m.press_key(key_stroke(k));
    got = true;
  }
  // No byte followed in this poll: a pending lone ESC is the Esc key.
  if (!got)
    for (const HostKey& k : decoder_.flush()) m.press_key(key_stroke(k));
  return {open_, escape_.quit(), open_ && room() ? STDIN_FILENO : -1};
}

}  // namespace pxos::cli

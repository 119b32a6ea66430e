// pxos run: build the machine from flags, run it with the chosen front end,
// map the outcome to an exit status.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <utility>

#include "cli/commands.h"
#include "cli/display_front_ends.h"
#include "cli/host_input.h"
#include "cli/options.h"
#include "frontend/console_escape.h"
#include "frontend/font.h"
#include "frontend/screenshot.h"
#include "frontend/serial_console.h"
#include "frontend/terminal.h"
#include "host/host_file.h"
#include "machine/monitor.h"

namespace pxos::cli {

namespace {

// --serial stdio input: stdin's bytes, without the Ctrl-A escape commands,
// reach COM1 through a pipe that the serial backend reads.
class SerialRelay {
 public:
  SerialRelay() {
    if (pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
    for (int fd : fds_)
      if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  ~SerialRelay() {
    for (int fd : fds_)
      if (fd >= 0) close(fd);
  }
  SerialRelay(const SerialRelay&) = delete;
  SerialRelay& operator=(const SerialRelay&) = delete;
  bool ok() const { return fds_[0] >= 0; }
  int guest_fd() const { return fds_[0]; }
  HostPoll poll() {
    flush();
    while (open_ && !escape_.quit() && unsent_.empty()) {
      uint8_t buf[256];
      long n = read_ready_stdin(buf);
      if (n == 0) break;
      if (n < 0) {
        open_ = false;
        close(fds_[1]);  // the guest sees the end of input
        fds_[1] = -1;
        break;
      }
      for (EscapeCommand c : escape_.feed({buf, size_t(n)}, unsent_))
        if (c == EscapeCommand::Help) help_ = true;
      flush();
    }
    return {open_, escape_.quit(), open_ && unsent_.empty() ? STDIN_FILENO : -1};
  }
  // Whether Ctrl-A h was typed since the last call.
  bool take_help() { return std::exchange(help_, false); }

 private:
  // Into the pipe what fits; the rest waits (stdin is not read meanwhile),
  // so pasted text is never dropped when the guest reads slowly.
  void flush() {
    if (unsent_.empty() || fds_[1] < 0) return;
    ssize_t n = write(fds_[1], unsent_.data(), unsent_.size());
    if (n > 0) unsent_.erase(unsent_.begin(), unsent_.begin() + n);
  }

  int fds_[2] = {-1, -1};
  std::vector<uint8_t> unsent_;
  bool open_ = true;
  bool help_ = false;
  ConsoleEscape escape_;
};

// The banner of an interactive run (keys from a terminal, raw), on stderr.
// Scripted runs (stdin not a terminal) do not print it.
void print_escape_banner() { std::fprintf(stderr, "pxos: %s\n", escape_banner().c_str()); }

int status_of(const RunOutcome& o, double timeout, bool verbose) {
  switch (o.kind) {
    case RunOutcome::GuestExit: return o.guest_status;
    case RunOutcome::UntilText:
    case RunOutcome::Quit: return 0;
    case RunOutcome::Timeout:
      if (verbose)
        std::fprintf(stderr, "pxos: timeout after %g s, the guest %s\n", timeout, o.message.c_str());
      else
        std::fprintf(stderr, "pxos: timeout after %g s\n", timeout);
      return kExitTimeout;
    case RunOutcome::Shutdown: std::fprintf(stderr, "pxos: %s\n", o.message.c_str()); return kExitShutdown;
    case RunOutcome::Halted: std::fprintf(stderr, "pxos: %s\n", o.message.c_str()); return kExitHalted;
    case RunOutcome::PowerOff: std::fprintf(stderr, "pxos: %s\n", o.message.c_str()); return 0;
    case RunOutcome::EngineError:
    default: std::fprintf(stderr, "pxos: engine error: %s\n", o.message.c_str()); return kExitMonitor;
  }
}

// The host's VGA font: for the ROM (INT 10h AH=11h AL=30h; left blank when
// the host has none) and the glyphs the BIOS loads into the VGA, which the
// window, VNC and the screenshot draw. With --screenshot (PATH
// not empty) a missing font or a path that cannot be written is an error now,
// not after the run: false, said on stderr.
bool load_font(const std::string& screenshot, std::optional<Font>& font) {
  if (!screenshot.empty()) {
    if (std::string why = output_path_problem(screenshot); !why.empty()) {
      std::fprintf(stderr, "pxos run: --screenshot: %s\n", why.c_str());
      return false;
    }
    try {
      font = Font::load_default();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pxos run: --screenshot: %s\n", e.what());
      return false;
    }
  }
  try {
    if (!font) font = Font::load_default();
  } catch (const FontError&) {
  }
  return true;
}

// --debugcon's stream (nullptr: none; `owned`: a file of ours, to close at
// the end). False when the file cannot be opened, said on stderr.
bool open_debugcon(const std::string& spec, Display display, std::FILE*& out, bool& owned) {
  out = nullptr;
  owned = false;
  if (spec == "stdio")
    out = display == Display::Term ? nullptr : stdout;
  else if (spec == "stderr")
    out = stderr;
  else if (spec.rfind("file:", 0) == 0) {
    std::string why;
    out = open_host_output(spec.substr(5), false, &why);
    if (!out) {
      std::fprintf(stderr, "pxos run: --debugcon: %s\n", why.c_str());
      return false;
    }
    owned = true;
  }
  return true;
}

// --screenshot: what the display device shows, at its native resolution, as
// a PNG. False when it could not be written, said on stderr.
bool write_display_screenshot(FrameSource& display, const std::string& path) {
  try {
    Frame picture;  // of no size yet: the device draws all of it
    display.render(picture);
    write_screenshot(picture, path);
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos run: %s\n", e.what());
    return false;
  }
}

}  // namespace

int cmd_run(Args args) {
  if (help_asked(args, kRunUsage)) return 0;
  RunFlags f;
  try {
    f = parse_run_flags(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos run: %s\n", e.what());
    return kExitUsage;
  }
  Display display = f.display.value_or(Terminal::available() ? Display::Term : Display::Tty);
  if (display == Display::Term && !Terminal::available()) {
    std::fprintf(stderr, "pxos run: --display term needs a terminal on stdin and stdout\n");
    return kExitUsage;
  }
  std::optional<Font> font;
  if (!load_font(f.screenshot, font)) return kExitUsage;
  if (font) f.machine.font8x16 = font->bitmap();
  // The 8x14 and 8x8 fonts for the ROM: each left blank when the host lacks it.
  for (auto [height, glyphs] : {std::pair{14, &f.machine.font8x14}, std::pair{8, &f.machine.font8x8}}) {
    try {
      *glyphs = load_default_glyphs(height);
    } catch (const FontError&) {
    }
  }
  // The window and the VNC server open before the guest starts: one that
  // cannot is a one-line error.
  std::optional<DisplayFrontEnds> fronts;
  if (display == Display::Sdl || f.vnc_port > 0) {
    try {
      fronts.emplace(display == Display::Sdl, f.vnc_address, f.vnc_port);
    } catch (const DisplayError& e) {
      std::fprintf(stderr, "pxos run: %s\n", e.what());
      return kExitUsage;
    }
  }

  bool debugcon_owned = false;  // a file of ours, closed at the end
  if (!open_debugcon(f.debugcon, display, f.machine.debugcon, debugcon_owned)) return kExitUsage;
  std::FILE* debugcon = f.machine.debugcon;
  // With the serial console on stdio, host input goes to COM1 unless the
  // screen is in the terminal (then it goes to the keyboard).
  bool serial_input = f.machine.serial == "stdio" && display != Display::Term;
  std::optional<SerialRelay> relay;
  if (serial_input) {
    relay.emplace();
    if (!relay->ok()) {
      std::fprintf(stderr, "pxos run: --serial stdio: cannot make a pipe: %s\n", std::strerror(errno));
      return kExitUsage;
    }
    f.machine.serial_input_fd = relay->guest_fd();
  }
  if (display == Display::Tty)
    f.machine.on_teletype = [](char ch) {
      if (ch != 7) std::fputc(ch, stdout);
      if (ch == '\n') std::fflush(stdout);
    };
  bool verbose = f.machine.verbose;
  f.machine.on_message = [verbose](const std::string& msg) {
    if (verbose || msg.rfind("bios: No bootable", 0) == 0) std::fprintf(stderr, "%s\n", msg.c_str());
  };

  int status;
  {
    std::unique_ptr<Machine> m;
    try {
      m = std::make_unique<Machine>(f.machine);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pxos run: %s\n", e.what());
      if (debugcon_owned) std::fclose(debugcon);
      return kExitUsage;
    }
    if (verbose) std::fprintf(stderr, "pxos: engine %s\n", m->engine_reason.c_str());
    if (fronts) fronts->attach(*m);
    std::optional<GdbServer> gdb;
    if (f.gdb) {
      try {
        gdb.emplace(*m, *f.gdb, f.gdb_wait,
                    [](const std::string& msg) { std::fprintf(stderr, "pxos: %s\n", msg.c_str()); });
      } catch (const std::exception& e) {
        std::fprintf(stderr, "pxos run: %s\n", e.what());
        if (debugcon_owned) std::fclose(debugcon);
        return kExitUsage;
      }
    }

    std::optional<Terminal> terminal;
    if (display == Display::Term) {
      print_escape_banner();  // before the alternate screen: it stays on the terminal after the run
      terminal.emplace();
      // On the status line; for a while over the last row when the terminal has no row below the screen.
      terminal->show_message("pxOS: " + escape_banner(), Terminal::Clock::now() + std::chrono::seconds(5));
    }
    HostInput input;
    auto last_draw = std::chrono::steady_clock::now();
    RunOptions ro;
    ro.timeout_seconds = f.timeout;
    ro.script = f.script;
    ro.until_text = f.until_text;
    ro.debugger = gdb ? &*gdb : nullptr;
    std::optional<RawStdin> raw;
    if (relay) {
      raw.emplace();
      if (raw->active()) print_escape_banner();
    }
    ro.poll_host = [&](Machine& mm) {
      HostPoll p = relay ? relay->poll() : input.poll(mm);
      if (fronts) p = fronts->poll(mm, p);
      auto now = std::chrono::steady_clock::now();
      if (relay ? relay->take_help() : input.take_help()) {
        if (terminal) {
          terminal->show_message(escape_help_line(), now + std::chrono::seconds(10));
          last_draw = {};  // draw it now
        } else {
          std::fprintf(stderr, "\n%s", escape_help_lines().c_str());
        }
      }
      if (terminal && now - last_draw >= std::chrono::milliseconds(33)) {
        terminal->draw(capture_text_screen(mm.mem, mm.vga.get()));
        last_draw = now;
      }
      return p;
    };
    RunOutcome o;
    try {
      o = run_machine(*m, ro);
    } catch (...) {
      Terminal::restore();
      RawStdin::restore();
      throw;
    }
    raw.reset();
    if (fronts) {
      fronts->detach();
      if (fronts->window_closed()) std::fprintf(stderr, "pxos: the window was closed: the run stops\n");
      if (size_t n = fronts->keys_dropped())
        std::fprintf(stderr, "pxos: %zu key events from the window or VNC were dropped: the guest did not take them\n",
                     n);
    }
    if (terminal) {
      terminal->draw(capture_text_screen(m->mem, m->vga.get()));
      terminal.reset();
    }
    std::fflush(stdout);
    status = status_of(o, f.timeout, verbose);
    for (auto& d : m->disks) {  // --writable: the guest's writes are on the disk before we exit
      errno = 0;
      if (!d->flush()) {
        if (errno)
          std::fprintf(stderr, "pxos run: cannot flush a disk image: %s\n", std::strerror(errno));
        else  // --hdd-dir: what was not written back was named above
          std::fprintf(stderr, "pxos run: not all of the guest's writes went back to the --hdd-dir folder\n");
        status = kExitMonitor;
      }
    }
    TextScreen screen = capture_text_screen(m->mem, m->vga.get());
    if (display == Display::Screen) std::fputs(screen.text().c_str(), stdout);
    if (!f.screenshot.empty() && !write_display_screenshot(m->display(), f.screenshot)) status = kExitUsage;
    if (verbose) m->print_stats(std::cerr);
    if (f.machine.jit_stats && m->vcpu) std::fputs(m->vcpu->statistics().c_str(), stderr);
  }
  if (debugcon_owned) std::fclose(debugcon);
  std::fflush(stdout);
  return status;
}

}  // namespace pxos::cli

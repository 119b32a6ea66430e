// pxos run: build the machine from flags, run it with the chosen front end,
// map the outcome to an exit status.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/host_input.h"
#include "cli/options.h"
#include "frontend/font.h"
#include "frontend/screenshot.h"
#include "frontend/terminal.h"
#include "machine/monitor.h"

namespace pxos::cli {

namespace {

int status_of(const RunOutcome& o, double timeout) {
  switch (o.kind) {
    case RunOutcome::GuestExit: return o.guest_status;
    case RunOutcome::UntilText:
    case RunOutcome::Quit: return 0;
    case RunOutcome::Timeout:
      std::fprintf(stderr, "pxos: timeout after %g s\n", timeout);
      return kExitTimeout;
    case RunOutcome::Shutdown:
      std::fprintf(stderr, "pxos: %s\n", o.message.c_str());
      return kExitShutdown;
    case RunOutcome::Halted:
      std::fprintf(stderr, "pxos: %s\n", o.message.c_str());
      return kExitHalted;
    case RunOutcome::EngineError:
    default:
      std::fprintf(stderr, "pxos: engine error: %s\n", o.message.c_str());
      return kExitMonitor;
  }
}

}  // namespace

int cmd_run(Args args) {
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
  if (!f.screenshot.empty()) {
    try {
      font = Font::load_default();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pxos run: --screenshot: %s\n", e.what());
      return kExitUsage;
    }
  }

  std::FILE* debugcon = nullptr;
  if (f.debugcon == "stdio") debugcon = display == Display::Term ? nullptr : stdout;
  else if (f.debugcon.rfind("file:", 0) == 0) {
    debugcon = std::fopen(f.debugcon.c_str() + 5, "wb");
    if (!debugcon) {
      std::fprintf(stderr, "pxos run: --debugcon: cannot write %s\n", f.debugcon.c_str() + 5);
      return kExitUsage;
    }
  }
  f.machine.debugcon = debugcon;
  // With the serial console on stdio, host input goes to COM1 unless the
  // screen is in the terminal (then it goes to the keyboard).
  bool serial_input = f.machine.serial == "stdio" && display != Display::Term;
  if (serial_input) f.machine.serial_input_fd = 0;
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
      if (debugcon && debugcon != stdout) std::fclose(debugcon);
      return kExitUsage;
    }
    if (verbose) std::fprintf(stderr, "pxos: engine %s\n", m->engine_reason.c_str());

    std::optional<Terminal> terminal;
    if (display == Display::Term) terminal.emplace();
    HostInput input;
    auto last_draw = std::chrono::steady_clock::now();
    RunOptions ro;
    ro.timeout_seconds = f.timeout;
    ro.script = f.script;
    ro.until_text = f.until_text;
    ro.poll_host = [&](Machine& mm) {
      HostPoll p = serial_input ? HostPoll{true, false} : input.poll(mm);
      auto now = std::chrono::steady_clock::now();
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
      throw;
    }
    if (terminal) {
      terminal->draw(capture_text_screen(m->mem, m->vga.get()));
      terminal.reset();
    }
    std::fflush(stdout);
    status = status_of(o, f.timeout);
    for (auto& d : m->disks)  // --writable: the guest's writes are on the disk before we exit
      if (!d->flush()) {
        std::fprintf(stderr, "pxos run: cannot flush a disk image: %s\n", std::strerror(errno));
        status = kExitMonitor;
      }
    TextScreen screen = capture_text_screen(m->mem, m->vga.get());
    if (display == Display::Screen) std::fputs(screen.text().c_str(), stdout);
    if (font) {
      try {
        write_screenshot(screen, *font, f.screenshot);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "pxos run: %s\n", e.what());
        status = kExitUsage;
      }
    }
    if (verbose) m->print_stats(std::cerr);
  }
  if (debugcon && debugcon != stdout) std::fclose(debugcon);
  std::fflush(stdout);
  return status;
}

}  // namespace pxos::cli

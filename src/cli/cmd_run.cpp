// pxos run: build the machine from flags, run it, map the outcome to an
// exit status.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/host_input.h"
#include "cli/keys.h"
#include "cli/options.h"
#include "machine/monitor.h"

namespace pxos::cli {

int cmd_run(Args args) {
  RunFlags f;
  std::vector<Key> keys;
  try {
    f = parse_run_flags(args);
    keys = parse_send_keys(f.send_keys);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos run: %s\n", e.what());
    return kExitUsage;
  }

  std::FILE* debugcon = nullptr;
  if (f.debugcon == "stdio") debugcon = stdout;
  else if (f.debugcon.rfind("file:", 0) == 0) {
    debugcon = std::fopen(f.debugcon.c_str() + 5, "wb");
    if (!debugcon) {
      std::fprintf(stderr, "pxos run: --debugcon: cannot write %s\n", f.debugcon.c_str() + 5);
      return kExitUsage;
    }
  }
  f.machine.debugcon = debugcon;
  if (f.display == Display::Tty)
    f.machine.on_teletype = [](char ch) {
      if (ch != 7) std::fputc(ch == '\r' ? '\r' : ch, stdout);
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
    for (const Key& k : keys) m->bios->queue_key(k);

    HostInput input;
    RunOptions ro;
    ro.timeout_seconds = f.timeout;
    ro.until_text = f.until_text;
    ro.poll_input = [&input](Machine& mm) { return input.poll(mm); };
    RunOutcome o = run_machine(*m, ro);
    std::fflush(stdout);

    switch (o.kind) {
      case RunOutcome::GuestExit: status = o.guest_status; break;
      case RunOutcome::UntilText: status = 0; break;
      case RunOutcome::Timeout:
        std::fprintf(stderr, "pxos: timeout after %g s\n", f.timeout);
        status = kExitTimeout;
        break;
      case RunOutcome::Shutdown:
        std::fprintf(stderr, "pxos: %s\n", o.message.c_str());
        status = kExitShutdown;
        break;
      case RunOutcome::Halted:
        std::fprintf(stderr, "pxos: %s\n", o.message.c_str());
        status = kExitHalted;
        break;
      case RunOutcome::EngineError:
      default:
        std::fprintf(stderr, "pxos: engine error: %s\n", o.message.c_str());
        status = kExitMonitor;
        break;
    }
    if (f.display == Display::Screen) std::fputs(screen_text(*m).c_str(), stdout);
    if (verbose) m->print_stats(std::cerr);
  }
  if (debugcon && debugcon != stdout) std::fclose(debugcon);
  std::fflush(stdout);
  return status;
}

}  // namespace pxos::cli

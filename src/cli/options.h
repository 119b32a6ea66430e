// Command-line options of `pxos run` (and the machine part that `pxos
// bench exits` shares).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "machine/gdb_server.h"
#include "machine/machine.h"
#include "machine/monitor.h"

namespace pxos::cli {

enum class Display { Term, Tty, Screen, None, Sdl };

struct RunFlags {
  MachineConfig machine;
  std::string debugcon = "stdio";  // stdio | stderr | none | file:PATH
  double timeout = 0;
  std::vector<ScriptStep> script;  // --send-keys before any --expect is step 0
  std::string until_text;
  std::optional<Display> display;  // default: term on a terminal, else tty
  std::string screenshot;
  std::string vnc_address;  // --vnc: where the VNC server listens (vnc_port 0: no server)
  int vnc_port = 0;
  std::optional<GdbEndpoint> gdb;  // --gdb: serve a debugger there
  bool gdb_wait = false;           // --gdb-wait: hold the CPU at F000:FFF0 until the debugger resumes it
};

// --vnc's value: "PORT" (on 127.0.0.1) or "ADDR:PORT". Throws UsageError.
void parse_vnc(const std::string& text, std::string& address, int& port);

// Guest RAM with --kernel when --memory is not given.
inline constexpr uint64_t kLinuxDefaultMemory = 128ull << 20;

// Parses `pxos run` flags. Throws UsageError.
RunFlags parse_run_flags(Args args);

// "16", "16M", "16MiB", "1G", "512K": bytes. Throws UsageError.
uint64_t parse_memory_size(const std::string& text);
EngineKind parse_engine(const std::string& text);

// Reads the value after a flag (args[i+1]); throws UsageError when absent.
std::string flag_value(Args args, size_t& i);

// `pxos run --help`: every flag above, and the exit statuses.
extern const char* const kRunUsage;

}  // namespace pxos::cli

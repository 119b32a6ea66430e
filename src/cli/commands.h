// The pxos sub-commands. Each takes the arguments after its own name and
// returns the process exit status (see `pxos run --help` for the table).
#pragma once

#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>

namespace pxos::cli {

using Args = std::span<char* const>;

// A bad flag or value: the message is printed as one line, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Whether ARGS ask for help: --help or -h anywhere among them. The command
// then prints its usage, kept next to its parser, to stdout and exits 0,
// whatever else was given.
inline bool asks_for_help(Args args) {
  for (const char* a : args)
    if (!std::strcmp(a, "--help") || !std::strcmp(a, "-h")) return true;
  return false;
}
// The same, printing `usage` when they do: `if (help_asked(args, kHelp)) return 0;`
inline bool help_asked(Args args, const char* usage) {
  if (!asks_for_help(args)) return false;
  std::fputs(usage, stdout);
  return true;
}

int cmd_run(Args args);      // cli/cmd_run.cpp
int cmd_bench(Args args);    // cli/cmd_bench.cpp: dispatches to the bench_* below
int cmd_cputest(Args args);  // cli/cmd_cputest.cpp
int cmd_pxi(Args args);      // cli/cmd_pxi.cpp
// For the tests: the flags that a `pxos pxi` command's parser takes and its
// usage text does not name, as "command: flag; ..." ("" when none).
std::string pxi_usage_gaps();
int cmd_initramfs(Args args);  // cli/cmd_initramfs.cpp
int cmd_fat_image(Args args);  // cli/cmd_fat_image.cpp
int cmd_version(Args args);    // cli/cmd_version.cpp: pxos --version

int bench_exits(Args args);  // cli/bench_exits.cpp
int bench_cpu(Args args);    // cli/bench_cpu.cpp
int bench_serial(Args args); // cli/bench_serial.cpp
int bench_display(Args args);  // cli/bench_display.cpp

// Exit statuses shared by all commands.
inline constexpr int kExitUsage = 2;        // bad flag, bad input file
inline constexpr int kExitTimeout = 124;    // --timeout expired
inline constexpr int kExitMonitor = 125;    // the monitor could not go on (engine failure)
inline constexpr int kExitShutdown = 126;   // the guest triple-faulted or shut down
inline constexpr int kExitHalted = 127;     // the guest halted with interrupts off, nothing can wake it

}  // namespace pxos::cli

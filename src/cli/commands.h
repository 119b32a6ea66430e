// The pxos sub-commands. Each takes the arguments after its own name and
// returns the process exit status (see `pxos --help` for the table).
#pragma once

#include <span>

namespace pxos::cli {

using Args = std::span<char* const>;

int cmd_run(Args args);      // cli/cmd_run.cpp
int cmd_bench(Args args);    // cli/cmd_bench.cpp: dispatches to the bench_* below
int cmd_cputest(Args args);  // cli/cmd_cputest.cpp
int cmd_pxi(Args args);      // cli/cmd_pxi.cpp
int cmd_initramfs(Args args);  // cli/cmd_initramfs.cpp

int bench_exits(Args args);  // cli/bench_exits.cpp
int bench_cpu(Args args);    // cli/bench_cpu.cpp
int bench_serial(Args args); // cli/bench_serial.cpp

// Exit statuses shared by all commands.
inline constexpr int kExitUsage = 2;        // bad flag, bad input file
inline constexpr int kExitTimeout = 124;    // --timeout expired
inline constexpr int kExitMonitor = 125;    // the monitor could not go on (engine failure)
inline constexpr int kExitShutdown = 126;   // the guest triple-faulted or shut down
inline constexpr int kExitHalted = 127;     // the guest halted with interrupts off, nothing can wake it

}  // namespace pxos::cli

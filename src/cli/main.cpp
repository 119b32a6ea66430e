// pxos: the command-line entry point. Dispatches to one sub-command.
#include <cstdio>
#include <cstring>
#include <exception>
#include <span>

#include "cli/commands.h"
#include "cli/options.h"

int main(int argc, char** argv) {
  using namespace pxos::cli;
  std::span<char* const> args(argv + 1, argc > 1 ? size_t(argc - 1) : 0);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  std::string cmd = args[0];
  Args rest = args.subspan(1);
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (cmd == "run") return cmd_run(rest);
    if (cmd == "bench") return cmd_bench(rest);
    if (cmd == "cputest") return cmd_cputest(rest);
    if (cmd == "pxi") return cmd_pxi(rest);
    if (cmd == "initramfs") return cmd_initramfs(rest);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos %s: %s\n", cmd.c_str(), e.what());
    return kExitMonitor;
  }
  std::fprintf(stderr, "pxos: unknown command '%s' (see pxos --help)\n", cmd.c_str());
  return kExitUsage;
}

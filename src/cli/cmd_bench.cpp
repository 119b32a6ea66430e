#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace pxos::cli {

namespace {
constexpr const char* kHelp = R"(usage: pxos bench exits|cpu|serial|display [options]
  pxos bench exits [options]    cost of a port-I/O exit and of BIOS calls
  pxos bench cpu [options]      software engine speed on a fixed workload
  pxos bench serial [options]   COM1 output: per-byte driver vs the pixel device
  pxos bench display [options]  the window's and VNC server's cost per frame
pxos bench NAME --help: the options of one.
)";
}  // namespace

int cmd_bench(Args args) {
  std::string what = args.empty() ? "" : args[0];
  if (what == "exits") return bench_exits(args.subspan(1));
  if (what == "cpu") return bench_cpu(args.subspan(1));
  if (what == "serial") return bench_serial(args.subspan(1));
  if (what == "display") return bench_display(args.subspan(1));
  if (asks_for_help(args) || what == "help") {
    std::fputs(kHelp, stdout);
    return 0;
  }
  std::fprintf(stderr, "pxos bench: say which: exits, cpu, serial or display (see pxos bench --help)\n");
  return kExitUsage;
}

}  // namespace pxos::cli

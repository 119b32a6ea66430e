#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace pxos::cli {

int cmd_bench(Args args) {
  std::string what = args.empty() ? "" : args[0];
  if (what == "exits") return bench_exits(args.subspan(1));
  if (what == "cpu") return bench_cpu(args.subspan(1));
  if (what == "serial") return bench_serial(args.subspan(1));
  std::fprintf(stderr, "pxos bench: say which: exits, cpu or serial\n");
  return kExitUsage;
}

}  // namespace pxos::cli

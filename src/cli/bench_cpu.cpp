#include <cstdio>

#include "cli/commands.h"

namespace pxos::cli {
// Placeholder until the software engine lands: fails loudly.
int bench_cpu(Args) {
  std::fprintf(stderr, "pxos bench cpu: the software engine is not built yet\n");
  return kExitUsage;
}
}  // namespace pxos::cli

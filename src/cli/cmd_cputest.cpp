#include <cstdio>

#include "cli/commands.h"

namespace pxos::cli {
// Placeholder until the software engine lands: fails loudly.
int cmd_cputest(Args) {
  std::fprintf(stderr, "pxos cputest: the software engine is not built yet\n");
  return kExitUsage;
}
}  // namespace pxos::cli

#include <cstdio>

#include "cli/commands.h"

namespace pxos::cli {
// Placeholder until the PXI runtime lands: fails loudly.
int cmd_pxi(Args) {
  std::fprintf(stderr, "pxos pxi: the PXI runtime is not built yet\n");
  return kExitUsage;
}
}  // namespace pxos::cli

// pxos --version: the version (the CMake project's, with `git describe` as of
// configure time when built from a checkout), the engines of this build and
// whether each can run here, and the PXI backends compiled in.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "engine/kvm/kvm_vcpu.h"
#include "machine/machine.h"
#include "pxi/executor.h"

#ifndef PXOS_VERSION
#define PXOS_VERSION "unknown"
#endif

namespace pxos::cli {

namespace {
constexpr const char* kHelp = R"(usage: pxos --version   (or: pxos version)
Prints the version of pxos, the CPU engines of this build and whether each can
run on this host, and the PXI backends compiled in.
)";
}  // namespace

int cmd_version(Args args) {
  if (help_asked(args, kHelp)) return 0;
  if (!args.empty()) {
    std::fprintf(stderr, "pxos --version: unexpected argument '%s'\n", args[0]);
    return kExitUsage;
  }
  std::printf("pxos %s\n", PXOS_VERSION);
  std::string why;
  std::printf("engines:\n");
  if (kvm_available(&why))
    std::printf("  kvm   available\n");
  else
    std::printf("  kvm   not available (%s)\n", why.c_str());
  std::printf("  soft  %s\n", soft_engine_built() ? "built in" : "not built (configured with PXOS_SOFT_ENGINE=OFF)");
  std::printf("PXI backends:");
  for (const std::string& b : pxi::backend_names()) std::printf(" %s", b.c_str());
  std::printf("\n");
  return 0;
}

}  // namespace pxos::cli

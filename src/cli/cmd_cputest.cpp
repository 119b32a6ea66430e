// pxos cputest DIR [--verbose] [--only PREFIX]: the CPU conformance runner
// (see docs/CONFORMANCE.md). Exit 0 only when every `normal` opcode file passes
// at least 99.5 % of its vectors.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "engine/soft/harness.h"

namespace pxos::cli {

int cmd_cputest(Args args) {
  std::string dir, only;
  bool verbose = false;
  for (size_t k = 0; k < args.size(); ++k) {
    const char* a = args[k];
    if (!std::strcmp(a, "--verbose") || !std::strcmp(a, "-v")) {
      verbose = true;
    } else if (!std::strcmp(a, "--only") && k + 1 < args.size()) {
      only = args[++k];
    } else if (!std::strcmp(a, "--help") || !std::strcmp(a, "-h")) {
      std::printf("usage: pxos cputest DIR [--verbose] [--only PREFIX]\n");
      return 0;
    } else if (a[0] == '-' || !dir.empty()) {
      std::fprintf(stderr,
                   "pxos cputest: unexpected argument '%s'\nusage: pxos cputest DIR [--verbose] [--only PREFIX]\n", a);
      return kExitUsage;
    } else {
      dir = a;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: pxos cputest DIR [--verbose] [--only PREFIX]\n");
    return kExitUsage;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::fprintf(stderr, "pxos cputest: %s is not a directory; it should hold %s\n", dir.c_str(),
                 soft::kConformanceVectorsAbout);
    return kExitUsage;
  }
  soft::ConformanceReport rep = soft::run_conformance(dir, &std::cout, verbose, only);
  if (!rep.error.empty()) {  // no vector files (that start with `only`)
    if (only.empty()) {
      std::fprintf(stderr, "pxos cputest: %s; the folder should hold %s\n", rep.error.c_str(),
                   soft::kConformanceVectorsAbout);
    } else {
      std::fprintf(stderr, "pxos cputest: %s (--only %s)\n", rep.error.c_str(), only.c_str());
    }
    return kExitUsage;
  }
  return rep.threshold_met ? 0 : 1;
}

}  // namespace pxos::cli

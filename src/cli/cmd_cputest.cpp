// pxos cputest DIR [--verbose] [--only PREFIX]: the CPU conformance runner
// (see docs/CONFORMANCE.md). Exit 0 only when every `normal` opcode file passes
// at least 99.5 % of its vectors.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "conformance/harness.h"

namespace pxos::cli {

namespace {
constexpr const char* kHelp = R"(usage: pxos cputest DIR [--verbose] [--only PREFIX]
Runs the CPU conformance vectors in DIR (*.jsonl.gz files and their
metadata.json, e.g. SingleStepTests/80286) on the software engine's core; one
line per file, then "P passed, F failed" (docs/CONFORMANCE.md). Exit 0 only
when every `normal` opcode file passes at least 99.5 % of its vectors.
  --verbose, -v    the first failures of each file (up to 5), with what differed
  --only PREFIX    only the files whose names start with PREFIX (e.g. 0F)
  --help, -h       this text
)";
}  // namespace

int cmd_cputest(Args args) {
  if (help_asked(args, kHelp)) return 0;
  std::string dir, only;
  bool verbose = false;
  for (size_t k = 0; k < args.size(); ++k) {
    const char* a = args[k];
    if (!std::strcmp(a, "--verbose") || !std::strcmp(a, "-v")) {
      verbose = true;
    } else if (!std::strcmp(a, "--only") && k + 1 < args.size()) {
      only = args[++k];
    } else if (a[0] == '-' || !dir.empty()) {
      std::fprintf(stderr, "pxos cputest: unexpected argument '%s' (see pxos cputest --help)\n", a);
      return kExitUsage;
    } else {
      dir = a;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "pxos cputest: give the folder of vectors (see pxos cputest --help)\n");
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

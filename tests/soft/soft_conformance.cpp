// Runs the CPU conformance vectors in argv[1] through the soft engine's core.
// Fails (exit 1) when the folder is missing or any `normal` opcode file is below 99.5 %.
#include <cstdio>
#include <cstring>
#include <iostream>

#include "engine/soft/harness.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: soft_conformance DIR [--verbose]\n");
    return 2;
  }
  bool verbose = argc > 2 && !std::strcmp(argv[2], "--verbose");
  pxos::soft::ConformanceReport rep = pxos::soft::run_conformance(argv[1], &std::cout, verbose);
  if (!rep.error.empty()) {
    std::fprintf(stderr, "FAIL: %s (the 80286 vectors must be present at this path)\n", rep.error.c_str());
    return 1;
  }
  if (!rep.threshold_met) {
    std::fprintf(stderr, "FAIL: a `normal` opcode file is below the 99.5%% pass threshold\n");
    return 1;
  }
  return 0;
}

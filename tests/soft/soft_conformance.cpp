// Runs the CPU conformance vectors through the soft engine's core:
//   soft_conformance DEFAULT_DIR [--verbose]
// The folder is $PXOS_CPU_TESTS_286 when set, else DEFAULT_DIR (the copy the
// project keeps beside its repository). The vectors are not part of the
// repository: without them at DEFAULT_DIR the test is skipped (exit 77), saying
// where they come from; a PXOS_CPU_TESTS_286 that names no folder fails it.
// Fails (exit 1) when any `normal` opcode file is below 99.5 %.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "conformance/harness.h"

namespace {

constexpr int kSkipped = 77;  // ctest SKIP_RETURN_CODE

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: soft_conformance DEFAULT_DIR [--verbose]\n");
    return 2;
  }
  const char* env = std::getenv("PXOS_CPU_TESTS_286");
  const bool from_env = env && *env;
  const std::string dir = from_env ? env : argv[1];
  bool verbose = argc > 2 && !std::strcmp(argv[2], "--verbose");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (from_env) {
      std::fprintf(stderr, "FAIL: PXOS_CPU_TESTS_286=%s is not a directory; it should hold %s\n", dir.c_str(),
                   pxos::conformance::kConformanceVectorsAbout);
      return 1;
    }
    std::printf(
        "SKIPPED: no CPU test vectors at %s; set PXOS_CPU_TESTS_286 to their folder to run this test. "
        "It should hold %s\n",
        dir.c_str(), pxos::conformance::kConformanceVectorsAbout);
    return kSkipped;
  }
  pxos::conformance::ConformanceReport rep = pxos::conformance::run_conformance(dir, &std::cout, verbose);
  if (!rep.error.empty()) {
    std::fprintf(stderr, "FAIL: %s; the folder should hold %s\n", rep.error.c_str(),
                 pxos::conformance::kConformanceVectorsAbout);
    return 1;
  }
  if (!rep.threshold_met) {
    std::fprintf(stderr, "FAIL: a `normal` opcode file is below the 99.5%% pass threshold\n");
    return 1;
  }
  return 0;
}

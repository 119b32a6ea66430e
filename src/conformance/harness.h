// The CPU conformance runner: runs SingleStepTests-format vector files (gzip
// JSONL, see shared/cpu-tests/README.md) against the soft engine's core on a
// 16 MiB flat memory (one test: test_case.h), and reports per file against the
// pass threshold (docs/CONFORMANCE.md).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace pxos::conformance {

struct ConformanceFile {
  std::string file;
  std::string status;  // from metadata.json: normal, alias, undefined, ...
  uint64_t passed = 0, failed = 0;
  uint64_t deviations = 0;            // failures that are documented 386-vs-286 differences
  std::vector<std::string> failures;  // the first few, described
  uint64_t gated_total = 0, gated_passed = 0, gated_deviations = 0;  // tests whose status is `normal`
  bool gated() const { return gated_total > 0; }
  double gate_rate() const {
    uint64_t n = gated_total - gated_deviations;
    return n ? double(gated_passed) / double(n) : 1.0;
  }
  double rate() const { return passed + failed ? double(passed) / double(passed + failed) : 1.0; }
};

struct ConformanceReport {
  std::vector<ConformanceFile> files;
  uint64_t passed = 0, failed = 0;
  std::map<std::string, uint64_t> deviations;  // kind -> tests
  bool threshold_met = true;
  std::string error;  // non-empty: the directory could not be read (nothing was printed)
};

// What a vector folder holds and where it comes from, for the callers' messages:
// the vectors are not part of the repository.
inline constexpr const char* kConformanceVectorsAbout =
    "the 80286 real-mode vectors, XX.jsonl.gz files (one test per line) and metadata.json, converted from the "
    "SingleStepTests/80286 suite by Daniel Balsom (github.com/SingleStepTests/80286); they are not part of this "
    "repository, docs/CONFORMANCE.md says where they come from";

inline constexpr double kConformanceThreshold = 0.995;

// Runs every *.jsonl.gz file in dir (or only those whose name starts with
// `only`). With `out`, prints one line per file, failure details when verbose,
// and the final "P passed, F failed" line. A folder that is missing or holds no
// vector files prints nothing and sets `error`.
ConformanceReport run_conformance(const std::string& dir, std::ostream* out, bool verbose,
                                  const std::string& only = "");

}  // namespace pxos::conformance

// The names `pxos cputest` (src/cli/cmd_cputest.cpp) knows the runner by, from when it
// was part of the soft engine.
namespace pxos::soft {
using conformance::ConformanceReport;
using conformance::kConformanceVectorsAbout;
using conformance::run_conformance;
}  // namespace pxos::soft

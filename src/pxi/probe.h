// Which backends work here: each compiled backend is created and runs two small
// programs (one valid, one with an invalid op), and its output must equal the
// cpu reference's. Creation and the runs are bounded in time, so a missing or
// stuck driver is reported, not waited for. `pxos pxi backends` lists the
// result; the auto backend (auto_executor.h) chooses among the ones that work.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pxi/executor.h"

namespace pxi {

// Creates a backend by name; throws pxi::Error (or returns nullptr) when it cannot.
using ExecutorFactory = std::function<std::unique_ptr<Executor>(const std::string&)>;

inline constexpr double kProbeTimeoutSeconds = 15;

struct BackendProbe {
  std::string name;
  bool works = false;
  std::string note;                    // works: where it runs (Executor::device()); else why not
  std::unique_ptr<Executor> executor;  // the probed executor when it works (reuse it or drop it)
};

// The programs a probe runs: a valid one with line changes, and the same with
// invalid ops in it.
std::vector<Pixel> probe_program(bool with_error);

// Whether `ex` gives the reference's output and statistics on the probe programs;
// *why says how it differs.
bool probe_executor(Executor& ex, std::string* why);

// Creates `name` with `make` and checks it with probe_executor(), on a helper
// thread given timeout_s to finish; one that does not is reported as not
// answering and left to finish on its own.
BackendProbe probe_backend(const std::string& name, const ExecutorFactory& make = make_executor,
                           double timeout_s = kProbeTimeoutSeconds);

// Every name in `names` (default: every compiled backend, backend_names()), in order.
std::vector<BackendProbe> probe_backends(const std::vector<std::string>& names, const ExecutorFactory& make,
                                         double timeout_s = kProbeTimeoutSeconds);
std::vector<BackendProbe> probe_backends();

}  // namespace pxi

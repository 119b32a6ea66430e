// Which backends work here: each compiled backend is created and runs two small
// programs (one valid, one with invalid ops), and its output must equal the cpu
// reference's. Creation and the runs are bounded in time, so a missing or
// stuck driver is reported, not waited for. `pxos pxi backends` lists the
// result; the auto backend (auto_executor.h) chooses among the ones that work.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pxi/executor.h"

namespace pxos::pxi {

// Creates a backend by name; throws pxi::Error (or returns nullptr) when it cannot.
using ExecutorFactory = std::function<std::unique_ptr<Executor>(const std::string&)>;

inline constexpr double kProbeTimeoutSeconds = 15;

struct BackendProbe {
  std::string name;
  bool works = false;
  std::string note;                    // works: where it runs (Executor::device()); else why not
  std::unique_ptr<Executor> executor;  // with keep, the probed executor when it works
};

// The programs a probe runs: a valid one with line changes, and the same with
// invalid ops in it.
std::vector<Pixel> probe_program(bool with_error);

// Whether `ex` gives the reference's output and statistics on the probe programs;
// *why says how it differs.
bool probe_executor(Executor& ex, std::string* why);

// Creates `name` with `make` and checks it with probe_executor(), on a helper
// thread given timeout_s to finish; one that does not is reported as not
// answering and left to finish on its own. Without keep, the executor is
// destroyed on that thread before the probe returns, so probes never hold two
// backends at once (a cuda-persistent executor must be a process's only CUDA
// one: other CUDA executors' frees wait for its resident kernel).
BackendProbe probe_backend(const std::string& name, const ExecutorFactory& make = make_executor,
                           double timeout_s = kProbeTimeoutSeconds, bool keep = false);

// Every name in `names` (default: every compiled backend, backend_names()), in order.
std::vector<BackendProbe> probe_backends(const std::vector<std::string>& names, const ExecutorFactory& make,
                                         double timeout_s = kProbeTimeoutSeconds, bool keep = false);
std::vector<BackendProbe> probe_backends();

}  // namespace pxos::pxi

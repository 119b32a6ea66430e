// The "auto" backend: runs each batch on the backend with the lowest measured
// latency for batches of its size.
//
// Batch sizes fall into size classes, powers of 16: class 0 holds batches of 0
// and 1 op, class k batches of 16^(k-1)+1 .. 16^k ops (the last class ends at
// kMaxOps). The first batch of a class calibrates it: every candidate that
// works here (probe.h: created, and right on the probe programs; probed once,
// with a deadline) runs a synthetic batch of the class's largest size a few
// times, and the one with the lowest median time takes the class for the rest
// of the executor's life. So a CPU implementation of Vulkan (lavapipe, about
// 0.6 ms a submission) does not take small batches from the cpu backend (well
// under a microsecond), and a GPU takes the sizes where it measured faster.
// The choice may differ between machines and runs; the output does not (every
// backend gives the same bytes), and a named backend (--backend NAME) fixes it.
// The timing runs themselves have no deadline.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "pxi/executor.h"
#include "pxi/probe.h"

namespace pxos::pxi {

inline constexpr int kSizeClasses = 8;  // 1, 16, 256, 4 Ki, 64 Ki, 1 Mi, 16 Mi, 32 Mi (kMaxOps)
int size_class(size_t ops);             // ops <= kMaxOps
uint32_t class_ops(int size_class);     // the largest batch of the class: what calibration runs

// One backend's measured latency for a size class.
struct Timing {
  std::string backend;
  double us = -1;  // median of `runs` timed runs, in microseconds; < 0: not measured
  int runs = 0;
  std::string why_not;  // when not measured
};

// The index of the lowest measured latency; -1 when nothing was measured. Ties go
// to the earlier entry: a later one must be more than kTieMargin faster (noise;
// cpu and cpu-mt run the same code below 128 Ki ops). A pure function: the tests
// drive it with made-up timings.
inline constexpr double kTieMargin = 0.02;
int pick_fastest(std::span<const Timing> timings);

// Times `ex` on `work`: one warm-up run (it sizes buffers), then timed runs until
// max_runs or about budget_s have passed (at least min_runs). When the first
// timed run is over cutoff_us (the best latency so far, times 10), it stops
// there: the backend has lost.
Timing time_backend(Executor& ex, std::span<const Pixel> work, double cutoff_us, int min_runs = 3, int max_runs = 15,
                    double budget_s = 0.02);

// What auto chooses among: every compiled backend but cuda-persistent, which
// keeps a kernel resident on the GPU (a block polling host memory) for as long
// as it lives, and with which no other CUDA executor can share the process
// (their frees wait for all device work). Name it to use it.
std::vector<std::string> auto_candidates();

// How one size class was decided.
struct Decision {
  int size_class = 0;
  uint32_t measured_ops = 0;    // the calibration batch's size
  std::vector<Timing> timings;  // one per candidate, in candidate order
  std::string chosen;
  // "batches of 17..256 ops (timed at 256 ops): cpu 0.500 us, vulkan 4200 us (1 run, cut short) -> cpu"
  std::string describe() const;
};

class AutoExecutor final : public Executor {
 public:
  // candidates: backend names, in order of preference on ties (default:
  // auto_candidates()); make creates them. All that work stay alive together.
  AutoExecutor(std::vector<std::string> candidates, ExecutorFactory make,
               double probe_timeout_s = kProbeTimeoutSeconds);
  AutoExecutor();

  // The backend that ran the last batch; "auto" before the first.
  std::string name() const override;
  std::string device() const override;
  bool on_cpu() const override;
  std::span<Pixel> input(size_t n) override;
  ExecResult run(std::span<const Pixel> ops) override;

  // The backends probed (empty until the first batch) and the size classes decided so far.
  std::vector<BackendProbe> probes() const;  // without their executors
  std::vector<Decision> decisions() const;
  // The backend a batch of n ops runs on, calibrating its class first if needed.
  std::string backend_for(size_t n);

 private:
  Executor& choose(size_t n);
  void probe_all();
  void calibrate(int cls);

  std::vector<std::string> candidates_;
  ExecutorFactory make_;
  double probe_timeout_s_;
  bool probed_ = false;
  std::vector<BackendProbe> probes_;      // in candidate order; executors of the working ones
  std::array<int, kSizeClasses> chosen_;  // index into probes_, -1: not decided
  std::vector<Decision> decisions_;
  Executor* last_ = nullptr;
  mutable std::mutex mutex_;  // guards decisions_, probes_' notes and last_ for the readers above
};

}  // namespace pxos::pxi

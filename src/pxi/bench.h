// `pxos pxi bench`: latency and throughput of every backend over batch sizes,
// with a plain host-to-device copy and a plain kernel launch as baselines.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace pxos::pxi {

struct BenchOptions {
  std::vector<std::string> backends;  // empty: every compiled backend
  std::vector<uint32_t> sizes;        // empty: 1, 16, 256, ... 16 Mi
  double seconds_per_point = 0.25;    // time budget per (backend, size)
  int min_iters = 5, max_iters = 2000;
  std::string csv;       // write the table here
  std::string plot_dir;  // write latency.png and throughput.png here
};

struct BenchRow {
  std::string backend;  // or "baseline-h2d-copy", "baseline-kernel-launch"
  uint32_t ops = 0;
  int iters = 0;
  double p50_us = 0, p99_us = 0;
  double ops_per_s = 0;        // ops / p50
  double in_bytes_per_s = 0;   // 4 * ops / p50 (the program's pixels)
  double out_bytes_per_s = 0;  // device output bytes / p50
  double cpu_ns_per_op = 0;    // host process CPU time per op
};

std::vector<BenchRow> run_bench(const BenchOptions& o, std::FILE* log);
std::string bench_csv(const std::vector<BenchRow>& rows);

// CUDA baselines; return false (and say why) where CUDA is not built or no GPU.
bool cuda_baseline_h2d(size_t bytes, int iters, std::vector<double>* seconds, std::string* why);
bool cuda_baseline_launch(int iters, std::vector<double>* seconds, std::string* why);

}  // namespace pxos::pxi

#include "pxi/bench.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "pxi/corpus.h"
#include "pxi/executor.h"
#include "pxi/render.h"

namespace pxos::pxi {
namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5));
  return v[i];
}

BenchRow summarise(const std::string& name, uint32_t ops, const std::vector<double>& secs, double cpu,
                   uint64_t out_bytes) {
  BenchRow r;
  r.backend = name;
  r.ops = ops;
  r.iters = int(secs.size());
  const double p50 = percentile(secs, 0.5);
  r.p50_us = p50 * 1e6;
  r.p99_us = percentile(secs, 0.99) * 1e6;
  if (p50 > 0) {
    r.ops_per_s = ops / p50;
    r.in_bytes_per_s = 4.0 * ops / p50;
    r.out_bytes_per_s = double(out_bytes) / p50;
  }
  if (ops && !secs.empty()) r.cpu_ns_per_op = cpu * 1e9 / (double(ops) * secs.size());
  return r;
}

}  // namespace

#ifndef PXOS_HAVE_CUDA
bool cuda_baseline_h2d(size_t, int, std::vector<double>*, std::string* why) {
  *why = "cuda backend not built";
  return false;
}
bool cuda_baseline_launch(int, std::vector<double>*, std::string* why) {
  *why = "cuda backend not built";
  return false;
}
#endif

std::vector<BenchRow> run_bench(const BenchOptions& o, std::FILE* log) {
  std::vector<uint32_t> sizes = o.sizes;
  if (sizes.empty())
    for (uint32_t n = 1; n <= (16u << 20); n *= 16) sizes.push_back(n);
  const uint32_t max_n = *std::max_element(sizes.begin(), sizes.end());
  std::vector<std::string> backends = o.backends.empty() ? backend_names() : o.backends;
  const std::vector<Pixel> work = random_valid_ops(0x5eed, max_n);
  std::vector<BenchRow> rows;
  using clock = std::chrono::steady_clock;

  auto iterations_for = [&](double one) {
    int it = one > 0 ? int(o.seconds_per_point / one) : o.max_iters;
    return std::clamp(it, o.min_iters, o.max_iters);
  };

  for (const std::string& b : backends) {
    std::unique_ptr<Executor> ex;
    try {
      ex = make_executor(b);
    } catch (const Error& e) {
      std::fprintf(log, "bench: %s: %s\n", b.c_str(), e.what());
      continue;
    }
    for (uint32_t n : sizes) {
      std::span<Pixel> in = ex->input(n);
      std::copy(work.begin(), work.begin() + n, in.begin());
      auto t0 = clock::now();
      ExecResult warm = ex->run(in);  // warm-up, also sizes the buffers
      const double one = std::chrono::duration<double>(clock::now() - t0).count();
      const uint64_t out = warm.stats.bytes_out;
      const int iters = iterations_for(one);
      std::vector<double> secs;
      secs.reserve(iters);
      const double c0 = cpu_seconds();
      for (int i = 0; i < iters; ++i) {
        t0 = clock::now();
        ex->run(in);
        secs.push_back(std::chrono::duration<double>(clock::now() - t0).count());
      }
      const double cpu = cpu_seconds() - c0;
      // auto's rows keep its name; the log says which backend it chose for the size.
      rows.push_back(summarise(b == "auto" ? b : ex->name(), n, secs, cpu, out));
      const BenchRow& r = rows.back();
      std::fprintf(log, "%-16s %9u ops  p50 %10.2f us  p99 %10.2f us  %10.3g ops/s  %8.3g B/s out  %6.2f ns cpu/op%s\n",
                   r.backend.c_str(), n, r.p50_us, r.p99_us, r.ops_per_s, r.out_bytes_per_s, r.cpu_ns_per_op,
                   b == "auto" ? ("  (ran on " + ex->name() + ")").c_str() : "");
    }
  }
  // Baselines, in the same run.
  bool want_cuda = false;
  for (const auto& b : backends) want_cuda |= b.rfind("cuda", 0) == 0;
  if (want_cuda) {
    std::string why;
    for (uint32_t n : sizes) {
      std::vector<double> secs;
      const double c0 = cpu_seconds();
      if (!cuda_baseline_h2d(size_t(n) * 4, 20, &secs, &why)) break;
      const int iters = iterations_for(percentile(secs, 0.5));
      secs.clear();
      cuda_baseline_h2d(size_t(n) * 4, iters, &secs, &why);
      rows.push_back(summarise("baseline-h2d-copy", n, secs, cpu_seconds() - c0, 0));
      std::fprintf(log, "%-22s %9u ops (%zu B)  p50 %10.2f us  %8.3g B/s\n", "baseline-h2d-copy", n, size_t(n) * 4,
                   rows.back().p50_us, rows.back().in_bytes_per_s);
    }
    std::vector<double> secs;
    const double c0 = cpu_seconds();
    if (cuda_baseline_launch(2000, &secs, &why)) {
      rows.push_back(summarise("baseline-kernel-launch", 1, secs, cpu_seconds() - c0, 0));
      std::fprintf(log, "%-22s p50 %10.2f us  p99 %10.2f us\n", "baseline-kernel-launch", rows.back().p50_us,
                   rows.back().p99_us);
    } else {
      std::fprintf(log, "bench: baselines: %s\n", why.c_str());
    }
  }
  if (!o.csv.empty()) {
    const std::string s = bench_csv(rows);
    write_file(o.csv, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }
  if (!o.plot_dir.empty()) {
    std::vector<Series> lat, thr;
    for (const BenchRow& r : rows) {
      auto find = [&](std::vector<Series>& v) -> Series& {
        for (auto& s : v)
          if (s.name == r.backend) return s;
        v.push_back({r.backend, {}});
        return v.back();
      };
      if (r.backend == "baseline-kernel-launch") {
        // A launch costs the same at every batch size: draw it across.
        find(lat).points = {{double(sizes.front()), r.p50_us}, {double(max_n), r.p50_us}};
        continue;
      }
      find(lat).points.push_back({double(r.ops), r.p50_us});
      find(thr).points.push_back({double(r.ops), r.in_bytes_per_s / 1e6});
    }
    write_file(o.plot_dir + "/latency.png",
               plot_png("PXI LATENCY PER SUBMISSION (P50)", "BATCH SIZE (OPS)", "MICROSECONDS", lat));
    write_file(o.plot_dir + "/throughput.png",
               plot_png("PXI THROUGHPUT (PROGRAM PIXELS MOVED)", "BATCH SIZE (OPS)", "MB/S (4 BYTES PER OP)", thr));
  }
  return rows;
}

std::string bench_csv(const std::vector<BenchRow>& rows) {
  std::string s = "backend,ops,iters,p50_us,p99_us,ops_per_s,in_bytes_per_s,out_bytes_per_s,cpu_ns_per_op\n";
  char b[256];
  for (const BenchRow& r : rows) {
    std::snprintf(b, sizeof b, "%s,%u,%d,%.3f,%.3f,%.6g,%.6g,%.6g,%.4f\n", r.backend.c_str(), r.ops, r.iters, r.p50_us,
                  r.p99_us, r.ops_per_s, r.in_bytes_per_s, r.out_bytes_per_s, r.cpu_ns_per_op);
    s += b;
  }
  return s;
}

}  // namespace pxos::pxi

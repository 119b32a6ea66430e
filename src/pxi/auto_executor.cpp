#include "pxi/auto_executor.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

#include "pxi/corpus.h"

namespace pxos::pxi {
namespace {

std::string ops_text(uint64_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " Mi";
  if (n >= (1u << 10) && n % (1u << 10) == 0) return std::to_string(n >> 10) + " Ki";
  return std::to_string(n);
}

std::string us_text(double us) {
  char b[32];
  std::snprintf(b, sizeof b, us < 1 ? "%.3f us" : us < 10 ? "%.2f us" : us < 1000 ? "%.1f us" : "%.0f us", us);
  return b;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

}  // namespace

int size_class(size_t ops) {
  int k = 0;
  for (uint64_t top = 1; top < ops && k < kSizeClasses - 1; top *= 16) ++k;
  return k;
}

uint32_t class_ops(int size_class) {
  uint64_t n = 1;
  for (int k = 0; k < size_class; ++k) n *= 16;
  return uint32_t(std::min<uint64_t>(n, kMaxOps));
}

int pick_fastest(std::span<const Timing> timings) {
  int best = -1;
  for (size_t i = 0; i < timings.size(); ++i)
    if (timings[i].us >= 0 && (best < 0 || timings[i].us < timings[size_t(best)].us * (1 - kTieMargin))) best = int(i);
  return best;
}

Timing time_backend(Executor& ex, std::span<const Pixel> work, double cutoff_us, int min_runs, int max_runs,
                    double budget_s) {
  using clock = std::chrono::steady_clock;
  Timing t;
  t.backend = ex.name();
  ex.run(work);  // warm-up: buffers, lazily loaded kernels
  std::vector<double> us;
  const auto start = clock::now();
  while (int(us.size()) < max_runs) {
    const auto t0 = clock::now();
    ex.run(work);
    const auto t1 = clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    if (us.size() == 1 && us[0] > cutoff_us) break;  // far behind the best: lost
    if (int(us.size()) >= min_runs && std::chrono::duration<double>(t1 - start).count() > budget_s) break;
  }
  t.us = median(us);
  t.runs = int(us.size());
  return t;
}

std::string Decision::describe() const {
  std::string s = "batches of 0-1 op";
  if (size_class > 0) {
    const uint32_t below = class_ops(size_class - 1);
    s = "batches of " + (below < 1024 ? std::to_string(below + 1) : ops_text(below) + "+1") + ".." +
        ops_text(measured_ops) + " ops";
  }
  s += " (timed at " + ops_text(measured_ops) + (measured_ops == 1 ? " op):" : " ops):");
  for (size_t i = 0; i < timings.size(); ++i) {
    const Timing& t = timings[i];
    s += (i ? ", " : " ") + t.backend + " ";
    if (t.us < 0) {
      s += "(" + t.why_not + ")";
    } else {
      s += us_text(t.us);
      if (t.runs == 1) s += " (1 run, cut short)";
    }
  }
  return s + " -> " + chosen;
}

AutoExecutor::AutoExecutor(std::vector<std::string> candidates, ExecutorFactory make, double probe_timeout_s)
    : candidates_(std::move(candidates)), make_(std::move(make)), probe_timeout_s_(probe_timeout_s) {
  chosen_.fill(-1);
}

std::vector<std::string> auto_candidates() {
  std::vector<std::string> v = backend_names();
  std::erase(v, "cuda-persistent");
  return v;
}

AutoExecutor::AutoExecutor() : AutoExecutor(auto_candidates(), make_executor) {}

std::string AutoExecutor::name() const {
  std::lock_guard lock(mutex_);
  return last_ ? last_->name() : "auto";
}

std::string AutoExecutor::device() const {
  std::lock_guard lock(mutex_);
  return last_ ? last_->device() : "chosen per batch size by measured latency";
}

bool AutoExecutor::on_cpu() const {
  std::lock_guard lock(mutex_);
  return last_ ? last_->on_cpu() : true;
}

std::vector<BackendProbe> AutoExecutor::probes() const {
  std::lock_guard lock(mutex_);
  std::vector<BackendProbe> v;
  for (const BackendProbe& p : probes_) v.push_back(BackendProbe{p.name, p.works, p.note, nullptr});
  return v;
}

std::vector<Decision> AutoExecutor::decisions() const {
  std::lock_guard lock(mutex_);
  return decisions_;
}

void AutoExecutor::probe_all() {
  std::vector<BackendProbe> p = probe_backends(candidates_, make_, probe_timeout_s_, /*keep=*/true);
  std::lock_guard lock(mutex_);
  probes_ = std::move(p);
  probed_ = true;
}

void AutoExecutor::calibrate(int cls) {
  if (!probed_) probe_all();
  Decision d;
  d.size_class = cls;
  d.measured_ops = class_ops(cls);
  const std::vector<Pixel> work = random_valid_ops(0xca11b, d.measured_ops);
  double best = std::numeric_limits<double>::infinity();
  for (BackendProbe& p : probes_) {
    Timing t;
    t.backend = p.name;
    if (!p.works) {
      t.why_not = "not available";  // probes() has the reason
    } else {
      try {
        t = time_backend(*p.executor, work, best * 10);
        t.backend = p.name;
        best = std::min(best, t.us);
      } catch (const std::exception& e) {
        t.why_not = std::string("failed: ") + e.what();
      }
    }
    d.timings.push_back(std::move(t));
  }
  const int pick = pick_fastest(d.timings);
  if (pick < 0) throw Error(Errc::kUsage, "no PXI backend works here (" + d.describe() + ")");
  d.chosen = d.timings[size_t(pick)].backend;
  std::lock_guard lock(mutex_);
  chosen_[size_t(cls)] = pick;
  decisions_.push_back(std::move(d));
}

Executor& AutoExecutor::choose(size_t n) {
  if (n > kMaxOps) throw Error(Errc::kTooLarge, "batch larger than " + std::to_string(kMaxOps) + " ops");
  const int cls = size_class(n);
  if (chosen_[size_t(cls)] < 0) calibrate(cls);
  return *probes_[size_t(chosen_[size_t(cls)])].executor;
}

std::string AutoExecutor::backend_for(size_t n) { return choose(n).name(); }

std::span<Pixel> AutoExecutor::input(size_t n) { return choose(n).input(n); }

ExecResult AutoExecutor::run(std::span<const Pixel> ops) {
  if (ops.size() > kMaxOps) throw Error(Errc::kTooLarge, "batch larger than " + std::to_string(kMaxOps) + " ops");
  const int cls = size_class(ops.size());
  std::vector<Pixel> copy;
  if (chosen_[size_t(cls)] < 0) {
    // Calibration runs through the backends' own input buffers, where ops may lie.
    copy.assign(ops.begin(), ops.end());
    ops = copy;
  }
  Executor& ex = choose(ops.size());
  {
    std::lock_guard lock(mutex_);
    last_ = &ex;
  }
  return ex.run(ops);
}

}  // namespace pxos::pxi

#include "pxi/probe.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "pxi/corpus.h"

namespace pxos::pxi {
namespace {

// What a probe thread hands back; shared, so a thread that outlives its wait stays safe.
struct ProbeState {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  BackendProbe result;
};

// make_executor's "backend X is unavailable: " prefix, dropped from the note.
std::string plain_reason(const std::string& name, std::string what) {
  const std::string prefix = "backend " + name + " is unavailable: ";
  if (what.rfind(prefix, 0) == 0) what.erase(0, prefix.size());
  return what;
}

BackendProbe create_and_check(const std::string& name, const ExecutorFactory& make, bool keep) {
  BackendProbe r;
  r.name = name;
  try {
    std::unique_ptr<Executor> ex = make(name);
    std::string why;
    if (!ex) {
      r.note = "could not be created";
    } else if (!probe_executor(*ex, &why)) {
      r.note = "gave wrong results on the probe program: " + why;
    } else {
      r.works = true;
      r.note = ex->device();
      if (keep) r.executor = std::move(ex);
    }
  } catch (const std::exception& e) {
    r.note = plain_reason(name, e.what());
  } catch (...) {
    r.note = "failed with an unknown exception";
  }
  return r;
}

bool same(const ExecResult& got, const Stats& want_stats, const std::vector<uint8_t>& want_bytes,
          const std::vector<LineChange>& want_changes, std::string* why) {
  if (!(got.stats == want_stats)) {
    char b[160];
    std::snprintf(
        b, sizeof b, "statistics differ (%llu bytes, %llu line changes, first error %lld; want %llu, %llu, %lld)",
        static_cast<unsigned long long>(got.stats.bytes_out), static_cast<unsigned long long>(got.stats.line_changes),
        static_cast<long long>(got.stats.first_error_op), static_cast<unsigned long long>(want_stats.bytes_out),
        static_cast<unsigned long long>(want_stats.line_changes), static_cast<long long>(want_stats.first_error_op));
    *why = b;
    return false;
  }
  if (!std::equal(got.bytes.begin(), got.bytes.end(), want_bytes.begin(), want_bytes.end())) {
    *why = "the output bytes differ";
    return false;
  }
  if (!std::equal(got.changes.begin(), got.changes.end(), want_changes.begin(), want_changes.end())) {
    *why = "the line changes differ";
    return false;
  }
  return true;
}

}  // namespace

std::vector<Pixel> probe_program(bool with_error) {
  std::vector<Pixel> ops = random_valid_ops(0x9b0be, 300, 40);
  if (with_error) {
    ops[123] = invalid_op(0);
    ops[299] = invalid_op(1);
  }
  return ops;
}

bool probe_executor(Executor& ex, std::string* why) {
  for (const bool with_error : {false, true}) {
    const std::vector<Pixel> ops = probe_program(with_error);
    std::vector<uint8_t> bytes;
    std::vector<LineChange> changes;
    const Stats want = run_reference(ops, &bytes, &changes);
    // From any memory, and (the pixel device's way) from the executor's own input buffer.
    for (const bool via_input : {false, true}) {
      ExecResult got;
      if (via_input) {
        std::span<Pixel> in = ex.input(ops.size());
        std::copy(ops.begin(), ops.end(), in.begin());
        got = ex.run(in);
      } else {
        got = ex.run(ops);
      }
      if (!same(got, want, bytes, changes, why)) return false;
    }
  }
  return true;
}

BackendProbe probe_backend(const std::string& name, const ExecutorFactory& make, double timeout_s, bool keep) {
  auto state = std::make_shared<ProbeState>();
  try {
    std::thread([state, name, make, keep] {
      BackendProbe r = create_and_check(name, make, keep);  // without keep, destroyed in there
      {
        std::lock_guard lock(state->m);
        state->result = std::move(r);
        state->done = true;
      }
      state->cv.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    return BackendProbe{name, false, std::string("cannot start a probe thread: ") + e.what(), nullptr};
  }
  std::unique_lock lock(state->m);
  if (!state->cv.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return state->done; })) {
    char b[120];
    std::snprintf(b, sizeof b, "did not answer within %.3g s (creating it and running the probe program)", timeout_s);
    return BackendProbe{name, false, b, nullptr};
  }
  return std::move(state->result);
}

std::vector<BackendProbe> probe_backends(const std::vector<std::string>& names, const ExecutorFactory& make,
                                         double timeout_s, bool keep) {
  std::vector<BackendProbe> v;
  for (const std::string& n : names) v.push_back(probe_backend(n, make, timeout_s, keep));
  return v;
}

std::vector<BackendProbe> probe_backends() { return probe_backends(backend_names(), make_executor); }

}  // namespace pxos::pxi

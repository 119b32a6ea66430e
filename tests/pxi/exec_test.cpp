// Execution semantics and the shared corpus every backend must agree on.
//
// Backends under test: cpu-mt always; vulkan always (fails when it is not built
// or no Vulkan device is found: CI runs it on Mesa's lavapipe); cuda modes when
// PXI_TEST_CUDA=1 (bench/pxi_cuda_check.sh on a GPU machine), otherwise the
// cuda test reports itself skipped with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cli/commands.h"
#include "pxi/auto_executor.h"
#include "pxi/corpus.h"
#include "pxi/executor.h"
#include "pxi/probe.h"
#include "pxi/uart.h"

namespace pxos {
namespace {

using pxi::make_pixel;
using pxi::Pixel;

struct Reference {
  pxi::Stats stats;
  std::vector<uint8_t> bytes;
  std::vector<pxi::LineChange> changes;
};

Reference reference(const std::vector<Pixel>& ops) {
  Reference r;
  r.stats = pxi::run_reference(ops, &r.bytes, &r.changes);
  return r;
}

std::string describe(const pxi::Stats& s) {
  char b[300];
  std::snprintf(b, sizeof b,
                "ops %llu nop %llu write %llu setline %llu unknown %llu invalid %llu changes %llu bytes %llu "
                "first_err %lld code %u",
                (unsigned long long)s.ops, (unsigned long long)s.nops, (unsigned long long)s.writes,
                (unsigned long long)s.set_lines, (unsigned long long)s.unknown, (unsigned long long)s.invalid,
                (unsigned long long)s.line_changes, (unsigned long long)s.bytes_out, (long long)s.first_error_op,
                s.first_error_code);
  return b;
}

const std::vector<pxi::CorpusCase>& corpus() {
  static const auto c = pxi::make_corpus(20261125, std::getenv("PXI_TEST_NO_HUGE") == nullptr);
  return c;
}

void check_backend(const std::string& name) {
  std::unique_ptr<pxi::Executor> ex;
  try {
    ex = pxi::make_executor(name);
  } catch (const pxi::Error& e) {
    FAIL() << "backend " << name << " cannot run here: " << e.what();
  }
  for (const auto& c : corpus()) {
    const Reference want = reference(c.ops);
    // Both ways of handing over a program: from any memory, and from the executor's own input buffer.
    for (int via_input = 0; via_input < 2; ++via_input) {
      pxi::ExecResult got;
      if (via_input) {
        auto in = ex->input(c.ops.size());
        std::copy(c.ops.begin(), c.ops.end(), in.begin());
        got = ex->run(in);
      } else {
        got = ex->run(c.ops);
      }
      SCOPED_TRACE(name + " / " + c.name + (via_input ? " (input buffer)" : ""));
      ASSERT_EQ(got.stats, want.stats) << "got  " << describe(got.stats) << "\nwant " << describe(want.stats);
      ASSERT_EQ(got.bytes.size(), want.bytes.size());
      ASSERT_TRUE(std::equal(got.bytes.begin(), got.bytes.end(), want.bytes.begin())) << "bytes differ";
      ASSERT_EQ(got.changes.size(), want.changes.size());
      for (size_t i = 0; i < want.changes.size(); ++i)
        ASSERT_EQ(got.changes[i], want.changes[i]) << "line change " << i;
    }
  }
  // Repeated small runs after big ones (stale buffers must not leak through).
  for (int k = 0; k < 3; ++k) {
    const auto ops = pxi::random_valid_ops(77 + k, 1 + k * 10);
    const Reference want = reference(ops);
    const auto got = ex->run(ops);
    ASSERT_EQ(got.stats, want.stats);
    ASSERT_TRUE(std::equal(got.bytes.begin(), got.bytes.end(), want.bytes.begin()));
  }
}

TEST(PxiExec, ReferenceSemantics) {
  const std::vector<Pixel> ops = {
      0,                             // NOP
      make_pixel('a', 1, 3, 1),      // first line op: change to (1, 8N1), then 'a'
      make_pixel('b', 1, 3, 1),      // same line
      make_pixel(0, 1, 3, 2),        // SET-LINE to the same settings: nothing
      make_pixel(0, 12, 0x1B, 2),    // SET-LINE: change before byte 2
      0,                             //
      make_pixel('c', 12, 0x1B, 1),  // same
      make_pixel('d', 1, 3, 1),      // WRITE on other settings: change, then 'd'
  };
  Reference r = reference(ops);
  EXPECT_TRUE(r.stats.first_error_op == pxi::kNoOp);
  EXPECT_EQ(r.stats.ops, 8u);
  EXPECT_EQ(r.stats.nops, 2u);
  EXPECT_EQ(r.stats.writes, 4u);
  EXPECT_EQ(r.stats.set_lines, 2u);
  EXPECT_EQ(r.stats.bytes_out, 4u);
  EXPECT_EQ(r.stats.line_changes, 3u);
  EXPECT_EQ(std::string(r.bytes.begin(), r.bytes.end()), "abcd");
  ASSERT_EQ(r.changes.size(), 3u);
  EXPECT_EQ(r.changes[0], (pxi::LineChange{0, 1, 3, 0}));
  EXPECT_EQ(r.changes[1], (pxi::LineChange{2, 12, 0x1B, 0}));
  EXPECT_EQ(r.changes[2], (pxi::LineChange{3, 1, 3, 0}));
  pxi::ExecResult er{r.stats, r.bytes, r.changes};
  const auto ev = pxi::events(er);
  ASSERT_EQ(ev.size(), 7u);
  EXPECT_EQ(ev[0].kind, pxi::Event::kLine);
  EXPECT_EQ(ev[1].kind, pxi::Event::kByte);
  EXPECT_EQ(ev[1].a, 'a');
  EXPECT_EQ(ev[3].kind, pxi::Event::kLine);
  EXPECT_EQ(ev[3].a, 12);
  EXPECT_EQ(ev[5].kind, pxi::Event::kLine);
  EXPECT_EQ(ev[6].a, 'd');
}

TEST(PxiExec, TrailingSetLineStillChangesTheLine) {
  const Reference r = reference({make_pixel('x', 1, 3, 1), make_pixel(0, 2, 3, 2)});
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[1], (pxi::LineChange{1, 2, 3, 0}));  // at the end of the byte stream
}

TEST(PxiExec, RejectedProgramCountsEverything) {
  std::vector<Pixel> ops = pxi::random_valid_ops(3, 1000);
  ops[10] = pxi::invalid_op(0);
  ops[500] = pxi::invalid_op(1);
  const Reference r = reference(ops);
  EXPECT_EQ(r.stats.first_error_op, 10u);
  EXPECT_EQ(r.stats.first_error_code, unsigned(pxi::Errc::kUnknownOp));
  EXPECT_EQ(r.stats.invalid, 2u);
  EXPECT_EQ(r.stats.ops, 1000u);
  EXPECT_EQ(r.stats.bytes_out, 0u);
  EXPECT_EQ(r.stats.line_changes, 0u);
  EXPECT_TRUE(r.bytes.empty());
}

TEST(PxiAgreement, CpuReferenceBackend) { check_backend("cpu"); }
TEST(PxiAgreement, CpuMultiThreaded) { check_backend("cpu-mt"); }

TEST(PxiAgreement, Vulkan) {
  if (!pxi::vulkan_compiled())
    FAIL() << "the vulkan backend was not built (install libvulkan-dev and glslang-tools, then reconfigure); "
              "CI must run this test on Mesa's lavapipe (mesa-vulkan-drivers)";
  check_backend("vulkan");
}

// Both memory strategies of the vulkan backend, whatever the device prefers.
TEST(PxiAgreement, VulkanForcedStagingAndHostVisible) {
  if (!pxi::vulkan_compiled()) FAIL() << "the vulkan backend was not built (see PxiAgreement.Vulkan)";
  for (const char* v : {"1", "0"}) {
    setenv("PXI_VULKAN_STAGING", v, 1);
    SCOPED_TRACE(std::string("PXI_VULKAN_STAGING=") + v);
    check_backend("vulkan");
  }
  unsetenv("PXI_VULKAN_STAGING");
}

TEST(PxiAgreement, Cuda) {
  const char* want = std::getenv("PXI_TEST_CUDA");
  if (!want || std::strcmp(want, "1") != 0)
    GTEST_SKIP() << "cuda agreement not requested: it needs an NVIDIA GPU; run bench/pxi_cuda_check.sh on the GPU "
                    "machine (sets PXI_TEST_CUDA=1)";
  if (!pxi::cuda_compiled()) FAIL() << "PXI_TEST_CUDA=1 but the cuda backend was not built (no nvcc at configure)";
  check_backend("cuda-copy");
  check_backend("cuda-zerocopy");
  check_backend("cuda-persistent");
}

TEST(PxiCliBackends, RunOnEachBuiltBackend) {
  const std::string f = ::testing::TempDir() + "pxi_backends_hello.pxr",
                    out = ::testing::TempDir() + "pxi_backends.out";
  auto cmd = [](std::vector<std::string> a) {
    std::vector<char*> argv;
    for (auto& s : a) argv.push_back(s.data());
    return pxos::cli::cmd_pxi(std::span<char* const>(argv.data(), argv.size()));
  };
  ASSERT_EQ(cmd({"build", "--text", "Hello, backends\n", "-o", f}), 0);
  std::vector<std::string> backends = {"auto"};
  if (pxi::vulkan_compiled()) backends.push_back("vulkan");
  for (const auto& b : backends) {
    ASSERT_EQ(cmd({"run", f, "--backend", b, "-o", out, "--json"}), 0) << b;
    const auto got = pxi::read_file(out);
    EXPECT_EQ(std::string(got.begin(), got.end()), "Hello, backends\n") << b;
  }
  if (!pxi::cuda_compiled()) {
    EXPECT_EQ(cmd({"run", f, "--backend", "cuda"}), pxos::cli::kExitUsage);
  }
}

// Programs the probe does not run: across tiles, and with errors.
void check_agrees(pxi::Executor& ex) {
  for (const size_t n : {size_t(1), size_t(4097), size_t(70000)}) {
    for (const bool with_error : {false, true}) {
      std::vector<Pixel> ops = pxi::random_valid_ops(n, n);
      if (with_error) ops[n / 2] = pxi::invalid_op(n);
      const Reference want = reference(ops);
      const pxi::ExecResult got = ex.run(ops);
      SCOPED_TRACE(ex.name() + ": " + std::to_string(n) + " ops" + (with_error ? " with an error" : ""));
      ASSERT_EQ(got.stats, want.stats) << "got  " << describe(got.stats) << "\nwant " << describe(want.stats);
      ASSERT_TRUE(std::equal(got.bytes.begin(), got.bytes.end(), want.bytes.begin(), want.bytes.end()));
      ASSERT_TRUE(std::equal(got.changes.begin(), got.changes.end(), want.changes.begin(), want.changes.end()));
    }
  }
}

std::string capture_stdout(std::vector<std::string> a, int* status) {
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  ::testing::internal::CaptureStdout();
  *status = pxos::cli::cmd_pxi(std::span<char* const>(argv.data(), argv.size()));
  return ::testing::internal::GetCapturedStdout();
}

// The names at the start of the unindented lines of `pxi backends` output.
std::vector<std::string> listed(const std::string& out) {
  std::vector<std::string> v;
  size_t p = 0;
  while (p < out.size()) {
    const size_t eol = std::min(out.find('\n', p), out.size());
    const std::string line = out.substr(p, eol - p);
    if (!line.empty() && line[0] != ' ' && line.back() != ':') v.push_back(line.substr(0, line.find(' ')));
    p = eol + 1;
  }
  return v;
}

TEST(PxiBackendsHere, ListedBackendsRunLikeTheReference) {
  const std::vector<pxi::BackendProbe> probes = pxi::probe_backends();
  std::vector<std::string> working;
  for (const pxi::BackendProbe& p : probes) {
    if (!p.works) continue;
    working.push_back(p.name);
    std::unique_ptr<pxi::Executor> ex = pxi::make_executor(p.name);  // one at a time (cuda-persistent)
    check_agrees(*ex);
  }
  ASSERT_GE(working.size(), 2u);
  EXPECT_EQ(working[0], "cpu");
  EXPECT_EQ(working[1], "cpu-mt");
  // The command lists exactly these, and --all the rest under a heading.
  int status = -1;
  EXPECT_EQ(listed(capture_stdout({"backends"}, &status)), working);
  EXPECT_EQ(status, 0);
  const std::string all = capture_stdout({"backends", "--all"}, &status);
  EXPECT_EQ(listed(all), working);
  for (const pxi::BackendProbe& p : probes) {
    if (p.works) continue;
    EXPECT_NE(all.find("  " + p.name + " "), std::string::npos) << p.name << " missing from --all";
  }
}

// CI has no NVIDIA driver: the cuda backends are built but must not be listed.
TEST(PxiBackendsHere, CudaIsListedOnlyWhereItRuns) {
  std::string why;
  const bool runs = pxi::make_cuda_executor(pxi::CudaMode::kCopy, &why) != nullptr;
  int status = -1;
  const std::vector<std::string> names = listed(capture_stdout({"backends"}, &status));
  const bool listed_cuda = std::find(names.begin(), names.end(), "cuda-copy") != names.end();
  EXPECT_EQ(listed_cuda, runs) << why;
}

// Whatever this machine has: auto's output equals the reference, and each size
// class went to the backend with the lowest latency it measured.
TEST(PxiAutoHere, TakesTheFastestMeasuredBackendPerSize) {
  pxi::AutoExecutor a;
  check_agrees(a);
  const std::vector<pxi::Decision> d = a.decisions();
  ASSERT_EQ(d.size(), 3u);  // 1, 4097 and 70000 ops: three size classes
  for (const pxi::Decision& x : d) {
    const int i = pxi::pick_fastest(x.timings);
    ASSERT_GE(i, 0) << x.describe();
    EXPECT_EQ(x.chosen, x.timings[size_t(i)].backend) << x.describe();
  }
}

// The issue this closes: auto chose Vulkan on lavapipe (milliseconds) for a batch
// the cpu backend runs in a fraction of a microsecond.
TEST(PxiAutoHere, OneOpBatchStaysOnTheCpuWhenVulkanIsACpuImplementation) {
  const pxi::BackendProbe v = pxi::probe_backend("vulkan", pxi::make_executor, pxi::kProbeTimeoutSeconds, true);
  if (!v.works) GTEST_SKIP() << "vulkan does not work here (" << v.note << "): nothing for auto to avoid";
  if (!v.executor->on_cpu())
    GTEST_SKIP() << "vulkan runs on a GPU here (" << v.note << "), not on a CPU implementation such as lavapipe";
  pxi::AutoExecutor a;
  const std::string chosen = a.backend_for(1);
  const std::string why = a.decisions().at(0).describe();
  EXPECT_NE(chosen, "vulkan") << why;
  std::string no_cuda;
  if (!pxi::make_cuda_executor(pxi::CudaMode::kCopy, &no_cuda)) {
    EXPECT_TRUE(chosen == "cpu" || chosen == "cpu-mt") << why;
  }
}

}  // namespace
}  // namespace pxos

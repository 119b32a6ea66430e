// Backend probing and the auto backend's choice, with fake backends: a factory
// that fails, one that hangs, one that gives wrong output, and the selection as
// a pure function of made-up timings. No timed assertions.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "pxi/auto_executor.h"
#include "pxi/probe.h"

namespace pxos {
namespace {

using pxi::Timing;

// A backend that runs the reference but can corrupt its output.
class FakeExecutor final : public pxi::Executor {
 public:
  FakeExecutor(std::string name, bool corrupt) : name_(std::move(name)), corrupt_(corrupt) {}
  std::string name() const override { return name_; }
  std::string device() const override { return "fake device " + name_; }
  std::span<pxi::Pixel> input(size_t n) override {
    in_.resize(n);
    return in_;
  }
  pxi::ExecResult run(std::span<const pxi::Pixel> ops) override {
    bytes_.clear();
    changes_.clear();
    pxi::ExecResult r;
    r.stats = pxi::run_reference(ops, &bytes_, &changes_);
    if (corrupt_ && !bytes_.empty()) bytes_[bytes_.size() / 2] ^= 1;
    r.bytes = bytes_;
    r.changes = changes_;
    ++runs;
    return r;
  }
  int runs = 0;

 private:
  std::string name_;
  bool corrupt_;
  std::vector<pxi::Pixel> in_;
  std::vector<uint8_t> bytes_;
  std::vector<pxi::LineChange> changes_;
};

std::atomic<bool> release_hang{false};

// "good*": works; "wrong": corrupts its output; "missing": throws like an absent
// driver; "null": returns nothing; "hang": is not created until release_hang.
std::unique_ptr<pxi::Executor> fake_factory(const std::string& name) {
  if (name == "missing") throw pxi::Error(pxi::Errc::kUsage, "backend missing is unavailable: no such driver");
  if (name == "null") return nullptr;
  while (name == "hang" && !release_hang) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return std::make_unique<FakeExecutor>(name, name == "wrong");
}

TEST(PxiProbe, OnlyBackendsThatRunRightAreListedAsWorking) {
  const auto probes = pxi::probe_backends({"good", "missing", "null", "wrong", "good2"}, fake_factory, 10, true);
  ASSERT_EQ(probes.size(), 5u);
  EXPECT_TRUE(probes[0].works);
  EXPECT_EQ(probes[0].note, "fake device good");
  ASSERT_NE(probes[0].executor, nullptr);
  EXPECT_FALSE(probes[1].works);
  EXPECT_EQ(probes[1].note, "no such driver");  // make_executor's prefix dropped
  EXPECT_EQ(probes[1].executor, nullptr);
  EXPECT_FALSE(probes[2].works);
  EXPECT_FALSE(probes[3].works);
  EXPECT_NE(probes[3].note.find("wrong results"), std::string::npos) << probes[3].note;
  EXPECT_EQ(probes[3].executor, nullptr);
  EXPECT_TRUE(probes[4].works);
  // Without keep, nothing stays alive.
  const auto listed = pxi::probe_backends({"good", "wrong"}, fake_factory, 10);
  EXPECT_TRUE(listed[0].works);
  EXPECT_EQ(listed[0].executor, nullptr);
  EXPECT_FALSE(listed[1].works);
}

TEST(PxiProbe, AStuckBackendIsReportedNotWaitedFor) {
  const pxi::BackendProbe p = pxi::probe_backend("hang", fake_factory, 0.05);  // returns while it hangs
  release_hang = true;
  EXPECT_FALSE(p.works);
  EXPECT_EQ(p.executor, nullptr);
  EXPECT_NE(p.note.find("did not answer"), std::string::npos) << p.note;
}

TEST(PxiProbe, TheProbeProgramsHaveOutputAndAnError) {
  std::vector<uint8_t> b;
  std::vector<pxi::LineChange> c;
  const pxi::Stats valid = pxi::run_reference(pxi::probe_program(false), &b, &c);
  EXPECT_EQ(valid.first_error_op, pxi::kNoOp);
  EXPECT_GT(valid.bytes_out, 0u);
  EXPECT_GT(valid.line_changes, 1u);
  const pxi::Stats bad = pxi::run_reference(pxi::probe_program(true), &b, &c);
  EXPECT_EQ(bad.first_error_op, 123u);
}

TEST(PxiAuto, SizeClassesArePowersOf16) {
  EXPECT_EQ(pxi::size_class(0), 0);
  EXPECT_EQ(pxi::size_class(1), 0);
  EXPECT_EQ(pxi::size_class(2), 1);
  EXPECT_EQ(pxi::size_class(16), 1);
  EXPECT_EQ(pxi::size_class(17), 2);
  EXPECT_EQ(pxi::size_class(4096), 3);
  EXPECT_EQ(pxi::size_class(4097), 4);
  EXPECT_EQ(pxi::size_class(16u << 20), 6);
  EXPECT_EQ(pxi::size_class((16u << 20) + 1), 7);
  EXPECT_EQ(pxi::size_class(pxi::kMaxOps), 7);
  EXPECT_EQ(pxi::class_ops(0), 1u);
  EXPECT_EQ(pxi::class_ops(3), 4096u);
  EXPECT_EQ(pxi::class_ops(7), pxi::kMaxOps);
  for (int k = 0; k < pxi::kSizeClasses; ++k) EXPECT_EQ(pxi::size_class(pxi::class_ops(k)), k);
}

TEST(PxiAuto, LeavesThePersistentKernelOut) {
  const auto c = pxi::auto_candidates();
  EXPECT_EQ(std::count(c.begin(), c.end(), "cuda-persistent"), 0);
  EXPECT_EQ(c.front(), "cpu");
  EXPECT_EQ(c.size(), pxi::backend_names().size() - (pxi::cuda_compiled() ? 1 : 0));
}

TEST(PxiAuto, PicksTheLowestMeasuredLatency) {
  const Timing cpu{"cpu", 0.1, 15, ""}, lavapipe{"vulkan", 4200, 1, ""}, gpu{"cuda-copy", 11, 15, ""};
  const Timing absent{"cuda-persistent", -1, 0, "no CUDA device"};
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{cpu, lavapipe, absent}), 0);
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{lavapipe, cpu}), 1);
  // A large batch where the GPU is faster.
  const Timing cpu_big{"cpu", 35000, 3, ""}, gpu_big{"cuda-copy", 1800, 15, ""};
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{cpu_big, lavapipe, gpu_big}), 2);
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{absent, gpu}), 1);
  // Ties, and differences within the noise margin, go to the earlier backend; nothing measured: none.
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{{"cpu", 5, 3, ""}, {"cpu-mt", 5, 3, ""}}), 0);
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{{"cpu", 0.100, 3, ""}, {"cpu-mt", 0.099, 3, ""}}), 0);
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{{"cpu", 0.100, 3, ""}, {"cpu-mt", 0.090, 3, ""}}), 1);
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{absent}), -1);
  EXPECT_EQ(pxi::pick_fastest(std::vector<Timing>{}), -1);
}

TEST(PxiAuto, DecisionSaysWhatWasMeasured) {
  pxi::Decision d;
  d.size_class = 2;
  d.measured_ops = 256;
  d.timings = {{"cpu", 0.5, 15, ""}, {"vulkan", 4200, 1, ""}, {"cuda-copy", -1, 0, "not available"}};
  d.chosen = "cpu";
  EXPECT_EQ(d.describe(),
            "batches of 17..256 ops (timed at 256 ops): cpu 0.500 us, vulkan 4200 us (1 run, cut short), cuda-copy "
            "(not available) -> cpu");
  d.size_class = 7;
  d.measured_ops = pxi::kMaxOps;
  d.timings = {{"cpu", 35000, 3, ""}};
  EXPECT_EQ(d.describe(), "batches of 16 Mi+1..32 Mi ops (timed at 32 Mi ops): cpu 35000 us -> cpu");
}

TEST(PxiAuto, RunsOnlyOnBackendsThatWorkAndGivesTheReferenceOutput) {
  pxi::AutoExecutor a({"missing", "wrong", "good"}, fake_factory, 10);
  EXPECT_EQ(a.name(), "auto");
  const std::vector<pxi::Pixel> ops = pxi::probe_program(false);
  std::vector<uint8_t> bytes;
  std::vector<pxi::LineChange> changes;
  const pxi::Stats want = pxi::run_reference(ops, &bytes, &changes);
  const pxi::ExecResult got = a.run(ops);
  EXPECT_EQ(got.stats, want);
  EXPECT_TRUE(std::equal(got.bytes.begin(), got.bytes.end(), bytes.begin(), bytes.end()));
  EXPECT_EQ(a.name(), "good");
  const auto probes = a.probes();
  ASSERT_EQ(probes.size(), 3u);
  EXPECT_FALSE(probes[0].works);
  EXPECT_FALSE(probes[1].works);
  EXPECT_TRUE(probes[2].works);
  const auto d = a.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].size_class, pxi::size_class(ops.size()));
  EXPECT_EQ(d[0].chosen, "good");
  ASSERT_EQ(d[0].timings.size(), 3u);
  EXPECT_LT(d[0].timings[0].us, 0);
  EXPECT_LT(d[0].timings[1].us, 0);
  EXPECT_GE(d[0].timings[2].us, 0);
  EXPECT_GE(d[0].timings[2].runs, 1);
  // The same size class again: no new measurement.
  a.run(ops);
  EXPECT_EQ(a.decisions().size(), 1u);
  // Another size class: measured once more.
  a.run(std::vector<pxi::Pixel>(1, pxi::make_pixel('x', 1, 3, 1)));
  EXPECT_EQ(a.decisions().size(), 2u);
}

TEST(PxiAuto, InputBufferOfTheChosenBackend) {
  pxi::AutoExecutor a({"good"}, fake_factory, 10);
  const std::vector<pxi::Pixel> ops = pxi::probe_program(false);
  std::span<pxi::Pixel> in = a.input(ops.size());  // calibrates first, then hands out the buffer
  std::copy(ops.begin(), ops.end(), in.begin());
  std::vector<uint8_t> bytes;
  std::vector<pxi::LineChange> changes;
  EXPECT_EQ(a.run(in).stats, pxi::run_reference(ops, &bytes, &changes));
}

TEST(PxiAuto, NoWorkingBackendIsAnError) {
  pxi::AutoExecutor a({"missing", "null"}, fake_factory, 10);
  EXPECT_THROW(a.run(pxi::probe_program(false)), pxi::Error);
}

TEST(PxiAuto, TimingStopsAtTheCutoff) {
  FakeExecutor ex("good", false);
  const std::vector<pxi::Pixel> ops = pxi::probe_program(false);
  const Timing t = pxi::time_backend(ex, ops, -1);  // any run is over a negative cutoff
  EXPECT_EQ(t.runs, 1);
  EXPECT_EQ(ex.runs, 2);  // the warm-up and one timed run
  FakeExecutor ex2("good", false);
  const Timing t2 = pxi::time_backend(ex2, ops, 1e12, 3, 5, 100);
  EXPECT_EQ(t2.runs, 5);
  EXPECT_GE(t2.us, 0);
}

}  // namespace
}  // namespace pxos

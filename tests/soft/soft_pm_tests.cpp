// Protected-mode tests of the software engine's core: small nasm guests
// (tests/soft/pm/*.asm, framework pm.inc) that check segment loads, rings,
// gates, task switches and the exception classes themselves and report a
// verdict on port F4h (0: every check passed; else the number of the failing check).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/soft/exec.h"
#include "rig.h"

namespace pxos::soft {
namespace {

constexpr uint32_t kRam = 2u << 20;
constexpr uint32_t kLoad = 0x8000;

struct Outcome {
  RunStop stop = RunStop::Error;
  int verdict = -1;  // the value written to port F4h, -1: none
  std::string error;
  std::string regs;  // at a failing verdict
};

// Runs guest `name` until it writes its verdict, stops, or 2 million instructions pass.
Outcome run_guest(const std::string& name) {
  Outcome out;
  std::string path = std::string(PXOS_PM_GUEST_DIR) + "/" + name + ".bin";
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    out.error = "cannot open " + path;
    return out;
  }
  std::vector<uint8_t> image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (image.size() > kRam - kLoad) {
    out.error = "guest too large";
    return out;
  }
  testing::CoreRig rig(kRam);
  rig.load(kLoad, image);
  Core& core = rig.core;
  core.cpu.eip = kLoad;
  RunControl ctl;
  ctl.quantum = 1 << 16;
  for (int rounds = 0; rounds < 32; ++rounds) {
    RunStop s = core.run(ctl);
    out.stop = s;
    if (s == RunStop::Io) {
      core.complete_in();
      // Port E0h: the guest asks for external interrupt 40h now.
      if (core.cpu.io_write && core.cpu.io_port == 0xE0) ctl.pending_vector = 0x40;
      if (core.cpu.io_write && core.cpu.io_port == 0xF4) {
        out.verdict = core.cpu.io_buf[0];
        if (out.verdict != 0) {
          const Cpu& c = core.cpu;
          char buf[200];
          std::snprintf(buf, sizeof buf, "eax=%08x ebx=%08x ecx=%08x edx=%08x esp=%08x eip=%08x cs=%04x cpl=%u",
                        c.r[EAX], c.r[EBX], c.r[ECX], c.r[EDX], c.r[ESP], c.eip, c.seg[CS].sel, c.cpl);
          out.regs = buf;
        }
        return out;
      }
      --rounds;
      continue;
    }
    if (s == RunStop::Kicked) continue;
    if (s == RunStop::Error) out.error = core.cpu.error;
    return out;
  }
  out.error = "no verdict after the instruction budget";
  return out;
}

void expect_pass(const std::string& name) {
  Outcome o = run_guest(name);
  EXPECT_EQ(o.error, "");
  EXPECT_EQ(o.stop, RunStop::Io) << "the guest stopped without a verdict";
  EXPECT_EQ(o.verdict, 0) << name << ": check " << o.verdict << " failed; " << o.regs;
}

TEST(SoftPm, SegmentLoadsAndExceptionClasses) { expect_pass("pm_segload"); }
TEST(SoftPm, Ring3GatesAndPrivilegedInstructions) { expect_pass("pm_ring3"); }
TEST(SoftPm, CallGatesTasksAndDoubleFaultTask) { expect_pass("pm_gates"); }
TEST(SoftPm, ResumeFlagInPushedImages) { expect_pass("pm_rf"); }

TEST(SoftPm, TripleFaultShutsDown) {
  Outcome o = run_guest("pm_triple");
  EXPECT_EQ(o.stop, RunStop::Shutdown);
  EXPECT_EQ(o.verdict, -1) << "the guest went on after the triple fault";
}

}  // namespace
}  // namespace pxos::soft

// Protected-mode tests of the software engine's core: small nasm guests on the
// framework of guests/pm.inc (tests/soft/pm/*.asm, and guests/pm_gates) that check
// segment loads, rings, gates, task switches and the exception classes themselves.
// Each runs on a bare CoreRig, no BIOS: the image at 0000:7C00, started in real mode
// at its stage2 (0000:7E00). It prints a line per check on port E9h and writes the
// number of failed checks to port F4h. An OUT to port E0h asks for external
// interrupt 40h.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/soft/exec.h"
#include "rig.h"

namespace pxos::soft {
namespace {

constexpr uint32_t kRam = 2u << 20;
constexpr uint32_t kLoad = 0x7C00, kStage2 = 0x7E00;  // pm.inc: PM_BOOT, PM_STAGE2

struct Outcome {
  RunStop stop = RunStop::Error;
  int verdict = -1;  // the value written to port F4h (failed checks), -1: none
  std::string error;
  std::string log;  // what the guest printed on port E9h
};

// Runs guest `dir`/`name`.bin until it writes its verdict, stops, or 2 million
// instructions pass.
Outcome run_guest(const std::string& dir, const std::string& name) {
  Outcome out;
  std::string path = dir + "/" + name + ".bin";
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
  core.cpu.eip = kStage2;
  RunControl ctl;
  ctl.quantum = 1 << 16;
  for (int rounds = 0; rounds < 32; ++rounds) {
    RunStop s = core.run(ctl);
    out.stop = s;
    if (s == RunStop::Io) {
      core.complete_in();
      const Cpu& c = core.cpu;
      if (c.io_write && c.io_port == 0xE9) out.log += char(c.io_buf[0]);
      // Port E0h: the guest asks for external interrupt 40h now.
      if (c.io_write && c.io_port == 0xE0) ctl.pending_vector = 0x40;
      if (c.io_write && c.io_port == 0xF4) {
        out.verdict = c.io_buf[0];
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

void expect_pass(const std::string& dir, const std::string& name) {
  Outcome o = run_guest(dir, name);
  EXPECT_EQ(o.error, "");
  EXPECT_EQ(o.stop, RunStop::Io) << "the guest stopped without a verdict";
  EXPECT_EQ(o.verdict, 0) << name << ": " << o.verdict << " checks failed:\n" << o.log;
  EXPECT_NE(o.log.find("ok   "), std::string::npos) << name << " checked nothing:\n" << o.log;
}

TEST(SoftPm, SegmentLoadsAndExceptionClasses) { expect_pass(PXOS_PM_GUEST_DIR, "pm_segload"); }
TEST(SoftPm, Ring3GatesAndPrivilegedInstructions) { expect_pass(PXOS_PM_GUEST_DIR, "pm_ring3"); }
TEST(SoftPm, CallGatesTasksAndDoubleFaultTask) { expect_pass(PXOS_GUEST_DIR, "pm_gates"); }
TEST(SoftPm, ResumeFlagInPushedImages) { expect_pass(PXOS_PM_GUEST_DIR, "pm_rf"); }

TEST(SoftPm, TripleFaultShutsDown) {
  Outcome o = run_guest(PXOS_PM_GUEST_DIR, "pm_triple");
  EXPECT_EQ(o.stop, RunStop::Shutdown);
  EXPECT_EQ(o.verdict, -1) << "the guest went on after the triple fault:\n" << o.log;
}

}  // namespace
}  // namespace pxos::soft

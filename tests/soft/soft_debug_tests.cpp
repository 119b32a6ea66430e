// The software engine's debugging (Vcpu::set_debug, for the GDB stub): execution
// points checked before the instruction, passed once after a stop there;
// single steps; watchpoints reported after the access (and never for an
// instruction fetch); points honoured in code already decoded and translated.
#include <gtest/gtest.h>

#include "rig.h"

namespace pxos {
namespace {

using testing::VcpuRig;

// 1000h: mov ax, 1234h; mov [2000h], ax; inc ax; mov ax, [2000h]; hlt
const std::vector<uint8_t> kCode = {0xB8, 0x34, 0x12, 0xA3, 0x00, 0x20, 0x40, 0xA1, 0x00, 0x20, 0xF4};

DebugSetup points(std::vector<Breakpoint> p, bool step = false) { return DebugSetup{step, std::move(p)}; }

TEST(SoftDebug, ExecPointStopsBeforeAndIsPassedOnce) {
  VcpuRig rig;
  rig.load(0x1000, kCode);
  rig.start(0, 0x1000);
  ASSERT_EQ(rig.vcpu->set_debug(points({{BreakKind::Exec, 0x1003, 1}})), "");
  Exit e = rig.run();
  ASSERT_EQ(e.reason, ExitReason::Debug);
  EXPECT_FALSE(e.debug.step);
  EXPECT_EQ(e.debug.address, 0x1003u);
  EXPECT_EQ(rig.vcpu->state().eip, 0x1003u);
  EXPECT_EQ(rig.mem.read16(0x2000), 0u);  // not executed yet
  CpuState s = rig.run_to_hlt();          // the point stays set; the CPU goes past it
  EXPECT_EQ(s.gpr[EAX] & 0xFFFF, 0x1234u);
}

TEST(SoftDebug, SingleSteps) {
  VcpuRig rig;
  rig.load(0x1000, kCode);
  rig.start(0, 0x1000);
  ASSERT_EQ(rig.vcpu->set_debug(points({}, true)), "");
  for (uint32_t next : {0x1003u, 0x1006u, 0x1007u}) {
    Exit e = rig.run();
    ASSERT_EQ(e.reason, ExitReason::Debug);
    EXPECT_TRUE(e.debug.step);
    EXPECT_EQ(rig.vcpu->state().eip, next);
  }
  ASSERT_EQ(rig.vcpu->set_debug({}), "");
  rig.run_to_hlt();
}

TEST(SoftDebug, AStepOverIntStopsAtTheHandler) {
  VcpuRig rig;
  rig.load(0x1000, {0xCD, 0x20, 0xF4});  // int 20h; hlt
  rig.load(0x1200, {0xCF});              // the handler: iret
  rig.vector(0x20, 0, 0x1200);
  rig.start(0, 0x1000);
  ASSERT_EQ(rig.vcpu->set_debug(points({}, true)), "");
  ASSERT_EQ(rig.run().reason, ExitReason::Debug);
  EXPECT_EQ(rig.vcpu->state().eip, 0x1200u);
  ASSERT_EQ(rig.run().reason, ExitReason::Debug);
  EXPECT_EQ(rig.vcpu->state().eip, 0x1002u);  // back after the IRET
}

TEST(SoftDebug, WatchpointsFireAfterTheAccess) {
  VcpuRig rig;
  rig.load(0x1000, kCode);
  rig.start(0, 0x1000);
  // A write watch on the word, and an access watch on the code itself (fetches are no reads).
  ASSERT_EQ(rig.vcpu->set_debug(points({{BreakKind::Write, 0x2001, 1}, {BreakKind::Access, 0x1000, 11}})), "");
  Exit e = rig.run();
  ASSERT_EQ(e.reason, ExitReason::Debug);
  EXPECT_EQ(e.debug.kind, BreakKind::Write);
  EXPECT_EQ(e.debug.address, 0x2001u);
  EXPECT_EQ(rig.vcpu->state().eip, 0x1006u);  // after the MOV
  EXPECT_EQ(rig.mem.read16(0x2000), 0x1234u);
  ASSERT_EQ(rig.vcpu->set_debug(points({{BreakKind::Read, 0x2000, 2}})), "");
  e = rig.run();
  ASSERT_EQ(e.reason, ExitReason::Debug);
  EXPECT_EQ(e.debug.kind, BreakKind::Read);
  EXPECT_EQ(rig.vcpu->state().eip, 0x100Au);
  ASSERT_EQ(rig.vcpu->set_debug({}), "");
  rig.run_to_hlt();
}

TEST(SoftDebug, PointsHoldInTranslatedCode) {
  SoftOptions opts;
  opts.deterministic = true;
  opts.quantum = 1000;
  VcpuRig rig(4u << 20, opts);
  // 1100h: mov ecx, 100000; 1106h: dec ecx; jnz 1106h; hlt
  rig.load(0x1100, {0x66, 0xB9, 0xA0, 0x86, 0x01, 0x00, 0x66, 0x49, 0x75, 0xFC, 0xF4});
  rig.start(0, 0x1100);
  ASSERT_EQ(rig.run().reason, ExitReason::Kicked);  // the loop is hot: decoded, maybe translated
  ASSERT_EQ(rig.vcpu->set_debug(points({{BreakKind::Exec, 0x1108, 1}})), "");
  Exit e = rig.run();
  ASSERT_EQ(e.reason, ExitReason::Debug);
  EXPECT_EQ(rig.vcpu->state().eip, 0x1108u);
  uint32_t ecx = rig.vcpu->state().gpr[ECX];
  e = rig.run();  // once round the loop, and the point again
  ASSERT_EQ(e.reason, ExitReason::Debug);
  EXPECT_EQ(rig.vcpu->state().gpr[ECX], ecx - 1);
}

}  // namespace
}  // namespace pxos

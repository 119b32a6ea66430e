// Display memory in both engines (vm/memory.h's MemoryLayout): the VGA window
// A0000h-BFFFFh as a device window, and the framebuffer at 0xE0000000 with its
// record of written pages. The same guest runs on the software engine and on
// KVM (skipped, saying why, where /dev/kvm cannot be opened).
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/descriptors.h"
#include "engine/kvm/kvm_vcpu.h"
#include "engine/soft/soft_vcpu.h"
#include "vm/bus.h"
#include "vm/memory.h"

namespace pxos {
namespace {

constexpr uint64_t kFbBytes = 16u << 20;
constexpr uint32_t kFb = uint32_t(GuestMemory::kFramebufferBase);
constexpr uint32_t kCode = 0x10000;

TEST(GuestMemoryLayout, VgaWindowIsNotRamForTheMonitor) {
  GuestMemory m(2 << 20, {.vga_window_mmio = true});
  EXPECT_EQ(m.ram_span(0xA0000, 1), nullptr);
  EXPECT_EQ(m.ram_span(0xBFFFF, 1), nullptr);
  EXPECT_EQ(m.ram_span(0x9FFFF, 2), nullptr);  // straddles into the window
  EXPECT_NE(m.ram_span(0x9FFFF, 1), nullptr);
  EXPECT_NE(m.ram_span(0xC0000, 1), nullptr);
  m.write8(0xB8000, 0x41);  // dropped
  EXPECT_EQ(m.ram_base()[0xB8000], 0);
  EXPECT_EQ(m.read8(0xB8000), 0xFF);
  GuestMemory plain(2 << 20);  // the default: RAM as before
  EXPECT_NE(plain.ram_span(0xA0000, 0x20000), nullptr);
}

TEST(GuestMemoryLayout, FramebufferIsNotReachableThroughTheHelpers) {
  GuestMemory m(2 << 20, {.framebuffer_bytes = kFbBytes});
  ASSERT_EQ(m.framebuffer().size(), kFbBytes);
  EXPECT_EQ(m.framebuffer_pages(), kFbBytes / 4096);
  EXPECT_EQ(m.ram_span(kFb, 4), nullptr);
  EXPECT_EQ(m.readable_span(kFb, 4), nullptr);
  m.write32(kFb, 0x12345678);
  EXPECT_EQ(m.framebuffer()[0], 0);
  EXPECT_THROW(GuestMemory(2 << 20, {.framebuffer_bytes = 4097}), std::invalid_argument);
  EXPECT_THROW(GuestMemory(2 << 20, {.framebuffer_bytes = GuestMemory::kMaxFramebuffer + 4096}), std::invalid_argument);
}

TEST(GuestMemoryLayout, DirtyRecordIsTakenOnce) {
  GuestMemory m(2 << 20, {.framebuffer_bytes = 64 * 4096 + 4096});
  m.mark_framebuffer_dirty(1);
  m.mark_framebuffer_dirty(64);
  m.mark_framebuffer_dirty(65);  // past the last page: ignored
  std::vector<uint64_t> d = m.take_framebuffer_dirty();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], 2u);
  EXPECT_EQ(d[1], 1u);
  d = m.take_framebuffer_dirty();
  EXPECT_EQ(d[0] | d[1], 0u);
}

// 32-bit code: stores a dword at `addr` / loads one / stores a byte.
void store32(std::vector<uint8_t>& c, uint32_t addr, uint32_t v) {
  c.insert(c.end(), {0xC7, 0x05});
  for (uint32_t x : {addr, v})
    for (int i = 0; i < 4; ++i) c.push_back(uint8_t(x >> 8 * i));
}
void load32(std::vector<uint8_t>& c, uint32_t addr) {
  c.push_back(0xA1);
  for (int i = 0; i < 4; ++i) c.push_back(uint8_t(addr >> 8 * i));
}

std::vector<size_t> pages_of(const std::vector<uint64_t>& words) {
  std::vector<size_t> pages;
  for (size_t i = 0; i < words.size() * 64; ++i)
    if ((words[i / 64] >> (i % 64)) & 1) pages.push_back(i);
  return pages;
}

struct Access {
  bool write;
  uint8_t size;
  uint32_t value;
};

// A machine of one vCPU in flat 32-bit protected mode on the display layout,
// with recorders on the MMIO bus at the VGA window and past the framebuffer.
class DisplayMemory : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "kvm") {
      std::string why;
      if (!kvm_available(&why)) GTEST_SKIP() << "KVM engine: " << why;
      vcpu = make_kvm_vcpu(mem);
    } else {
      vcpu = make_soft_vcpu(mem, mmio);
    }
    for (uint64_t base : {GuestMemory::kVgaWindowBase, GuestMemory::kFramebufferBase + kFbBytes}) {
      uint64_t size = base == GuestMemory::kVgaWindowBase ? GuestMemory::kVgaWindowSize : 0x1000;
      mmio.add("recorder", base, size, [this, base](uint64_t off, std::span<uint8_t> d, bool w) {
        if (!w) std::memset(d.data(), 0x5A, d.size());
        seen[uint32_t(base + off)] = Access{w, uint8_t(d.size()), bytes_to_u32(d)};
      });
    }
  }

  // Runs `code` (HLT appended) from kCode until HLT, routing MMIO exits.
  void run(std::vector<uint8_t> code) {
    code.push_back(0xF4);
    ASSERT_TRUE(mem.write(kCode, code));
    CpuState s = vcpu->state();
    s.cr0 = 0x11;
    x86::load_flat_segments(s, 0x08, 0x10);
    s.eip = kCode;
    s.gpr[ESP] = 0x9000;
    vcpu->set_state(s);
    for (int k = 0; k < 100; ++k) {
      Exit e = vcpu->run();
      if (e.reason == ExitReason::Hlt) return;
      if (e.reason == ExitReason::Mmio) {
        mmio.access(e.mmio.address, e.mmio.data, e.mmio.is_write);
        continue;
      }
      if (e.reason == ExitReason::Kicked) continue;
      FAIL() << "unexpected exit " << int(e.reason) << ": " << e.error;
    }
    FAIL() << "the guest did not halt";
  }

  GuestMemory mem{2 << 20, {.vga_window_mmio = true, .framebuffer_bytes = kFbBytes}};
  MmioBus mmio;
  std::unique_ptr<Vcpu> vcpu;
  std::map<uint32_t, Access> seen;
};

TEST_P(DisplayMemory, VgaWindowAccessesReachTheBus) {
  std::vector<uint8_t> c;
  load32(c, 0xA0010);
  store32(c, 0xB8000, 0x07410741);
  store32(c, 0x9FFF0, 0xCAFEF00D);  // RAM just below the window
  run(c);
  ASSERT_TRUE(seen.count(0xA0010));
  EXPECT_FALSE(seen[0xA0010].write);
  EXPECT_EQ(vcpu->state().gpr[EAX], 0x5A5A5A5Au);
  ASSERT_TRUE(seen.count(0xB8000));
  EXPECT_TRUE(seen[0xB8000].write);
  EXPECT_EQ(seen[0xB8000].value, 0x07410741u);
  EXPECT_EQ(mem.ram_base()[0xB8000], 0);  // the RAM behind the window is untouched
  EXPECT_EQ(mem.read32(0x9FFF0), 0xCAFEF00Du);
}

TEST_P(DisplayMemory, VgaWindowCanChangeBetweenRuns) {
  mem.set_vga_window_mmio(false);
  std::vector<uint8_t> c;
  store32(c, 0xA0100, 0x11111111);
  run(c);
  EXPECT_EQ(mem.read32(0xA0100), 0x11111111u);  // RAM again
  EXPECT_FALSE(seen.count(0xA0100));
  mem.set_vga_window_mmio(true);
  c.clear();
  store32(c, 0xA0100, 0x22222222);
  run(c);
  ASSERT_TRUE(seen.count(0xA0100));
  EXPECT_EQ(seen[0xA0100].value, 0x22222222u);
  EXPECT_EQ(mem.ram_base()[0xA0100], 0x11);
}

TEST_P(DisplayMemory, FramebufferWritesAreRecordedByPage) {
  std::vector<uint8_t> c;
  store32(c, kFb, 0x11223344);
  store32(c, kFb + 0x3008, 0x55667788);
  store32(c, kFb + kFbBytes - 4, 0x99AABBCC);  // the last dword
  load32(c, kFb + 0x5000);                     // a read marks nothing
  run(c);
  std::span<uint8_t> fb = mem.framebuffer();
  uint32_t v;
  std::memcpy(&v, &fb[0], 4);
  EXPECT_EQ(v, 0x11223344u);
  std::memcpy(&v, &fb[0x3008], 4);
  EXPECT_EQ(v, 0x55667788u);
  std::memcpy(&v, &fb[kFbBytes - 4], 4);
  EXPECT_EQ(v, 0x99AABBCCu);
  EXPECT_EQ(pages_of(mem.take_framebuffer_dirty()), (std::vector<size_t>{0, 3, kFbBytes / 4096 - 1}));
  EXPECT_TRUE(pages_of(mem.take_framebuffer_dirty()).empty());
  // The same page again, after the record was taken: recorded again (the
  // software engine had a fast write path to it, dropped with the record).
  c.clear();
  store32(c, kFb + 0x3010, 1);
  run(c);
  EXPECT_EQ(pages_of(mem.take_framebuffer_dirty()), (std::vector<size_t>{3}));
  // The framebuffer owner's own writes are not the guest's.
  fb[0x7000] = 1;
  EXPECT_TRUE(pages_of(mem.take_framebuffer_dirty()).empty());
}

TEST_P(DisplayMemory, AccessesPastTheFramebufferStayOutOfHostMemory) {
  std::vector<uint8_t> c;
  store32(c, kFb + kFbBytes - 2, 0x44332211);  // straddles the end: half in, half out (first: recorded over below)
  store32(c, kFb + kFbBytes, 0xDEADBEEF);
  store32(c, kFb + kFbBytes + 0x10, 0x0BADF00D);
  load32(c, kFb + kFbBytes + 0x20);
  run(c);
  std::span<uint8_t> fb = mem.framebuffer();
  EXPECT_EQ(fb[kFbBytes - 2], 0x11);
  EXPECT_EQ(fb[kFbBytes - 1], 0x22);
  EXPECT_EQ(pages_of(mem.take_framebuffer_dirty()), (std::vector<size_t>{kFbBytes / 4096 - 1}));
  ASSERT_TRUE(seen.count(kFb + kFbBytes));
  EXPECT_EQ(seen[kFb + kFbBytes].value, 0xDEADBEEFu);
  EXPECT_EQ(seen[kFb + kFbBytes + 0x10].value, 0x0BADF00Du);
  EXPECT_EQ(vcpu->state().gpr[EAX], 0x5A5A5A5Au);
}

INSTANTIATE_TEST_SUITE_P(Engines, DisplayMemory, ::testing::Values("soft", "kvm"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pxos

// BIOS buffers named by segment:offset (bios/guest_buffer.h): physical in real
// mode, through the caller's page tables in virtual-8086 mode, all or nothing.
#include "bios/guest_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace pxos {
namespace {

constexpr uint32_t kPageDir = 0x10000, kPageTable = 0x11000;

class GuestBuffer : public ::testing::Test {
 protected:
  void SetUp() override {
    // Paging as an EMM sets it up: the first 4 MiB 1:1, then linear 31000h
    // at physical 81000h and 32000h at 40000h (a buffer split over two
    // pages far apart), and 33000h not present.
    mem_.write32(kPageDir, kPageTable | 7);
    for (uint32_t i = 0; i < 1024; ++i) mem_.write32(kPageTable + i * 4, i << 12 | 7);
    mem_.write32(kPageTable + 0x31 * 4, 0x81000 | 7);
    mem_.write32(kPageTable + 0x32 * 4, 0x40000 | 7);
    mem_.write32(kPageTable + 0x33 * 4, 0);
    vm86_.cr0 = 0x80000001;
    vm86_.cr3 = kPageDir;
    vm86_.eflags = flag::VM | flag::FIXED1;
  }
  GuestMemory mem_{16u << 20};
  CpuState real_, vm86_;
};

TEST_F(GuestBuffer, RealModeIsPhysical) {
  std::vector<uint8_t> data{1, 2, 3, 4};
  ASSERT_TRUE(copy_to_guest_buffer(mem_, real_, 0x31FFE, data));
  EXPECT_EQ(mem_.read32(0x31FFE), 0x04030201u);
  std::vector<uint8_t> back(4);
  ASSERT_TRUE(copy_from_guest_buffer(mem_, real_, 0x31FFE, back));
  EXPECT_EQ(back, data);
}

TEST_F(GuestBuffer, Vm86GoesPageByPageThroughThePageTables) {
  std::vector<uint8_t> data{1, 2, 3, 4};
  ASSERT_TRUE(copy_to_guest_buffer(mem_, vm86_, 0x31FFE, data));
  EXPECT_EQ(mem_.read16(0x81FFE), 0x0201u);  // the first page's last two bytes
  EXPECT_EQ(mem_.read16(0x40000), 0x0403u);  // the next page's first two
  EXPECT_EQ(mem_.read32(0x31FFE), 0u);       // nothing at the linear address itself
  std::vector<uint8_t> back(4);
  ASSERT_TRUE(copy_from_guest_buffer(mem_, vm86_, 0x31FFE, back));
  EXPECT_EQ(back, data);
}

TEST_F(GuestBuffer, APageNotPresentFailsTheWholeCopy) {
  std::vector<uint8_t> data(0x10, 0xAB);
  EXPECT_FALSE(guest_buffer_writable(mem_, vm86_, 0x32FF8, 0x10));
  EXPECT_FALSE(copy_to_guest_buffer(mem_, vm86_, 0x32FF8, data));
  EXPECT_EQ(mem_.read32(0x40FF8), 0u);  // the present page's part was not written either
  std::vector<uint8_t> back(0x10);
  EXPECT_FALSE(copy_from_guest_buffer(mem_, vm86_, 0x32FF8, back));
  EXPECT_TRUE(guest_buffer_writable(mem_, vm86_, 0x31000, 0x2000));
}

TEST_F(GuestBuffer, APageMappedOutsideRamFails) {
  mem_.write32(kPageTable + 0x31 * 4, 0x7FFFF000u | 7);  // past the 16 MiB of RAM
  std::vector<uint8_t> data(4, 0xAB);
  EXPECT_FALSE(copy_to_guest_buffer(mem_, vm86_, 0x31000, data));
  EXPECT_FALSE(guest_buffer_writable(mem_, vm86_, 0x31000, 4));
}

}  // namespace
}  // namespace pxos

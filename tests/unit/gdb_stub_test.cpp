// The GDB stub's pieces below the socket: the i386 register layout
// (machine/gdb_registers.h), linear addresses through the guest's page tables
// (machine/debug_memory.h), and the --gdb address.
#include <gtest/gtest.h>

#include "machine/debug_memory.h"
#include "machine/gdb_registers.h"
#include "machine/gdb_server.h"

namespace pxos {
namespace {

TEST(GdbRegisters, LayoutAndRoundTrip) {
  CpuState s = reset_state();
  s.gpr[EBX] = 0x11223344;
  FpuImage fpu{};
  fpu[0] = 0x7F;  // FCW
  fpu[1] = 0x03;
  fpu[28] = 0xAB;  // ST0's first byte
  std::vector<uint8_t> g = gdb::read_registers(s, &fpu);
  ASSERT_EQ(g.size(), 16u * 4 + 8 * 10 + 8 * 4);
  EXPECT_EQ(g[3 * 4], 0x44);       // EBX, little-endian
  EXPECT_EQ(g[8 * 4], 0xF0);       // EIP FFF0
  EXPECT_EQ(g[10 * 4 + 1], 0xF0);  // CS F000
  EXPECT_EQ(g[64], 0xAB);          // ST0
  EXPECT_EQ(g[64 + 80], 0x7F);     // FCTRL
  EXPECT_EQ(gdb::register_size(16), 10u);
  EXPECT_EQ(gdb::register_size(32), 0u);
  CpuState t = reset_state();
  FpuImage f2{};
  ASSERT_TRUE(gdb::write_registers(t, &f2, g));
  EXPECT_EQ(t.gpr[EBX], 0x11223344u);
  EXPECT_EQ(f2[28], 0xAB);
  EXPECT_FALSE(gdb::write_registers(t, &f2, std::span<const uint8_t>(g.data(), 10)));
  uint8_t four[4] = {1, 2, 3, 4};
  EXPECT_FALSE(gdb::write_register(t, &f2, 16, four));  // ST0 takes 10 bytes
  EXPECT_TRUE(gdb::write_register(t, &f2, 9, four));
  EXPECT_EQ(t.eflags & 0xFF, 0x03u);  // reserved bits stay as the CPU keeps them (bit 1 set)
}

TEST(GdbRegisters, SegmentLoads) {
  CpuState s = reset_state();
  auto no_memory = [](void*, uint32_t, std::span<uint8_t>) { return false; };
  ASSERT_TRUE(gdb::load_segment(s, DS, 0x1234, no_memory, nullptr));
  EXPECT_EQ(s.seg[DS].base, 0x12340u);  // real mode
  s.cr0 |= 1;
  s.gdt = DescriptorTable{0x1000, 0x17};
  // A flat 4 GiB data segment at GDT index 2.
  static const uint8_t kFlat[8] = {0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0};
  auto gdt = [](void*, uint32_t linear, std::span<uint8_t> out) {
    if (linear != 0x1010) return false;
    std::copy(kFlat, kFlat + 8, out.begin());
    return true;
  };
  ASSERT_TRUE(gdb::load_segment(s, DS, 0x10, gdt, nullptr));
  EXPECT_EQ(s.seg[DS].base, 0u);
  EXPECT_EQ(s.seg[DS].limit, 0xFFFFFFFFu);
  EXPECT_EQ(s.seg[DS].attrib, 0xC093);
  EXPECT_FALSE(gdb::load_segment(s, DS, 0x18, gdt, nullptr));  // beyond the GDT's limit
  EXPECT_FALSE(gdb::load_segment(s, CS, 0, gdt, nullptr));     // a null CS
}

TEST(DebugMemory, LinearThroughPaging) {
  GuestMemory mem(4 << 20);
  DebugMemory dm(mem);
  CpuState s = reset_state();
  // Paging off: linear is physical; ROM is readable, not writable; outside RAM is refused.
  uint8_t b[4] = {1, 2, 3, 4};
  EXPECT_TRUE(dm.write_linear(s, 0x7C00, b));
  uint8_t r[4] = {};
  EXPECT_EQ(dm.read_linear(s, 0x7C00, r), 4u);
  EXPECT_EQ(r[3], 4);
  EXPECT_EQ(dm.read_linear(s, 0xFFFF0, r), 4u);
  EXPECT_FALSE(dm.write_linear(s, 0xFFFF0, b));
  EXPECT_EQ(dm.read_linear(s, 0x10000000, r), 0u);
  EXPECT_FALSE(dm.write_linear(s, uint32_t(mem.ram_size()) - 2, b));  // half outside: nothing written
  EXPECT_EQ(dm.read_linear(s, uint32_t(mem.ram_size()) - 2, r), 2u);  // the bytes before the end
  // Paging on: page directory at 0x1000, one table at 0x2000 mapping linear 0x400000 to 0x3000, and
  // a 4 MiB page at linear 0x800000 (CR4.PSE) mapping physical 0.
  s.cr0 |= 0x80000001u;
  s.cr3 = 0x1000;
  s.cr4 = 1u << 4;
  mem.write32(0x1000 + 1 * 4, 0x2000 | 1);
  mem.write32(0x1000 + 2 * 4, 0x00000000 | 0x80 | 1);
  mem.write32(0x2000, 0x3000 | 1);
  EXPECT_EQ(dm.translate(s, 0x400123), 0x3123u);
  EXPECT_EQ(dm.translate(s, 0x807C00), 0x7C00u);
  EXPECT_FALSE(dm.translate(s, 0x401000));  // not present
  EXPECT_FALSE(dm.translate(s, 0));         // no table
  ASSERT_TRUE(dm.write_linear(s, 0x400000, b));
  EXPECT_EQ(mem.read8(0x3003), 4);
  EXPECT_EQ(dm.read_linear(s, 0x400FFE, r), 2u);  // the next page is not present
  uint32_t pte = mem.read32(0x2000);
  EXPECT_EQ(pte & 0x60, 0u);  // no accessed or dirty bits set by the debugger
}

TEST(GdbEndpoint, Parses) {
  auto e = parse_gdb_endpoint("tcp:1234");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 1234);
  ASSERT_TRUE(parse_gdb_endpoint("tcp::1234"));
  e = parse_gdb_endpoint("tcp:0.0.0.0:99");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "0.0.0.0");
  for (const char* bad : {"1234", "tcp:", "tcp:0", "tcp:65536", "tcp:host.example:1", "tcp:1.2.3.4:x", "udp:1"})
    EXPECT_FALSE(parse_gdb_endpoint(bad)) << bad;
}

}  // namespace
}  // namespace pxos

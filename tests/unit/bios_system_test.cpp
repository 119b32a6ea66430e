// INT 15h and the INT 13h extensions on explicit register frames.
#include <gtest/gtest.h>

#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "bios/bios.h"

namespace pxos {
namespace {

class Services : public ::testing::Test {
 protected:
  uint64_t now_ns_ = 0;  // the BIOS's clock
  void SetUp() override {
    std::vector<uint8_t> disk(64 * 512);
    for (size_t lba = 0; lba < 64; ++lba) disk[lba * 512] = uint8_t(lba);
    hd_ = std::make_unique<DiskImage>(DiskImage::from_bytes(std::move(disk), DiskImage::Kind::HardDisk));
    BiosConfig cfg;
    cfg.hard_disk[0] = hd_.get();
    cfg.now_ns = [this] { return now_ns_; };
    bios_ = std::make_unique<Bios>(mem_, cfg);
    CpuState cpu;
    bios_->post(cpu);
  }
  BiosCall call(uint8_t vector, uint32_t eax, uint32_t ebx = 0, uint32_t ecx = 0, uint32_t edx = 0, uint16_t es = 0,
                uint16_t di = 0, uint16_t ds = 0, uint16_t si = 0) {
    cpu_ = CpuState{};
    cpu_.gpr[EAX] = eax;
    cpu_.gpr[EBX] = ebx;
    cpu_.gpr[ECX] = ecx;
    cpu_.gpr[EDX] = edx;
    cpu_.set_r16(EDI, di);
    cpu_.set_r16(ESI, si);
    cpu_.load_real_segment(ES, es);
    cpu_.load_real_segment(DS, ds);
    BiosCall c{cpu_, flag::FIXED1, vector};
    bios_->dispatch(c);
    return c;
  }
  // A disk address packet at 0000:0600.
  void dap(uint16_t count, uint16_t seg, uint16_t off, uint64_t lba, uint8_t size = 16) {
    mem_.write8(0x600, size);
    mem_.write8(0x601, 0);
    mem_.write16(0x602, count);
    mem_.write16(0x604, off);
    mem_.write16(0x606, seg);
    mem_.write32(0x608, uint32_t(lba));
    mem_.write32(0x60C, uint32_t(lba >> 32));
  }

  GuestMemory mem_{32 << 20};
  std::unique_ptr<DiskImage> hd_;
  std::unique_ptr<Bios> bios_;
  CpuState cpu_;
};

TEST_F(Services, E820MapCoversRamAndEndsWithEbxZero) {
  uint64_t usable = 0;
  uint32_t ebx = 0;
  int entries = 0;
  do {
    BiosCall c = call(0x15, 0xE820, ebx, 24, 0x534D4150, 0, 0x700);
    ASSERT_FALSE(c.cf());
    EXPECT_EQ(cpu_.gpr[EAX], 0x534D4150u);
    EXPECT_EQ(cpu_.gpr[ECX], 20u);
    uint64_t size = mem_.read32(0x708) | uint64_t{mem_.read32(0x70C)} << 32;
    if (mem_.read32(0x710) == 1) usable += size;
    ebx = cpu_.gpr[EBX];
    ASSERT_LT(++entries, 10);
  } while (ebx != 0);
  EXPECT_EQ(usable, 0x9FC00u + (32u << 20) - 0x100000u);
  EXPECT_TRUE(call(0x15, 0xE820, 0, 20, 0x12345678, 0, 0x700).cf()) << "no SMAP signature";
  EXPECT_TRUE(call(0x15, 0xE820, 99, 20, 0x534D4150, 0, 0x700).cf()) << "index past the map";
  EXPECT_TRUE(call(0x15, 0xE820, 0, 20, 0x534D4150, 0xF000, 0).cf()) << "buffer in ROM";
}

// What Linux's setup reads: sorted ranges that never overlap, no usable
// byte in the EBDA, the VGA/ROM hole or the BIOS ROM, and RAM up to its end.
TEST_F(Services, E820MapKeepsHolesOutOfUsableRam) {
  struct Range {
    uint64_t base, size;
    uint32_t type;
  };
  std::vector<Range> map;
  uint32_t ebx = 0;
  do {
    BiosCall c = call(0x15, 0xE820, ebx, 20, 0x534D4150, 0, 0x700);
    ASSERT_FALSE(c.cf());
    map.push_back({mem_.read32(0x700) | uint64_t{mem_.read32(0x704)} << 32,
                   mem_.read32(0x708) | uint64_t{mem_.read32(0x70C)} << 32, mem_.read32(0x710)});
    ebx = cpu_.gpr[EBX];
    ASSERT_LT(map.size(), 20u);
  } while (ebx != 0);
  bool ebda_reserved = false, rom_reserved = false, top_usable = false;
  for (size_t i = 0; i < map.size(); ++i) {
    const Range& r = map[i];
    EXPECT_GT(r.size, 0u);
    EXPECT_TRUE(r.type == 1 || r.type == 2);
    if (i) {
      EXPECT_GE(r.base, map[i - 1].base + map[i - 1].size) << "entry " << i << " overlaps or is out of order";
    }
    if (r.type == 1) {
      EXPECT_TRUE(r.base + r.size <= Bios::kEbdaBase || r.base >= 0x100000) << "usable RAM in a hole";
      EXPECT_LE(r.base + r.size, mem_.ram_size());
    }
    ebda_reserved = ebda_reserved || (r.type == 2 && r.base <= Bios::kEbdaBase && r.base + r.size >= 0xA0000);
    rom_reserved = rom_reserved || (r.type == 2 && r.base <= 0xF0000 && r.base + r.size >= 0x100000);
    top_usable = top_usable || (r.type == 1 && r.base + r.size == mem_.ram_size());
  }
  EXPECT_TRUE(ebda_reserved);
  EXPECT_TRUE(rom_reserved);
  EXPECT_TRUE(top_usable);
  EXPECT_TRUE(call(0x15, 0xE820, 0, 19, 0x534D4150, 0, 0x700).cf()) << "a buffer smaller than 20 bytes";
}

TEST_F(Services, ExtendedMemorySizes) {
  EXPECT_EQ(call(0x15, 0x8800).ax(), 31 * 1024);
  BiosCall c = call(0x15, 0xE801);
  EXPECT_EQ(c.ax(), 15 * 1024);
  EXPECT_EQ(c.bx(), 256);  // 16 MiB above 16 MiB in 64 KiB blocks
}

TEST_F(Services, BlockMoveChecksBothDescriptors) {
  auto descriptor = [&](uint32_t at, uint32_t base) {
    mem_.write16(at, 0xFFFF);
    mem_.write16(at + 2, uint16_t(base));
    mem_.write8(at + 4, uint8_t(base >> 16));
    mem_.write8(at + 5, 0x93);
    mem_.write8(at + 7, uint8_t(base >> 24));
  };
  mem_.write32(0x100000, 0xCAFEF00D);
  descriptor(0x810, 0x100000);
  descriptor(0x818, 0x200000);
  BiosCall c = call(0x15, 0x8700, 0, 2, 0, 0x0080);  // ES:SI = 0080:0000, the GDT at 800h
  EXPECT_FALSE(c.cf()) << std::hex << int(c.ah());
  EXPECT_EQ(mem_.read32(0x200000), 0xCAFEF00Du);
  descriptor(0x818, 0x7FFFFFF0);  // destination past RAM
  BiosCall bad = call(0x15, 0x8700, 0, 2, 0, 0x0080);
  EXPECT_TRUE(bad.cf());
  descriptor(0x818, 0x200000);
  descriptor(0x810, (32u << 20) - 2);  // source runs off the end of RAM
  EXPECT_TRUE(call(0x15, 0x8700, 0, 2, 0, 0x0080).cf());
}

TEST_F(Services, ExtensionsPresentOnlyForHardDisks) {
  BiosCall c = call(0x13, 0x4100, 0x55AA, 0, 0x80);
  EXPECT_FALSE(c.cf());
  EXPECT_EQ(c.bx(), 0xAA55);
  EXPECT_EQ(c.cx() & 1, 1);
  EXPECT_TRUE(call(0x13, 0x4100, 0x55AA, 0, 0x00).cf());
  EXPECT_TRUE(call(0x13, 0x4100, 0x1234, 0, 0x80).cf());
}

TEST_F(Services, ExtendedReadWithSegmentAndFlatBuffers) {
  dap(2, 0x2000, 0x0010, 7);
  BiosCall c = call(0x13, 0x4200, 0, 0, 0x80, 0, 0, 0x0000, 0x0600);
  ASSERT_FALSE(c.cf()) << std::hex << int(c.ah());
  EXPECT_EQ(mem_.read8(0x20010), 7);
  EXPECT_EQ(mem_.read8(0x20210), 8);
  dap(1, 0xFFFF, 0xFFFF, 9, 24);
  mem_.write32(0x610, 0x00300000);
  mem_.write32(0x614, 0);
  ASSERT_FALSE(call(0x13, 0x4200, 0, 0, 0x80, 0, 0, 0, 0x600).cf());
  EXPECT_EQ(mem_.read8(0x300000), 9);
}

TEST_F(Services, ExtendedReadErrorsAreDefined) {
  struct {
    const char* what;
    uint16_t count, seg, off;
    uint64_t lba;
    uint8_t size, status;
  } cases[] = {
      {"past the end", 2, 0x2000, 0, 63, 16, 0x04},
      {"LBA far past the end", 1, 0x2000, 0, ~0ull, 16, 0x04},
      {"more than 127 sectors", 128, 0x2000, 0, 0, 16, 0x01},
      {"packet too small", 1, 0x2000, 0, 0, 8, 0x01},
      {"buffer in the ROM", 1, 0xF000, 0, 0, 16, 0x01},
      {"flat buffer past RAM", 1, 0xFFFF, 0xFFFF, 0, 24, 0x01},
  };
  mem_.write32(0x610, 0xFFFFF000);
  mem_.write32(0x614, 0);
  for (auto k : cases) {
    dap(k.count, k.seg, k.off, k.lba, k.size);
    BiosCall c = call(0x13, 0x4200, 0, 0, 0x80, 0, 0, 0, 0x600);
    EXPECT_TRUE(c.cf()) << k.what;
    EXPECT_EQ(c.ah(), k.status) << k.what;
    if (k.size >= 16) {
      EXPECT_EQ(mem_.read16(0x602), 0) << k.what << ": the packet must say no sector moved";
    }
  }
  // A packet that runs off the end of RAM is refused too.
  BiosCall c = call(0x13, 0x4200, 0, 0, 0x80, 0, 0, 0xFFFF, 0xFFFF);
  EXPECT_TRUE(c.cf());
}

TEST_F(Services, DriveParametersNeedABigEnoughBuffer) {
  mem_.write16(0x700, 26);
  BiosCall c = call(0x13, 0x4800, 0, 0, 0x80, 0, 0, 0, 0x700);
  ASSERT_FALSE(c.cf());
  EXPECT_EQ(mem_.read32(0x710), 64u);
  EXPECT_EQ(mem_.read16(0x718), 512);
  mem_.write16(0x700, 20);
  EXPECT_TRUE(call(0x13, 0x4800, 0, 0, 0x80, 0, 0, 0, 0x700).cf());
}

TEST_F(Services, GraphicsModesAreSetAndAnUnknownModeIsKeptAndLogged) {
  uint64_t before = bios_->unimplemented();
  call(0x10, 0x0013);
  EXPECT_EQ(call(0x10, 0x0F00).al(), 0x13);  // AH=0Fh: the current mode
  EXPECT_EQ(call(0x10, 0x0F00).ah(), 40);    // 320 / 8 columns
  EXPECT_EQ(bios_->unimplemented(), before);  // a standard mode
  call(0x10, 0x006A);
  EXPECT_EQ(call(0x10, 0x0F00).al(), 0x6A);       // no such mode: the number is kept
  EXPECT_EQ(bios_->unimplemented(), before + 1);  // and the call is logged as not done
  call(0x10, 0x0003);
  EXPECT_EQ(call(0x10, 0x0F00).al(), 0x03);
}

TEST_F(Services, KeysThatFindTheBufferFullAreHeldInOrder) {
  // 'a' .. 't': 20 keys into a buffer of 15.
  const uint8_t scancodes[] = {0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24,
                               0x25, 0x26, 0x32, 0x31, 0x18, 0x19, 0x10, 0x13, 0x1F, 0x14};
  for (uint8_t sc : scancodes) {
    bios_->keyboard_irq(sc);
    bios_->keyboard_irq(uint8_t(sc | 0x80));
  }
  EXPECT_FALSE(bios_->keyboard_ready());  // the machine sends no more keys now
  EXPECT_EQ(bios_->keys_held(), 5u);
  std::string got;
  for (int i = 0; i < 20; ++i) got += char(call(0x16, 0x0000).al());
  EXPECT_EQ(got, "abcdefghijklmnopqrst");
  EXPECT_TRUE(bios_->keyboard_ready());
  EXPECT_TRUE(call(0x16, 0x0100).zf());
}

TEST_F(Services, AGuestThatOnlyPollsTheKeyboardIsMadeToWait) {
  auto poll = [&] { return call(0x16, 0x0100); };
  for (int i = 0; i < 10; ++i, now_ns_ += 100'000) {  // 1 ms of polls: not yet idle
    BiosCall c = poll();
    EXPECT_FALSE(c.waiting());
    EXPECT_TRUE(c.zf());
  }
  bool waited = false;
  uint32_t polls = 10;
  for (; polls < 3000 && !waited; ++polls, now_ns_ += 100'000) waited = poll().waiting();
  EXPECT_TRUE(waited) << "300 ms of nothing but polls is idle";
  EXPECT_GE(now_ns_, IdleDetector::kIdleAfterNs);
  EXPECT_EQ(polls, IdleDetector::kIdleAfterCalls);  // the 2048th poll waits
  EXPECT_FALSE(poll().waiting());  // the same call, resumed after its interrupt: answered
  EXPECT_TRUE(poll().waiting());   // and the next waits again
  EXPECT_FALSE(poll().waiting());
  call(0x10, 0x0300);  // other work (here: read the cursor) ends the streak
  now_ns_ += 100'000;
  EXPECT_FALSE(poll().waiting());
  EXPECT_FALSE(call(0x28, 0).waiting());  // INT 28h counts as a poll
  EXPECT_EQ(bios_->idle_waits(), 2u);
}

TEST_F(Services, ApmConnectsIdlesAndRefusesWhatItLacks) {
  BiosCall check = call(0x15, 0x5300);
  ASSERT_FALSE(check.cf());
  EXPECT_EQ(check.ax(), 0x0102);
  EXPECT_EQ(check.bx(), 0x504D);
  EXPECT_EQ(call(0x15, 0x5305).ah(), 0x03) << "idle needs the connection";
  EXPECT_FALSE(call(0x15, 0x5301).cf());
  EXPECT_EQ(call(0x15, 0x5301).ah(), 0x02) << "connected twice";
  EXPECT_EQ(call(0x15, 0x5303).ah(), 0x08) << "no 32-bit interface";
  BiosCall idle = call(0x15, 0x5305);
  EXPECT_TRUE(idle.waiting()) << "CPU idle halts until an interrupt";
  BiosCall resumed = call(0x15, 0x5305);  // the same call, after the interrupt
  EXPECT_FALSE(resumed.waiting());
  EXPECT_FALSE(resumed.cf());
  EXPECT_TRUE(call(0x15, 0x5305).waiting()) << "and the next idles again";
  call(0x15, 0x5305);
  BiosCall standby = call(0x15, 0x5307, 0x0001, 0x0001);
  EXPECT_TRUE(standby.cf());
  EXPECT_EQ(standby.ah(), 0x60);
  EXPECT_EQ(call(0x15, 0x5307, 0x0001, 0x0042).ah(), 0x0A);
  EXPECT_EQ(call(0x15, 0x53FF).ah(), 0x86);
  EXPECT_FALSE(call(0x15, 0x5304).cf());
  EXPECT_EQ(call(0x15, 0x5304).ah(), 0x03) << "disconnected twice";
}

TEST_F(Services, ApmPowerOffCallsTheMachinesPowerOff) {
  int offs = 0;
  BiosConfig cfg;
  cfg.power_off = [&] { ++offs; };
  bios_ = std::make_unique<Bios>(mem_, cfg);
  CpuState post;
  bios_->post(post);
  EXPECT_EQ(call(0x15, 0x5307, 0x0001, 0x0003).ah(), 0x03) << "not connected";
  call(0x15, 0x5301);
  call(0x15, 0x5308, 0x0001, 0x0000);  // power management disabled: refused
  EXPECT_EQ(call(0x15, 0x5307, 0x0001, 0x0003).ah(), 0x01);
  call(0x15, 0x5308, 0x0001, 0x0001);
  EXPECT_EQ(offs, 0);
  EXPECT_FALSE(call(0x15, 0x5307, 0x0001, 0x0003).cf());
  EXPECT_EQ(offs, 1);
}

TEST_F(Services, EbdaSegmentAndExternalEvent) {
  BiosCall c = call(0x15, 0xC100);
  EXPECT_FALSE(c.cf());
  EXPECT_EQ(c.es(), Bios::kEbdaBase >> 4);
  BiosCall event = call(0x15, 0x4100);
  EXPECT_TRUE(event.cf());
  EXPECT_EQ(event.ah(), 0x86);
}

TEST_F(Services, KeyboardCapabilitiesIdAndTypematic) {
  EXPECT_EQ(call(0x16, 0x0900).al() & 0x30, 0x30);  // AH=0Ah and AH=10h-12h
  EXPECT_EQ(call(0x16, 0x0A00).bx(), 0x41AB);
  call(0x16, 0x0305, 0x0314);
  EXPECT_EQ(call(0x16, 0x0306).bx(), 0x0314);
  call(0x16, 0x0305, 0x0420);  // out of range: ignored
  EXPECT_EQ(call(0x16, 0x0306).bx(), 0x0314);
  call(0x16, 0x0300);
  EXPECT_EQ(call(0x16, 0x0306).bx(), 0x010B);
}

// Every service reports a subfunction it does not implement through the one
// log, which names the vector, AH and AL.
TEST(BiosLog, UnimplementedCallsNameVectorAhAndAl) {
  GuestMemory mem(2 << 20);
  std::vector<std::string> lines;
  BiosConfig cfg;
  cfg.verbose = true;
  cfg.on_message = [&](const std::string& line) { lines.push_back(line); };
  Bios bios(mem, cfg);
  CpuState post;
  bios.post(post);
  const uint8_t vectors[] = {0x10, 0x13, 0x15, 0x16, 0x17, 0x1A, 0x40};
  for (uint8_t v : vectors) {
    CpuState cpu;
    cpu.set_r16(EAX, 0x7E5A);
    BiosCall c{cpu, flag::FIXED1, v};
    bios.dispatch(c);
    char want[64];
    std::snprintf(want, sizeof want, "bios: unimplemented INT %02Xh AH=7Eh AL=5Ah", v);
    ASSERT_FALSE(lines.empty()) << int(v);
    EXPECT_EQ(lines.back(), want);
  }
  EXPECT_EQ(bios.unimplemented(), std::size(vectors));
  EXPECT_EQ(lines.size(), std::size(vectors));
}

}  // namespace
}  // namespace pxos

// The Linux boot protocol loader on synthetic bzImages: each bad field is
// refused with a LinuxBootError, good images land where the protocol says.
#include "machine/linux_boot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace pxos {
namespace {

using namespace linux_layout;

void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + size_t(i)] = uint8_t(v >> (8 * i));
}

// A well-formed protocol 2.15 bzImage: 4 setup sectors, `kernel_bytes` of
// protected-mode kernel filled with 0xC3 behind a marker.
std::vector<uint8_t> make_image(uint32_t kernel_bytes = 8192, uint32_t init_size = 0x10000) {
  const uint32_t setup = 5 * 512;
  std::vector<uint8_t> b(setup + kernel_bytes, 0);
  b[0x1F1] = 4;
  put32(b, 0x1F4, kernel_bytes / 16);
  b[0x1FE] = 0x55;
  b[0x1FF] = 0xAA;
  b[0x200] = 0xEB;
  b[0x201] = 0x6A;  // header ends at 26Ch
  put32(b, 0x202, 0x53726448);
  b[0x206] = 0x0F;
  b[0x207] = 0x02;
  b[0x211] = 0x01;  // LOADED_HIGH
  put32(b, 0x214, 0x100000);
  put32(b, 0x22C, 0x7FFFFFFF);
  put32(b, 0x238, 2047);
  put32(b, 0x260, init_size);
  for (uint32_t i = 0; i < kernel_bytes; ++i) b[setup + i] = 0xC3;
  b[setup] = 0x5A;
  return b;
}

std::string error_of(std::vector<uint8_t> b) {
  try {
    parse_bzimage(std::move(b));
  } catch (const LinuxBootError& e) {
    return e.what();
  }
  return "";
}

TEST(LinuxBoot, AcceptsAWellFormedImage) {
  BzImage k = parse_bzimage(make_image());
  EXPECT_EQ(k.version, 0x020F);
  EXPECT_EQ(k.setup_bytes, 5u * 512);
  EXPECT_EQ(k.kernel_bytes, 8192u);
  EXPECT_EQ(k.init_size, 0x10000u);
  EXPECT_EQ(k.cmdline_max, 2047u);
}

TEST(LinuxBoot, XloadflagsMarksA64BitKernel) {
  std::vector<uint8_t> b = make_image();
  EXPECT_FALSE(parse_bzimage(b).kernel_64);  // an i686 kernel
  b[0x236] = 0x01;                           // XLF_KERNEL_64
  EXPECT_TRUE(parse_bzimage(b).kernel_64);
  b[0x236] = 0x1E;  // other xloadflags bits (EFI handover, kexec): not 64-bit
  EXPECT_FALSE(parse_bzimage(b).kernel_64);
  b[0x236] = 0x01;
  b[0x206] = 0x0B;  // protocol 2.11: no xloadflags field yet
  EXPECT_FALSE(parse_bzimage(b).kernel_64);
}

TEST(LinuxBoot, RefusesBadImages) {
  EXPECT_NE(error_of({1, 2, 3}).find("too small"), std::string::npos);
  auto b = make_image();
  b[0x202] = 'X';
  EXPECT_NE(error_of(b).find("HdrS"), std::string::npos);
  b = make_image();
  b[0x206] = 0x01;  // 2.01
  EXPECT_NE(error_of(b).find("too old"), std::string::npos);
  b = make_image();
  b[0x1F1] = 200;
  EXPECT_NE(error_of(b).find("setup_sects"), std::string::npos);
  b = make_image();
  b.resize(b.size() - 100);
  EXPECT_NE(error_of(b).find("truncated"), std::string::npos);
  b = make_image();
  b.resize(5 * 512);
  EXPECT_NE(error_of(b).find("ends inside"), std::string::npos);
  b = make_image();
  b[0x211] = 0;
  EXPECT_NE(error_of(b).find("zImage"), std::string::npos);
  b = make_image();
  b[0x1FE] = 0;
  EXPECT_NE(error_of(b).find("AA55"), std::string::npos);
  b = make_image();
  b[0x201] = 0x00;
  EXPECT_NE(error_of(b).find("header"), std::string::npos);
  b = make_image();
  put32(b, 0x1F4, 0);
  EXPECT_NE(error_of(b).find("syssize"), std::string::npos);
}

TEST(LinuxBoot, PlanChecksRamInitrdAndCommandLine) {
  BzImage k = parse_bzimage(make_image(8192, 8 << 20));
  EXPECT_THROW(plan_linux(k, 0, "", 8 << 20), LinuxBootError);  // kernel needs 9 MiB
  LinuxPlan p = plan_linux(k, 1000, "console=ttyS0", 32 << 20);
  EXPECT_EQ(p.initrd_base, (32u << 20) - 4096);
  EXPECT_EQ(p.initrd_size, 1000u);
  EXPECT_GE(p.initrd_base, p.kernel_end);
  EXPECT_THROW(plan_linux(k, 30u << 20, "", 32 << 20), LinuxBootError);  // initrd overlaps the kernel
  EXPECT_THROW(plan_linux(k, 0, std::string(3000, 'x'), 32 << 20), LinuxBootError);
  EXPECT_THROW(plan_linux(k, 0, std::string("a\0b", 3), 32 << 20), LinuxBootError);
}

TEST(LinuxBoot, VgaOnTheCommandLineBecomesVidMode) {
  EXPECT_EQ(vga_mode_from_cmdline("console=ttyS0"), std::nullopt);
  EXPECT_EQ(vga_mode_from_cmdline("vga=0x317 quiet"), 0x317);
  EXPECT_EQ(vga_mode_from_cmdline("quiet\tvga=0x317\nro"), 0x317);
  EXPECT_EQ(vga_mode_from_cmdline("vga=791"), 791);  // decimal, as LILO and GRUB take it
  EXPECT_EQ(vga_mode_from_cmdline("vga=normal"), 0xFFFF);
  EXPECT_EQ(vga_mode_from_cmdline("vga=ext"), 0xFFFE);
  EXPECT_EQ(vga_mode_from_cmdline("vga=ask"), 0xFFFD);
  EXPECT_EQ(vga_mode_from_cmdline("vga=0x317 vga=0x341"), 0x341);    // the last one, as the kernel's parameters
  EXPECT_EQ(vga_mode_from_cmdline("xvga=1 fbvga=2"), std::nullopt);  // parameters whose names end in vga
  EXPECT_THROW(vga_mode_from_cmdline("vga=foo"), LinuxBootError);
  EXPECT_THROW(vga_mode_from_cmdline("vga="), LinuxBootError);
  EXPECT_THROW(vga_mode_from_cmdline("vga=0x10000"), LinuxBootError);
  EXPECT_THROW(vga_mode_from_cmdline("vga=-1"), LinuxBootError);
  EXPECT_THROW(vga_mode_from_cmdline("vga=0x317x"), LinuxBootError);

  GuestMemory mem(32 << 20);
  BzImage k = parse_bzimage(make_image());
  LinuxPlan p = plan_linux(k, 0, "vga=0x318", mem.ram_size());
  EXPECT_EQ(p.vid_mode, 0x318);
  CpuState cpu;
  load_linux(mem, k, {}, "vga=0x318", p, LinuxEntry::RealMode, {}, cpu);
  EXPECT_EQ(mem.read16(kSetupBase + 0x1FA), 0x318);
  EXPECT_THROW(plan_linux(k, 0, "vga=bogus", mem.ram_size()), LinuxBootError);
}

TEST(LinuxBoot, InitrdStaysBelowInitrdAddrMax) {
  auto b = make_image();
  put32(b, 0x22C, 0x00FFFFFF);  // 16 MiB - 1
  BzImage k = parse_bzimage(b);
  LinuxPlan p = plan_linux(k, 5000, "", 64 << 20);
  EXPECT_LE(p.initrd_base + p.initrd_size, 0x01000000u);
  EXPECT_EQ(p.initrd_base % 4096, 0u);
}

TEST(LinuxBoot, RealModeEntryRunsTheSetupWithTheHeaderFilledIn) {
  GuestMemory mem(32 << 20);
  BzImage k = parse_bzimage(make_image());
  std::vector<uint8_t> initrd(3000, 0x77);
  LinuxPlan p = plan_linux(k, initrd.size(), "console=ttyS0", mem.ram_size());
  CpuState cpu;
  load_linux(mem, k, initrd, "console=ttyS0", p, LinuxEntry::RealMode, {}, cpu);
  EXPECT_EQ(mem.read8(kKernelBase), 0x5A);
  EXPECT_EQ(mem.read32(kSetupBase + 0x202), 0x53726448u);
  EXPECT_EQ(mem.read8(kSetupBase + 0x210), 0xFF);
  EXPECT_EQ(mem.read8(kSetupBase + 0x211), 0x81);
  EXPECT_EQ(mem.read16(kSetupBase + 0x224), kHeapEnd);
  EXPECT_EQ(mem.read32(kSetupBase + 0x228), kCmdline);
  EXPECT_EQ(mem.read32(kSetupBase + 0x218), p.initrd_base);
  EXPECT_EQ(mem.read32(kSetupBase + 0x21C), 3000u);
  EXPECT_EQ(mem.read8(p.initrd_base + 2999), 0x77);
  EXPECT_EQ(mem.read8(kCmdline), 'c');
  EXPECT_EQ(mem.read8(kCmdline + 13), 0);
  EXPECT_EQ(cpu.seg[CS].selector, kSetupSegment + 0x20);
  EXPECT_EQ(cpu.seg[CS].base, kSetupBase + 0x200);
  EXPECT_EQ(cpu.eip, 0u);
  for (Sreg s : {DS, ES, FS, GS, SS}) EXPECT_EQ(cpu.seg[s].selector, kSetupSegment);
  EXPECT_EQ(cpu.gpr[ESP], kSetupStack);
  EXPECT_GT(cpu.gpr[ESP], kHeapEnd);
  EXPECT_FALSE(cpu.eflags & flag::IF);
  EXPECT_FALSE(cpu.cr0 & 1);
}

TEST(LinuxBoot, Protected32EntryFillsTheZeroPage) {
  GuestMemory mem(32 << 20);
  BzImage k = parse_bzimage(make_image());
  LinuxPlan p = plan_linux(k, 0, "quiet", mem.ram_size());
  std::vector<E820Entry> e820 = {{0, 0x9FC00, 1}, {0x100000, (32 << 20) - 0x100000, 1}};
  CpuState cpu;
  cpu.gpr[EBX] = 5;
  load_linux(mem, k, {}, "quiet", p, LinuxEntry::Protected32, e820, cpu);
  EXPECT_EQ(cpu.gpr[ESI], kZeroPage);
  EXPECT_EQ(cpu.gpr[EBX], 0u);
  EXPECT_EQ(cpu.gpr[EBP], 0u);
  EXPECT_EQ(cpu.gpr[EDI], 0u);
  EXPECT_EQ(cpu.eip, kKernelBase);
  EXPECT_EQ(cpu.cr0 & 0x80000001u, 1u);
  EXPECT_FALSE(cpu.eflags & flag::IF);
  EXPECT_EQ(cpu.seg[CS].selector, 0x10);
  EXPECT_EQ(cpu.seg[DS].selector, 0x18);
  EXPECT_EQ(cpu.seg[CS].limit, 0xFFFFFFFFu);
  // The GDT the CPU points at holds those descriptors.
  EXPECT_EQ(mem.read32(cpu.gdt.base + 0x10 + 4) & 0x00FFFF00u, 0x00CF9B00u);
  EXPECT_EQ(mem.read32(cpu.gdt.base + 0x18 + 4) & 0x00FFFF00u, 0x00CF9300u);
  EXPECT_GE(cpu.gdt.limit, 0x1F);
  // The header copied from the image, with the loader's fields.
  EXPECT_EQ(mem.read32(kZeroPage + 0x202), 0x53726448u);
  EXPECT_EQ(mem.read8(kZeroPage + 0x1F1), 4);
  EXPECT_EQ(mem.read8(kZeroPage + 0x210), 0xFF);
  EXPECT_EQ(mem.read32(kZeroPage + 0x228), kCmdline);
  EXPECT_EQ(mem.read32(kZeroPage + 0x218), 0u);
  EXPECT_EQ(mem.read8(kZeroPage + 0x1EF), 0);  // sentinel
  // The E820 table.
  EXPECT_EQ(mem.read8(kZeroPage + 0x1E8), 2);
  EXPECT_EQ(mem.read32(kZeroPage + 0x2D0 + 20 + 0), 0x100000u);
  EXPECT_EQ(mem.read32(kZeroPage + 0x2D0 + 20 + 8), (32u << 20) - 0x100000);
  EXPECT_EQ(mem.read32(kZeroPage + 0x2D0 + 20 + 16), 1u);
  // screen_info: 80x25 VGA text.
  EXPECT_EQ(mem.read8(kZeroPage + 7), 80);
  EXPECT_EQ(mem.read8(kZeroPage + 0xE), 25);
}

TEST(LinuxBoot, ReadBootFileReportsMissingEmptyAndTooBig) {
  EXPECT_THROW(read_boot_file("/nonexistent/pxos-kernel", 1 << 20, "--kernel"), LinuxBootError);
  std::string tmpl = (std::filesystem::temp_directory_path() / "pxos-linux-boot-XXXXXX").string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  char* path = name.data();
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  EXPECT_THROW(read_boot_file(path, 1 << 20, "--initrd"), LinuxBootError);  // empty
  std::vector<uint8_t> data(5000, 1);
  ASSERT_EQ(write(fd, data.data(), data.size()), ssize_t(data.size()));
  close(fd);
  EXPECT_EQ(read_boot_file(path, 1 << 20, "--initrd").size(), 5000u);
  try {
    read_boot_file(path, 4096, "--initrd");
    ADD_FAILURE() << "a file larger than the limit was read";
  } catch (const LinuxBootError& e) {
    EXPECT_NE(std::string(e.what()).find("--initrd"), std::string::npos);
  }
  unlink(path);
}

}  // namespace
}  // namespace pxos

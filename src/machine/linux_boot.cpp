#include "machine/linux_boot.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "engine/descriptors.h"
#include "host/host_file.h"

namespace pxos {

namespace {

using namespace linux_layout;

// Setup header fields: their offsets in the image and in boot_params.
namespace hdr {
constexpr uint32_t kSetupSects = 0x1F1;
constexpr uint32_t kSyssize = 0x1F4;
constexpr uint32_t kVidMode = 0x1FA;
constexpr uint32_t kBootFlag = 0x1FE;
constexpr uint32_t kJump = 0x200;  // its second byte: the header's length past 202h
constexpr uint32_t kMagic = 0x202;
constexpr uint32_t kVersion = 0x206;
constexpr uint32_t kTypeOfLoader = 0x210;
constexpr uint32_t kLoadflags = 0x211;
constexpr uint32_t kCode32Start = 0x214;
constexpr uint32_t kRamdiskImage = 0x218;
constexpr uint32_t kRamdiskSize = 0x21C;
constexpr uint32_t kHeapEndPtr = 0x224;
constexpr uint32_t kCmdLinePtr = 0x228;
constexpr uint32_t kInitrdAddrMax = 0x22C;
constexpr uint32_t kXloadflags = 0x236;  // protocol 2.12+
constexpr uint32_t kCmdlineSize = 0x238;
constexpr uint32_t kInitSize = 0x260;
constexpr uint32_t kEnd = 0x264;  // the last field the loader reads ends here

constexpr uint8_t kLoadedHigh = 0x01;
constexpr uint8_t kCanUseHeap = 0x80;
constexpr uint8_t kUndefinedLoader = 0xFF;
constexpr uint16_t kXlfKernel64 = 0x0001;  // xloadflags: the kernel has a 64-bit entry point
}  // namespace hdr

// boot_params ("zero page") fields outside the setup header.
namespace zp {
constexpr uint32_t kSize = 0x1000;
constexpr uint32_t kScreenInfo = 0x000;
constexpr uint32_t kAltMemK = 0x1E0;
constexpr uint32_t kE820Entries = 0x1E8;
constexpr uint32_t kE820Table = 0x2D0;
constexpr uint32_t kE820Max = 128;
}  // namespace zp

constexpr uint32_t kMinVersion = 0x0204;
constexpr uint32_t kMaxSetupSects = 63;  // the real-mode part stays below 32 KiB

uint32_t le(const std::vector<uint8_t>& b, uint32_t off, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | b[off + uint32_t(i)];
  return v;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llXh", static_cast<unsigned long long>(v));
  return buf;
}

void put(GuestMemory& mem, uint64_t addr, std::span<const uint8_t> bytes, const char* what) {
  if (!mem.write(addr, bytes))
    throw LinuxBootError(std::string("the ") + what + " does not fit in guest RAM at " + hex(addr));
}


}  // namespace

BzImage parse_bzimage(std::vector<uint8_t> bytes) {
  BzImage k;
  if (bytes.size() < hdr::kEnd) throw LinuxBootError("--kernel: the file is too small to be a bzImage");
  if (le(bytes, hdr::kMagic, 4) != 0x53726448)  // "HdrS"
    throw LinuxBootError("--kernel: no \"HdrS\" boot header: not a Linux bzImage");
  if (le(bytes, hdr::kBootFlag, 2) != 0xAA55) throw LinuxBootError("--kernel: no AA55h boot flag at 1FEh");
  k.version = uint16_t(le(bytes, hdr::kVersion, 2));
  if (k.version < kMinVersion)
    throw LinuxBootError("--kernel: boot protocol " + std::to_string(k.version >> 8) + "." +
                         std::to_string(k.version & 0xFF) + " is too old (2.04 or later needed)");
  uint32_t sects = bytes[hdr::kSetupSects];
  if (sects == 0) sects = 4;  // the protocol's meaning of 0
  if (sects > kMaxSetupSects)
    throw LinuxBootError("--kernel: setup_sects " + std::to_string(sects) + " is more than " +
                         std::to_string(kMaxSetupSects));
  k.setup_bytes = (sects + 1) * 512;
  k.header_end = 0x202 + bytes[hdr::kJump + 1];
  if (k.header_end < hdr::kInitrdAddrMax + 4 || k.header_end > k.setup_bytes)
    throw LinuxBootError("--kernel: the setup header's length (" + hex(k.header_end) + ") is wrong");
  if (!(bytes[hdr::kLoadflags] & hdr::kLoadedHigh))
    throw LinuxBootError("--kernel: not loaded high (a zImage): only bzImage kernels are supported");
  if (bytes.size() <= k.setup_bytes) throw LinuxBootError("--kernel: the file ends inside the real-mode setup");
  uint64_t syssize = uint64_t{le(bytes, hdr::kSyssize, 4)} * 16;
  if (syssize == 0) throw LinuxBootError("--kernel: syssize is 0: no protected-mode kernel");
  if (bytes.size() - k.setup_bytes < syssize)
    throw LinuxBootError("--kernel: the file is truncated (" + std::to_string(bytes.size()) +
                         " bytes, the header says " + std::to_string(k.setup_bytes + syssize) + ")");
  k.kernel_bytes = uint32_t(bytes.size() - k.setup_bytes);
  if (le(bytes, hdr::kCode32Start, 4) != kKernelBase)
    throw LinuxBootError("--kernel: code32_start is " + hex(le(bytes, hdr::kCode32Start, 4)) + ", not 100000h");
  k.initrd_addr_max = le(bytes, hdr::kInitrdAddrMax, 4);
  if (k.initrd_addr_max == 0) k.initrd_addr_max = 0x37FFFFFF;
  k.cmdline_max = k.version >= 0x0206 ? le(bytes, hdr::kCmdlineSize, 4) : 255;
  k.cmdline_max = std::min<uint32_t>(k.cmdline_max, kCmdlineMax - 1);
  k.init_size = k.version >= 0x020A ? le(bytes, hdr::kInitSize, 4) : 0;
  k.init_size = std::max(k.init_size, k.kernel_bytes);
  k.kernel_64 = k.version >= 0x020C && k.header_end >= hdr::kXloadflags + 2 &&
                (le(bytes, hdr::kXloadflags, 2) & hdr::kXlfKernel64) != 0;
  k.file = std::move(bytes);
  return k;
}

std::optional<uint16_t> vga_mode_from_cmdline(const std::string& cmdline) {
  std::optional<uint16_t> mode;
  size_t at = 0;
  while (at < cmdline.size()) {
    size_t end = cmdline.find_first_of(" \t\n", at);  // the kernel splits its parameters at white space
    if (end == std::string::npos) end = cmdline.size();
    std::string word = cmdline.substr(at, end - at);
    at = end + 1;
    if (word.rfind("vga=", 0) != 0) continue;
    std::string value = word.substr(4);
    if (value == "normal") {
      mode = 0xFFFF;
    } else if (value == "ext") {
      mode = 0xFFFE;
    } else if (value == "ask") {
      mode = 0xFFFD;
    } else {
      char* rest = nullptr;
      unsigned long n = value.empty() || value[0] == '-' ? ~0ul : std::strtoul(value.c_str(), &rest, 0);
      if (n > 0xFFFF || !rest || *rest != '\0')
        throw LinuxBootError("--append: " + word + ": the mode is not a number up to 0xFFFF, normal, ext or ask");
      mode = uint16_t(n);
    }
  }
  return mode;
}

LinuxPlan plan_linux(const BzImage& k, uint64_t initrd_size, const std::string& cmdline, uint64_t ram_bytes) {
  LinuxPlan p;
  if (cmdline.size() > k.cmdline_max)
    throw LinuxBootError("--append: the command line is " + std::to_string(cmdline.size()) +
                         " bytes, the kernel takes at most " + std::to_string(k.cmdline_max));
  if (cmdline.find('\0') != std::string::npos) throw LinuxBootError("--append: the command line contains a NUL");
  uint64_t end = uint64_t{kKernelBase} + k.init_size;
  auto mib = [](uint64_t b) { return std::to_string((b + (1 << 20) - 1) >> 20) + " MiB"; };
  if (end > ram_bytes)
    throw LinuxBootError("--kernel: the kernel needs " + mib(end) + " of RAM to unpack, --memory gives " +
                         mib(ram_bytes));
  p.kernel_end = uint32_t(end);
  p.vid_mode = vga_mode_from_cmdline(cmdline);
  if (initrd_size) {
    uint64_t top = std::min<uint64_t>(ram_bytes, uint64_t{k.initrd_addr_max} + 1);
    uint64_t base = top >= initrd_size ? (top - initrd_size) & ~uint64_t{0xFFF} : 0;
    if (base < end)
      throw LinuxBootError("--initrd: " + std::to_string(initrd_size) + " bytes do not fit between the kernel (up to " +
                           hex(end) + ") and " + hex(top) + ": give more --memory");
    p.initrd_base = uint32_t(base);
    p.initrd_size = uint32_t(initrd_size);
  }
  return p;
}

void load_linux(GuestMemory& mem, const BzImage& k, std::span<const uint8_t> initrd, const std::string& cmdline,
                const LinuxPlan& plan, LinuxEntry entry, std::span<const E820Entry> e820, CpuState& cpu) {
  put(mem, kKernelBase, k.kernel(), "kernel");
  if (plan.initrd_size) put(mem, plan.initrd_base, initrd.first(plan.initrd_size), "initrd");
  std::vector<uint8_t> line(cmdline.begin(), cmdline.end());
  line.push_back(0);
  put(mem, kCmdline, line, "command line");

  // The setup header with the loader's fields filled in; `base` is where
  // the header's image offsets are in guest memory.
  auto fill_header = [&](uint32_t base) {
    mem.write8(base + hdr::kTypeOfLoader, hdr::kUndefinedLoader);
    mem.write8(base + hdr::kLoadflags, uint8_t(mem.read8(base + hdr::kLoadflags) | hdr::kCanUseHeap));
    mem.write16(base + hdr::kHeapEndPtr, kHeapEnd);
    mem.write32(base + hdr::kCmdLinePtr, kCmdline);
    mem.write32(base + hdr::kRamdiskImage, plan.initrd_base);
    mem.write32(base + hdr::kRamdiskSize, plan.initrd_size);
    if (plan.vid_mode) mem.write16(base + hdr::kVidMode, *plan.vid_mode);
  };

  if (entry == LinuxEntry::RealMode) {
    put(mem, kSetupBase, k.setup(), "real-mode setup");
    fill_header(kSetupBase);
    for (Sreg s : {ES, SS, DS, FS, GS}) cpu.load_real_segment(s, kSetupSegment);
    cpu.load_real_segment(CS, kSetupSegment + 0x20);
    cpu.eip = 0;
    for (uint32_t& r : cpu.gpr) r = 0;
    cpu.gpr[ESP] = kSetupStack;
    cpu.eflags = flag::FIXED1;  // interrupts off
    return;
  }

  // Protected32: the zero page, with the setup header copied from the image.
  std::vector<uint8_t> zero(zp::kSize, 0);
  std::copy(k.file.begin() + hdr::kSetupSects, k.file.begin() + k.header_end, zero.begin() + hdr::kSetupSects);
  put(mem, kZeroPage, zero, "zero page");
  fill_header(kZeroPage);
  // screen_info: 80x25 colour text on a VGA, the cursor at the top left.
  const uint32_t si = kZeroPage + zp::kScreenInfo;
  uint64_t ext_kib = mem.ram_size() > 0x100000 ? (mem.ram_size() - 0x100000) / 1024 : 0;
  mem.write16(si + 0x02, uint16_t(std::min<uint64_t>(ext_kib, 0xFFFF)));  // ext_mem_k
  mem.write8(si + 0x06, 3);                                               // orig_video_mode
  mem.write8(si + 0x07, 80);                                              // orig_video_cols
  mem.write16(si + 0x0A, 0x0003);                                         // orig_video_ega_bx
  mem.write8(si + 0x0E, 25);                                              // orig_video_lines
  mem.write8(si + 0x0F, 1);                                               // orig_video_isVGA
  mem.write16(si + 0x10, 16);                                             // orig_video_points
  mem.write32(kZeroPage + zp::kAltMemK, uint32_t(std::min<uint64_t>(ext_kib, 0xFFFFFFFF)));
  uint32_t n = uint32_t(std::min<size_t>(e820.size(), zp::kE820Max));
  mem.write8(kZeroPage + zp::kE820Entries, uint8_t(n));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t at = kZeroPage + zp::kE820Table + i * 20;
    mem.write32(at, uint32_t(e820[i].base));
    mem.write32(at + 4, uint32_t(e820[i].base >> 32));
    mem.write32(at + 8, uint32_t(e820[i].size));
    mem.write32(at + 12, uint32_t(e820[i].size >> 32));
    mem.write32(at + 16, e820[i].type);
  }

  // A GDT with flat 4 GiB code at 10h and data at 18h, as the protocol asks
  // (accessed bits set, as the kernel's own GDT has them).
  const uint64_t gdt[4] = {0, 0, x86::segment_descriptor(0, 0xFFFFF, x86::kCode0 | 1, x86::kFlat32),
                           x86::segment_descriptor(0, 0xFFFFF, x86::kData0 | 1, x86::kFlat32)};
  uint8_t gdt_bytes[sizeof gdt];
  std::memcpy(gdt_bytes, gdt, sizeof gdt);  // little-endian host and guest
  put(mem, kGdt, gdt_bytes, "GDT");
  cpu.gdt = {kGdt, sizeof gdt - 1};
  cpu.idt = {0, 0};
  x86::load_flat_segments(cpu, 0x10, 0x18);
  cpu.cr0 = 0x00000011;  // PE, ET; paging and caches' CD/NW off
  cpu.cr3 = cpu.cr4 = 0;
  for (uint32_t& r : cpu.gpr) r = 0;
  cpu.gpr[ESI] = kZeroPage;
  cpu.gpr[ESP] = kZeroPage;  // the kernel sets its own stack at once
  cpu.eip = kKernelBase;
  cpu.eflags = flag::FIXED1;  // interrupts off
}

std::vector<uint8_t> read_boot_file(const std::string& path, uint64_t max_bytes, const char* what) {
  HostFile f = read_host_file(path, max_bytes);
  if (f.status == HostFile::Status::TooLarge)
    throw LinuxBootError(std::string(what) + ": " + path + " is larger than the guest's RAM (" +
                         std::to_string(max_bytes >> 20) + " MiB)");
  if (!f.ok()) throw LinuxBootError(std::string(what) + ": " + f.error);
  if (f.bytes.empty()) throw LinuxBootError(std::string(what) + ": " + path + " is empty");
  return std::move(f.bytes);
}

}  // namespace pxos

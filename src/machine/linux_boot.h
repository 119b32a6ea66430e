// The Linux x86 boot protocol (Documentation/x86/boot.rst): a bzImage, an
// optional initrd and a command line loaded into guest memory, and the CPU
// state at the kernel's entry. Two ways in:
//   - RealMode (the default, as QEMU does it): the kernel's own real-mode
//     setup runs at kSetupSegment + 20h:0 and calls the BIOS (E820 ...);
//   - Protected32 (--boot-protocol 32, as Firecracker does it): the monitor
//     fills the boot parameters ("zero page") and enters the 32-bit kernel
//     at 100000h with flat segments, paging off, ESI = the zero page.
// Every field read from the image is checked: a bad file is a LinuxBootError
// with a one-line message, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "vm/memory.h"

namespace pxos {

struct LinuxBootError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class LinuxEntry { RealMode, Protected32 };

// Where things go in guest memory.
namespace linux_layout {
inline constexpr uint16_t kSetupSegment = 0x1000;  // the real-mode setup at 10000h
inline constexpr uint32_t kSetupBase = uint32_t{kSetupSegment} << 4;
inline constexpr uint16_t kHeapEnd = 0xFE00;       // heap_end_ptr, from the setup's start
inline constexpr uint16_t kSetupStack = 0xFFF0;    // SP at the setup's entry
inline constexpr uint32_t kCmdline = 0x20000;      // the command line (both ways)
inline constexpr uint32_t kCmdlineMax = 0x10000;   // bytes there, the NUL included
inline constexpr uint32_t kGdt = 0x6000;           // Protected32: the flat GDT
inline constexpr uint32_t kZeroPage = 0x7000;      // Protected32: boot_params (4 KiB)
inline constexpr uint32_t kKernelBase = 0x100000;  // the protected-mode kernel
}  // namespace linux_layout

// The parts of a bzImage the loader uses, checked.
struct BzImage {
  std::vector<uint8_t> file;
  uint16_t version = 0;       // boot protocol, e.g. 0x020F
  uint32_t setup_bytes = 0;   // boot sector + setup: (setup_sects + 1) * 512
  uint32_t kernel_bytes = 0;  // the protected-mode part after them
  uint32_t initrd_addr_max = 0;
  uint32_t cmdline_max = 0;  // longest command line, NUL excluded
  uint32_t init_size = 0;    // memory the kernel needs from 100000h (at least kernel_bytes)
  uint32_t header_end = 0;   // file offset just past the setup header
  bool kernel_64 = false;    // xloadflags XLF_KERNEL_64 (protocol 2.12+): an x86-64 kernel, which needs long mode

  std::span<const uint8_t> setup() const { return {file.data(), setup_bytes}; }
  std::span<const uint8_t> kernel() const { return {file.data() + setup_bytes, kernel_bytes}; }
};

// Checks a bzImage: size, the "HdrS" magic, the protocol (2.04 or later),
// setup_sects, a kernel loaded high. Throws LinuxBootError.
BzImage parse_bzimage(std::vector<uint8_t> bytes);

// Where the initrd lands, with checks that everything fits in `ram_bytes`.
struct LinuxPlan {
  uint32_t kernel_end = 0;  // 100000h + init_size
  uint32_t initrd_base = 0;
  uint32_t initrd_size = 0;
  std::optional<uint16_t> vid_mode;  // the command line's vga=, for the setup header
};
LinuxPlan plan_linux(const BzImage& k, uint64_t initrd_size, const std::string& cmdline, uint64_t ram_bytes);

// The command line's vga=<mode> (the last one), which the boot loader puts in
// the setup header's vid_mode: the kernel's real-mode setup sets that video
// mode before it reads the command line (Documentation/x86/boot.rst). <mode>
// is a number in C notation (vga=0x317, VESA mode 117h + 200h) or normal
// (FFFFh), ext (FFFEh), ask (FFFDh); anything else throws LinuxBootError.
std::optional<uint16_t> vga_mode_from_cmdline(const std::string& cmdline);

// One E820 entry for the zero page.
struct E820Entry {
  uint64_t base, size;
  uint32_t type;
};

// Writes the setup, the kernel, the initrd, the command line (and, for
// Protected32, the zero page and GDT) into memory, and changes `cpu` (the
// state after POST) to the kernel's entry state.
void load_linux(GuestMemory& mem, const BzImage& k, std::span<const uint8_t> initrd, const std::string& cmdline,
                const LinuxPlan& plan, LinuxEntry entry, std::span<const E820Entry> e820, CpuState& cpu);

// Reads a whole file of at most `max_bytes`; throws LinuxBootError naming
// `what` ("--kernel", "--initrd") when it cannot.
std::vector<uint8_t> read_boot_file(const std::string& path, uint64_t max_bytes, const char* what);

}  // namespace pxos

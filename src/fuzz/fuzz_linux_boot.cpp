// libFuzzer target: a --kernel file. The input is
//   [ram MiB] [initrd KiB, 2 bytes] [entry] [cmdline length] [cmdline] [image]
// The image goes through parse_bzimage; a good one is planned and loaded
// with an initrd of the given size through both entries. A bad image must
// give a LinuxBootError, never a crash, and a loaded one must leave the
// CPU at the protocol's entry.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "machine/linux_boot.h"
#include "vm/memory.h"

using namespace pxos;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint64_t ram = (uint64_t{in.u8()} % 40 + 1) << 20;
  uint32_t initrd_kib = in.u8() | uint32_t{in.u8()} << 8;
  LinuxEntry entry = in.u8() & 1 ? LinuxEntry::Protected32 : LinuxEntry::RealMode;
  uint8_t cmd_len = in.u8();
  std::string cmdline;
  for (uint8_t i = 0; i < cmd_len; ++i) cmdline.push_back(char(in.u8()));
  std::vector<uint8_t> image;
  while (!in.empty()) image.push_back(in.u8());
  try {
    BzImage k = parse_bzimage(std::move(image));
    check(k.setup_bytes + k.kernel_bytes == k.file.size());
    std::vector<uint8_t> initrd(size_t{initrd_kib} * 1024, 0x5A);
    LinuxPlan plan = plan_linux(k, initrd.size(), cmdline, ram);
    GuestMemory mem(ram);
    std::vector<E820Entry> e820 = {{0, 0x9FC00, 1}, {0x100000, ram - 0x100000, 1}};
    CpuState cpu;
    load_linux(mem, k, initrd, cmdline, plan, entry, e820, cpu);
    if (entry == LinuxEntry::Protected32)
      check(cpu.eip == linux_layout::kKernelBase && (cpu.cr0 & 1));
    else
      check(cpu.seg[CS].selector == linux_layout::kSetupSegment + 0x20 && !(cpu.cr0 & 1));
    if (plan.initrd_size) check(mem.read8(plan.initrd_base) == 0x5A);
  } catch (const LinuxBootError&) {
  }
  return 0;
}

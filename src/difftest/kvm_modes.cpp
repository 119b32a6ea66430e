// pxos-difftest --measure, the KVM half: how fast does this host's KVM run a
// DEC/JNZ loop at CPL 3 in 32-bit protected mode, in the compatibility mode of
// long mode (a 32-bit code segment with EFER.LMA) and in 64-bit mode? A
// small VM of its own (raw KVM ioctls, not the engine: the Vcpu interface has
// no EFER), registers set directly, the loop ending with an OUT (IOPL 3).
#include "difftest/kvm_modes.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace pxos::difftest {
namespace {

constexpr uint64_t kMem = 2u << 20, kPml4 = 0x1000, kPdpt = 0x2000, kPd = 0x3000, kCode = 0x10000;
constexpr uint64_t kTss = 0x5000;

kvm_segment seg(uint16_t sel, uint8_t type, bool code64, bool db) {
  kvm_segment s{};
  s.base = 0;
  s.limit = 0xFFFFFFFF;
  s.selector = sel;
  s.type = type;
  s.present = 1;
  s.dpl = sel & 3;
  s.db = db;
  s.s = 1;
  s.l = code64;
  s.g = 1;
  return s;
}

struct Fds {
  int kvm = -1, vm = -1, vcpu = -1;
  void* run = MAP_FAILED;
  size_t run_size = 0;
  void* mem = MAP_FAILED;
  ~Fds() {
    if (run != MAP_FAILED) munmap(run, run_size);
    if (mem != MAP_FAILED) munmap(mem, kMem);
    for (int fd : {vcpu, vm, kvm})
      if (fd >= 0) close(fd);
  }
};

// One timed run; returns seconds, or a negative value with `why` set.
double run_mode(ModeKind mode, uint32_t iterations, std::string& why) {
  Fds f;
  f.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (f.kvm < 0) return why = "cannot open /dev/kvm", -1;
  f.vm = ioctl(f.kvm, KVM_CREATE_VM, 0);
  if (f.vm < 0) return why = "KVM_CREATE_VM failed", -1;
  ioctl(f.vm, KVM_SET_TSS_ADDR, 0xFFFBD000ul);
  f.mem = mmap(nullptr, kMem, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (f.mem == MAP_FAILED) return why = "cannot map memory", -1;
  kvm_userspace_memory_region region{0, 0, 0, kMem, uint64_t(uintptr_t(f.mem))};
  if (ioctl(f.vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) return why = "KVM_SET_USER_MEMORY_REGION failed", -1;
  f.vcpu = ioctl(f.vm, KVM_CREATE_VCPU, 0);
  if (f.vcpu < 0) return why = "KVM_CREATE_VCPU failed", -1;
  f.run_size = size_t(ioctl(f.kvm, KVM_GET_VCPU_MMAP_SIZE, 0));
  f.run = mmap(nullptr, f.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, f.vcpu, 0);
  if (f.run == MAP_FAILED) return why = "cannot map the run area", -1;

  // The host's CPUID (long mode needs LM there).
  std::vector<uint8_t> buf(sizeof(kvm_cpuid2) + 256 * sizeof(kvm_cpuid_entry2));
  auto* cpuid = reinterpret_cast<kvm_cpuid2*>(buf.data());
  cpuid->nent = 256;
  if (ioctl(f.kvm, KVM_GET_SUPPORTED_CPUID, cpuid) == 0) ioctl(f.vcpu, KVM_SET_CPUID2, cpuid);

  auto* m = static_cast<uint8_t*>(f.mem);
  auto put64 = [&](uint64_t a, uint64_t v) { std::memcpy(m + a, &v, 8); };
  put64(kPml4, kPdpt | 7);
  put64(kPdpt, kPd | 7);
  put64(kPd, 0x87);                 // 2 MiB page at 0, user, writable
  if (mode == ModeKind::Paged32) {  // 32-bit paging: a PD at kPml4, a PT at kPdpt (4 KiB pages)
    std::memset(m + kPml4, 0, 0x2000);
    uint32_t pde = uint32_t(kPdpt) | 7;
    std::memcpy(m + kPml4, &pde, 4);
    for (uint32_t k = 0; k < 1024; ++k) {
      uint32_t pte = k << 12 | 7;
      std::memcpy(m + kPdpt + 4 * k, &pte, 4);
    }
  }
  // mov ecx, n; dec ecx (FF C9: the same in every mode); jnz back; out 80h, al
  const uint8_t loop[] = {0xB9,
                          uint8_t(iterations),
                          uint8_t(iterations >> 8),
                          uint8_t(iterations >> 16),
                          uint8_t(iterations >> 24),
                          0xFF,
                          0xC9,
                          0x75,
                          0xFC,
                          0xE6,
                          0x80};
  std::memcpy(m + kCode, loop, sizeof loop);

  if (mode == ModeKind::Pae32) {  // PAE paging: CR3 -> a PDPT at kPdpt, its first PD at kPd (2 MiB pages)
    std::memset(m + kPdpt, 0, 32);
    put64(kPdpt, kPd | 1);  // PDPTEs have no RW/US bits
  }
  kvm_sregs s{};
  if (ioctl(f.vcpu, KVM_GET_SREGS, &s) < 0) return why = "KVM_GET_SREGS failed", -1;
  bool longmode = mode == ModeKind::Compat32 || mode == ModeKind::Long64;
  s.cs = seg(0x1B, 0xB, mode == ModeKind::Long64, mode != ModeKind::Long64);
  s.ss = s.ds = s.es = s.fs = s.gs = seg(0x23, 0x3, false, true);
  s.tr = kvm_segment{kTss, 0x67, 0x28, 11, 1, 0, 0, 0, 0, 0, 0, 0, {}};
  s.ldt = kvm_segment{};
  s.ldt.unusable = 1;
  s.gdt = {0x4000, {}, 0x37, {}};
  s.idt = {0x4800, {}, 0, {}};
  bool paged = mode != ModeKind::Protected32;
  s.cr0 = 0x11 | (paged ? 0x80000000u : 0);
  s.cr4 = longmode || mode == ModeKind::Pae32 ? 0x20 : 0;  // PAE
  s.cr3 = mode == ModeKind::Pae32 ? kPdpt : paged ? kPml4 : 0;
  s.efer = longmode ? 0x500 : 0;  // LME | LMA
  if (ioctl(f.vcpu, KVM_SET_SREGS, &s) < 0) return why = "KVM_SET_SREGS refused this mode", -1;
  kvm_regs r{};
  r.rip = kCode;
  r.rsp = 0x8000;
  r.rflags = 0x3002;  // IOPL 3
  if (ioctl(f.vcpu, KVM_SET_REGS, &r) < 0) return why = "KVM_SET_REGS failed", -1;

  auto* run = static_cast<kvm_run*>(f.run);
  auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    if (ioctl(f.vcpu, KVM_RUN, 0) < 0) return why = "KVM_RUN failed", -1;
    if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0x80) break;
    if (run->exit_reason == KVM_EXIT_INTR) continue;
    char t[96];
    std::snprintf(t, sizeof t, "stopped with exit reason %u before the loop's end", run->exit_reason);
    return why = t, -1;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void measure_kvm_modes(uint32_t iterations) {
  const struct {
    ModeKind mode;
    const char* name;
  } modes[] = {{ModeKind::Protected32, "32-bit protected mode"},
               {ModeKind::Paged32, "32-bit protected mode, 32-bit paging"},
               {ModeKind::Pae32, "32-bit protected mode, PAE paging"},
               {ModeKind::Compat32, "long mode, 32-bit compatibility segment"},
               {ModeKind::Long64, "64-bit mode"}};
  for (const auto& md : modes) {
    std::string why;
    double secs = run_mode(md.mode, iterations, why);
    if (secs < 0)
      std::printf("kvm  %s, CPL 3: cannot run: %s\n", md.name, why.c_str());
    else
      std::printf("kvm  %s, CPL 3: %u iterations of dec/jnz in %.3f s: %.1f ns per instruction\n", md.name, iterations,
                  secs, secs * 1e9 / (2.0 * iterations));
  }
}

}  // namespace pxos::difftest

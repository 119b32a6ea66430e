// pxos bench cpu [--paged] [--iterations N] [--bin FILE] [--jit on|off]: runs the fixed
// real-mode workload (guests/bench_cpu.asm, built next to the pxos binary as
// guests/bench_cpu.bin), or with --paged the same loop in 32-bit protected mode with
// paging (guests/bench_paged.asm), directly on a soft vCPU and prints the guest
// instruction rate, and what the workload wrote to the debug port (E9h).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/guest_path.h"
#include "engine/soft/soft_vcpu.h"
#include "vm/bus.h"
#include "host/host_file.h"
#include "vm/memory.h"

namespace pxos::cli {

namespace {
constexpr const char* kHelp = R"(usage: pxos bench cpu [--paged] [--iterations N] [--bin FILE] [--jit on|off]
Runs a fixed workload directly on a software-engine vCPU and prints the guest
instruction rate (MIPS) and the printable bytes the workload wrote to port E9h
(its "guest output:" line, e.g. a checksum of its work).
  --paged          the same loop in 32-bit protected mode with paging
                   (guests/bench_paged.asm; default: real mode, bench_cpu.asm)
  --iterations N   the loop count (default: the workload's own)
  --bin FILE       another workload: a flat binary loaded at 0:7C00h, its
                   32-bit iteration count at offset 4, 8 bytes .. 32 KiB
  --jit on|off     translate common code to host code (default: on), as
                   pxos run --jit
  --help, -h       this text
)";
}  // namespace

int bench_cpu(Args args) {
  if (help_asked(args, kHelp)) return 0;
  std::string bin = guest_binary("bench_cpu");
  long long iterations = -1;
  SoftOptions opts;
  for (size_t k = 0; k < args.size(); ++k) {
    if (!std::strcmp(args[k], "--bin") && k + 1 < args.size()) {
      bin = args[++k];
    } else if (!std::strcmp(args[k], "--paged")) {
      bin = guest_binary("bench_paged");
    } else if (!std::strcmp(args[k], "--iterations") && k + 1 < args.size()) {
      iterations = std::atoll(args[++k]);
    } else if (!std::strcmp(args[k], "--jit") && k + 1 < args.size()) {
      std::string v = args[++k];
      if (v != "on" && v != "off") {
        std::fprintf(stderr, "pxos bench cpu: --jit: '%s' is not on or off\n", v.c_str());
        return kExitUsage;
      }
      opts.translate = v == "on";
    } else {
      std::fprintf(stderr, "pxos bench cpu: unexpected argument '%s' (see pxos bench cpu --help)\n", args[k]);
      return kExitUsage;
    }
  }
  HostFile file = read_host_file(bin, 0x8000);
  if (file.ok() && file.bytes.size() < 8) file.error = bin + ": shorter than 8 bytes";
  if (!file.error.empty()) {
    std::fprintf(stderr, "pxos bench cpu: cannot use the workload: %s\n", file.error.c_str());
    return kExitUsage;
  }
  std::vector<uint8_t> code = std::move(file.bytes);
  if (iterations >= 0) {
    uint32_t it = uint32_t(iterations);
    std::memcpy(code.data() + 4, &it, 4);  // the iteration count lives at offset 4
  }
  GuestMemory mem(16u << 20);
  MmioBus mmio;
  mem.write(0x7C00, code);
  auto vcpu = make_soft_vcpu(mem, mmio, opts);
  CpuState s = vcpu->state();
  s.seg[CS] = Segment{0, 0, 0xFFFF, 0x9B};
  s.eip = 0x7C00;
  vcpu->set_state(s);

  auto t0 = std::chrono::steady_clock::now();
  bool done = false;
  std::string output;  // printable bytes written to port E9h (kMaxOutput at most)
  constexpr size_t kMaxOutput = 256;
  while (!done) {
    Exit e = vcpu->run();
    switch (e.reason) {
      case ExitReason::Io:
        if (e.io.is_write && e.io.port == 0xF4) done = true;
        if (e.io.is_write && e.io.port == 0xE9 && e.io.size == 1)
          for (uint8_t b : e.io.data)
            if (b >= 0x20 && b < 0x7F && output.size() < kMaxOutput) output += char(b);
        if (!e.io.is_write) std::fill(e.io.data.begin(), e.io.data.end(), 0xFF);
        break;
      case ExitReason::Hlt:
        done = true;
        break;
      case ExitReason::Kicked:
      case ExitReason::IrqWindow:
      case ExitReason::Mmio:
        break;
      default:
        std::fprintf(stderr, "pxos bench cpu: the workload stopped: %s\n",
                     e.reason == ExitReason::Shutdown ? "shutdown" : e.error.c_str());
        return kExitMonitor;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  uint64_t n = vcpu->instructions_retired();
  std::printf("instructions: %llu\ntime: %.3f s\nMIPS: %.1f\nguest output: %s\n", (unsigned long long)n, secs,
              n / secs / 1e6, output.c_str());
  return 0;
}

}  // namespace pxos::cli

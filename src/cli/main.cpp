// pxos: the command-line entry point. Dispatches to one sub-command.
#include <cstdio>
#include <cstring>
#include <exception>
#include <span>

#include "cli/commands.h"
#include "cli/options.h"

namespace {

// `pxos --help`: the commands, then `pxos run`'s options (kRunUsage, kept
// with its parser in cli/options.cpp). Each command's own usage is next to
// its parser.
constexpr const char* kUsage =
    R"(pxOS: a PC hypervisor with its own BIOS, on KVM or a software x86 engine.

usage:
  pxos run [options]            boot a PC guest (options below)
  pxos bench exits|cpu|serial   benchmarks of exits, the software engine, COM1
  pxos cputest DIR              run CPU conformance vectors (JSONL.gz files)
  pxos pxi COMMAND ...          pixel-native driver tools
  pxos initramfs ...            a busybox initramfs for --initrd
  pxos fat-image DIR -o OUT     the disk --hdd-dir DIR makes, as an image file
  pxos --version                the version, the engines and the PXI backends
  pxos --help                   this text

Every command takes --help (or -h): its usage and all its flags.

)";

}  // namespace

int main(int argc, char** argv) {
  using namespace pxos::cli;
  std::span<char* const> args(argv + 1, argc > 1 ? size_t(argc - 1) : 0);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    std::fputs(kRunUsage, stderr);
    return kExitUsage;
  }
  std::string cmd = args[0];
  Args rest = args.subspan(1);
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::fputs(kUsage, stdout);
      std::fputs(kRunUsage, stdout);
      return 0;
    }
    if (cmd == "--version" || cmd == "version") return cmd_version(rest);
    if (cmd == "run") return cmd_run(rest);
    if (cmd == "bench") return cmd_bench(rest);
    if (cmd == "cputest") return cmd_cputest(rest);
    if (cmd == "pxi") return cmd_pxi(rest);
    if (cmd == "initramfs") return cmd_initramfs(rest);
    if (cmd == "fat-image") return cmd_fat_image(rest);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos %s: %s\n", cmd.c_str(), e.what());
    return kExitMonitor;
  }
  std::fprintf(stderr, "pxos: unknown command '%s' (see pxos --help)\n", cmd.c_str());
  return kExitUsage;
}

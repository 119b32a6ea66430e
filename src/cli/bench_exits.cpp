// pxos bench exits: the cost of a raw port-I/O exit and of BIOS call round
// trips (INT 13h one-sector read, INT 10h teletype) on one engine, measured
// side by side in one run by the guest in guests/bench_exits.asm.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

#include "cli/commands.h"
#include "cli/guest_path.h"
#include "cli/options.h"
#include "machine/monitor.h"

namespace pxos::cli {

namespace {
constexpr uint16_t kMarkerPort = 0x510;
constexpr int kPhases = 7;  // markers 1..7; phase k runs from marker k to k+1
using Clock = std::chrono::steady_clock;

constexpr const char* kHelp = R"(usage: pxos bench exits [--engine auto|kvm|soft] [--rounds N] [--calls N]
The cost of a raw port-I/O exit and of BIOS call round trips (INT 13h one-sector
read, INT 10h teletype), measured side by side in one run by a guest
(guests/bench_exits.asm); the best round counts.
  --engine auto|kvm|soft   the engine (default kvm)
  --rounds N               rounds, 1..100 (default 5)
  --calls N                calls per phase and round, 1..65535 (default 3000
                           on kvm, 60000 on soft)
  --help, -h               this text
)";
}  // namespace

int bench_exits(Args args) {
  if (help_asked(args, kHelp)) return 0;
  MachineConfig mc;
  mc.engine = EngineKind::Kvm;
  int rounds = 5;
  long calls = 0;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      std::string a = args[i];
      if (a == "--engine") mc.engine = parse_engine(flag_value(args, i));
      else if (a == "--rounds") rounds = std::stoi(flag_value(args, i));
      else if (a == "--calls") calls = std::stol(flag_value(args, i));
      else throw UsageError("unknown option '" + a + "' (see pxos bench exits --help)");
    }
    if (rounds < 1 || rounds > 100) throw UsageError("--rounds must be 1..100");
    if (calls < 0 || calls > 65535) throw UsageError("--calls must be 1..65535");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos bench exits: %s\n", e.what());
    return kExitUsage;
  }
  mc.boot_sector = guest_binary("bench_exits");
  std::unique_ptr<Machine> m;
  try {
    m = std::make_unique<Machine>(mc);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos bench exits: %s\n", e.what());
    return kExitUsage;
  }
  if (calls == 0) calls = m->vcpu->name() == "kvm" ? 3000 : 60000;

  // Per round, the time between consecutive markers.
  std::vector<std::array<double, kPhases>> times;
  Clock::time_point last{};
  int round = 0;
  m->ports.add("bench-marker", kMarkerPort, 2, [&](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (!is_write) {
      uint16_t v = uint16_t(times.empty() ? calls : (round < rounds ? 1 : 0));
      u32_to_bytes(v, data);
      return;
    }
    auto now = Clock::now();
    int marker = data[0];
    if (marker == 1) times.push_back({});
    if (marker > 1 && marker <= kPhases && !times.empty())
      times.back()[marker - 2] = std::chrono::duration<double>(now - last).count();
    if (marker == kPhases) ++round;
    last = now;
  });
  RunOptions ro;
  ro.timeout_seconds = 600;
  RunOutcome o = run_machine(*m, ro);
  if (o.kind != RunOutcome::GuestExit || times.size() != size_t(rounds)) {
    std::fprintf(stderr, "pxos bench exits: the benchmark guest did not finish (%s)\n", o.message.c_str());
    return kExitMonitor;
  }
  // Best round per phase: the least disturbed by the host.
  std::array<double, kPhases> best;
  best.fill(1e30);
  for (const auto& r : times)
    for (int p = 0; p < kPhases - 1; ++p) best[p] = std::min(best[p], r[p]);
  auto per_call_us = [&](int with, int without) { return (best[with] - best[without]) / double(calls) * 1e6; };
  double raw = per_call_us(1, 0);
  double disk = per_call_us(3, 2);
  double tty = per_call_us(5, 4);
  std::printf("pxos bench exits: engine %s, %d rounds of %ld calls each (best round; loop cost subtracted)\n",
              m->vcpu->name().c_str(), rounds, calls);
  std::printf("  %-36s %9.3f us  (anchor)\n", "raw port-I/O exit (OUT 80h)", raw);
  std::printf("  %-36s %9.3f us  %5.2fx raw exit\n", "INT 13h AH=02h one-sector read", disk, disk / raw);
  std::printf("  %-36s %9.3f us  %5.2fx raw exit\n", "INT 10h AH=0Eh teletype", tty, tty / raw);
  return 0;
}

}  // namespace pxos::cli

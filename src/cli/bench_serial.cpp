// pxos bench serial: a guest (guests/bench_serial.asm) sends N bytes to COM1
// with the traditional driver (LSR polled, one OUT per byte) and with the
// pixel device (one doorbell per batch of up to 64 KiB), on each engine and
// pixel backend, side by side in one run. Guest-visible time: from the
// guest's marker before the first byte to its marker after the last byte was
// accepted (the pixel batch done, its bytes in the UART).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/guest_path.h"
#include "cli/options.h"
#include "engine/kvm/kvm_vcpu.h"
#include "machine/monitor.h"
#include "pxi/executor.h"

namespace pxos::cli {

namespace {
constexpr uint16_t kMarkerPort = 0x510;
using Clock = std::chrono::steady_clock;

struct Row {
  std::string engine, backend;
  uint32_t n = 0;
  double byte_s = 1e30, pixel_s = 1e30, build_s = 1e30;  // best round: per-byte, pixel (ops ready), pixel (+ build)
  double batch_us = 0;                   // device: doorbell to done, mean over the best pixel round
  uint64_t batches = 0;
  bool ok = true;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  size_t p = 0;
  while (p <= s.size()) {
    size_t q = std::min(s.find(',', p), s.size());
    if (q > p) v.push_back(s.substr(p, q - p));
    p = q + 1;
  }
  return v;
}

std::string size_name(uint32_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " B";
}

std::string rate(double bytes_per_s) {
  char b[32];
  if (bytes_per_s >= 1e6) std::snprintf(b, sizeof b, "%.2f MB/s", bytes_per_s / 1e6);
  else if (bytes_per_s >= 1e3) std::snprintf(b, sizeof b, "%.2f kB/s", bytes_per_s / 1e3);
  else std::snprintf(b, sizeof b, "%.0f B/s", bytes_per_s);
  return b;
}

// One machine: every size, `rounds` times each.
std::vector<Row> run_one(EngineKind engine, const std::string& backend, const std::vector<uint32_t>& sizes,
                         int rounds, double timeout_s, std::string* error) {
  MachineConfig mc;
  mc.engine = engine;
  mc.boot_sector = guest_binary("bench_serial");
  mc.pixel_backend = backend;
  mc.serial = "null";
  std::unique_ptr<Machine> m;
  try {
    m = std::make_unique<Machine>(mc);
  } catch (const std::exception& e) {
    *error = e.what();
    return {};
  }
  std::vector<Row> rows(sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    rows[i].engine = m->vcpu->name();
    rows[i].backend = m->pixel->backend_name();
    rows[i].n = sizes[i];
  }
  size_t job = 0;  // sizes.size() * rounds jobs, size-major
  const size_t jobs = sizes.size() * size_t(rounds);
  Clock::time_point t1, t2, t3;
  uint64_t uart0 = 0, uart1 = 0, uart2 = 0;
  PixelDevice::Stats px0;
  m->ports.add("bench-marker", kMarkerPort, 2, [&](uint64_t, std::span<uint8_t> data, bool is_write) {
    if (!is_write) {
      u32_to_bytes(job < jobs ? sizes[job / size_t(rounds)] : 0, data);
      return;
    }
    auto now = Clock::now();
    Row& r = rows[std::min(job / size_t(rounds), rows.size() - 1)];
    switch (data[0]) {
      case 1:
        t1 = now;
        uart0 = m->com1->stats().bytes_out;
        break;
      case 2:
        t2 = now;
        uart1 = m->com1->stats().bytes_out;
        px0 = m->pixel->stats();
        break;
      case 3: {
        t3 = now;
        uart2 = m->com1->stats().bytes_out;
        const PixelDevice::Stats& px = m->pixel->stats();
        r.ok = r.ok && uart1 - uart0 == r.n && uart2 - uart1 == r.n && px.failed == px0.failed;
        r.byte_s = std::min(r.byte_s, std::chrono::duration<double>(t2 - t1).count());
        const double ps = std::chrono::duration<double>(now - t2).count();
        if (ps < r.pixel_s) {
          r.pixel_s = ps;
          r.batches = px.completed - px0.completed;
          r.batch_us = r.batches ? double(px.busy_ns - px0.busy_ns) / 1e3 / double(r.batches) : 0;
        }
        break;
      }
      case 4:
        r.ok = r.ok && m->com1->stats().bytes_out - uart2 == r.n;
        r.build_s = std::min(r.build_s, std::chrono::duration<double>(now - t3).count());
        ++job;
        break;
      default: break;
    }
  });
  RunOptions ro;
  ro.timeout_seconds = timeout_s;
  RunOutcome o = run_machine(*m, ro);
  if (o.kind != RunOutcome::GuestExit || job != jobs) {
    *error = "the benchmark guest did not finish (" + (o.message.empty() ? std::string("exit") : o.message) + ")";
    return {};
  }
  return rows;
}

constexpr const char* kHelp = R"(usage: pxos bench serial [--engines E,E] [--backends B,B] [--sizes N,N] [--rounds N] [--timeout S]
A guest sends N bytes to COM1 with the per-byte driver and with the pixel
device, on each engine and pixel backend, side by side in one run; prints
bytes/s as the guest sees them (docs/PIXEL_DEVICE.md).
  --engines E,E      engines to run: soft, kvm (default: soft, and kvm when a
                     4 KiB probe shows it fast enough here)
  --backends B,B     pixel backends (default: cpu, and cuda when it works here)
  --sizes N,N        byte counts, each 1..16777216 (default 1,64,4096,1048576)
  --rounds N         rounds per size, the best counts: 1..100 (default 3)
  --timeout S        seconds for each machine's run (default 240)
  --help, -h         this text
)";

}  // namespace

int bench_serial(Args args) {
  if (help_asked(args, kHelp)) return 0;
  std::vector<std::string> engines, backends;
  std::vector<uint32_t> sizes = {1, 64, 4096, 1u << 20};
  int rounds = 3;
  double timeout_s = 240;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      std::string a = args[i];
      if (a == "--engines") engines = split(flag_value(args, i));
      else if (a == "--backends") backends = split(flag_value(args, i));
      else if (a == "--rounds") rounds = std::stoi(flag_value(args, i));
      else if (a == "--timeout") timeout_s = std::stod(flag_value(args, i));
      else if (a == "--sizes") {
        sizes.clear();
        for (const std::string& s : split(flag_value(args, i))) {
          unsigned long v = std::stoul(s);
          if (v < 1 || v > (16u << 20)) throw UsageError("--sizes: each size must be 1..16777216");
          sizes.push_back(uint32_t(v));
        }
      } else {
        throw UsageError("unknown option '" + a + "' (see pxos bench serial --help)");
      }
    }
    if (rounds < 1 || rounds > 100) throw UsageError("--rounds must be 1..100");
    for (const std::string& e : engines) parse_engine(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos bench serial: %s\n", e.what());
    return kExitUsage;
  }
  std::string kvm_note;
  if (engines.empty()) {
    if (soft_engine_built()) engines.push_back("soft");
    std::string why;
    if (!kvm_available(&why)) {
      kvm_note = "kvm skipped: " + why;
    } else {
      // Nested KVM can be slow enough per exit (or emulate real mode so
      // slowly) that 1 MiB would take hours: a 4 KiB probe decides.
      std::string error;
      std::vector<Row> probe = run_one(EngineKind::Kvm, "cpu", {4096}, 1, 10, &error);
      if (probe.empty()) kvm_note = "kvm skipped: a 4 KiB probe did not finish in 10 s (" + error + ")";
      else if (probe[0].byte_s / 4096 > 50e-6) {
        char b[160];
        std::snprintf(b, sizeof b, "kvm skipped: %.0f us per byte on the per-byte driver here (over 50 us: nested "
                      "virtualization?); --engines kvm runs it anyway", probe[0].byte_s / 4096 * 1e6);
        kvm_note = b;
      } else {
        engines.push_back("kvm");
      }
    }
  }
  if (backends.empty()) {
    backends.push_back("cpu");
    try {
      pxi::make_executor("cuda");
      backends.push_back("cuda");
    } catch (const std::exception&) {
    }
  }
  std::printf("pxos bench serial: N bytes to COM1 three ways, best of %d rounds, bytes/s as the guest sees them:\n"
              "  per-byte: the traditional driver, LSR polled, one OUT to THR per byte\n"
              "  pixel:    the pixel device, the data already in pixel form in guest RAM (WRITE ops made once at\n"
              "            boot), one doorbell per batch of <= 64 KiB, status polled; us/batch: doorbell to done\n"
              "  +build:   the same, the guest writing each batch's WRITE ops (one stosd per byte) before the doorbell\n\n",
              rounds);
  std::printf("%-6s %-15s %7s | %11s %8s | %11s %7s %10s | %11s | %7s %7s\n", "engine", "backend", "N", "per-byte",
              "us/byte", "pixel", "batches", "us/batch", "+build", "pixel/", "+build/");
  if (!kvm_note.empty()) std::printf("%s\n", kvm_note.c_str());
  double ratio = 0;
  bool all_ok = true;
  for (const std::string& e : engines) {
    for (const std::string& b : backends) {
      std::string error;
      std::vector<Row> rows = run_one(parse_engine(e), b, sizes, rounds, timeout_s, &error);
      if (rows.empty()) {
        std::printf("%-6s %-16s  skipped: %s\n", e.c_str(), b.c_str(), error.c_str());
        continue;
      }
      for (const Row& r : rows) {
        const double per_byte = r.n / r.byte_s, pixel = r.n / r.pixel_s, build = r.n / r.build_s;
        std::printf("%-6s %-15s %7s | %11s %8.3f | %11s %7llu %10.1f | %11s | %6.1fx %6.1fx%s\n", r.engine.c_str(),
                    r.backend.c_str(), size_name(r.n).c_str(), rate(per_byte).c_str(), r.byte_s / r.n * 1e6,
                    rate(pixel).c_str(), static_cast<unsigned long long>(r.batches), r.batch_us, rate(build).c_str(),
                    pixel / per_byte, build / per_byte, r.ok ? "" : "  (WRONG BYTE COUNT)");
        all_ok = all_ok && r.ok;
        if (r.engine == "soft" && r.backend == "cpu" && r.n == 4096) ratio = pixel / per_byte;
      }
      std::fflush(stdout);
    }
  }
  if (ratio > 0) std::printf("pixel/per-byte at 4 KiB: %.1f\n", ratio);
  else std::printf("pixel/per-byte at 4 KiB: n/a (needs the soft engine, the cpu backend and N = 4096)\n");
  return all_ok ? 0 : kExitMonitor;
}

}  // namespace pxos::cli

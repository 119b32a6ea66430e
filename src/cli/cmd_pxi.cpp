// `pxos pxi`: build, inspect, validate, run, render and benchmark PXI programs
// (docs/PXI.md, docs/PIXEL_DRIVERS.md).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/guest_path.h"
#include "pxi/auto_executor.h"
#include "pxi/bench.h"
#include "pxi/executor.h"
#include "pxi/format.h"
#include "pxi/probe.h"
#include "pxi/render.h"
#include "pxi/uart.h"

namespace pxos::cli {
namespace {

// Flags of one sub-command: --name VALUE, -o VALUE, --switch; one positional FILE at most.
struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;

  Flags(Args args, const std::vector<std::string>& with_value, const std::vector<std::string>& switches) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string a = args[i];
      auto in = [&](const std::vector<std::string>& l) { return std::find(l.begin(), l.end(), a) != l.end(); };
      if (in(with_value)) {
        if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
        if (values.count(a)) throw UsageError(a + " given twice");
        values[a] = args[++i];
      } else if (in(switches)) {
        values[a] = "1";
      } else if (a.size() > 1 && a[0] == '-') {
        throw UsageError("unknown flag " + a);
      } else {
        positional.push_back(a);
      }
    }
  }
  bool has(const char* k) const { return values.count(k) != 0; }
  std::string get(const char* k, const std::string& dflt = "") const {
    auto it = values.find(k);
    return it == values.end() ? dflt : it->second;
  }
  std::string file(const char* what) const {
    if (positional.size() != 1) throw UsageError(std::string("expected one ") + what);
    return positional[0];
  }
};

unsigned long number(const std::string& s, const char* what, unsigned long lo, unsigned long hi) {
  char* end = nullptr;
  errno = 0;
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const unsigned long v = std::strtoul(s.c_str(), &end, hex ? 16 : 10);
  if (s.empty() || *end || errno || v < lo || v > hi || s[0] == '-')
    throw UsageError(std::string("bad ") + what + " '" + s + "' (" + std::to_string(lo) + ".." + std::to_string(hi) +
                     ")");
  return v;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  size_t p = 0;
  while (p <= s.size()) {
    const size_t q = std::min(s.find(',', p), s.size());
    if (q > p) v.push_back(s.substr(p, q - p));
    p = q + 1;
  }
  return v;
}

std::string lcr_text(uint8_t lcr) {
  static const char parity[] = {'N', 'O', 'N', 'E', 'N', 'M', 'N', 'S'};
  char b[8];
  std::snprintf(b, sizeof b, "%d%c%d", 5 + (lcr & 3), (lcr & 0x08) ? parity[(lcr >> 3) & 7] : 'N', (lcr & 4) ? 2 : 1);
  return b;
}

std::string decode_op(pxi::Pixel p) {
  char b[128];
  const uint8_t r = pxi::px_r(p), g = pxi::px_g(p), bl = pxi::px_b(p);
  switch (pxi::uart::op_type(p)) {
    case pxi::uart::kOpNop:
      std::snprintf(b, sizeof b, "NOP");
      break;
    case pxi::uart::kOpWrite:
      std::snprintf(b, sizeof b, "WRITE 0x%02x %-3s divisor %u (%u baud) lcr 0x%02x (%s)", r,
                    r >= 32 && r < 127 ? (std::string("'") + char(r) + "'").c_str() : "", g, g ? 115200u / g : 0u, bl,
                    lcr_text(bl).c_str());
      break;
    case pxi::uart::kOpSetLine:
      std::snprintf(b, sizeof b, "SET-LINE divisor %u (%u baud) lcr 0x%02x (%s)", g, g ? 115200u / g : 0u, bl,
                    lcr_text(bl).c_str());
      break;
    default:
      std::snprintf(b, sizeof b, "UNKNOWN op type 0x%02x", pxi::px_a(p));
      break;
  }
  std::string s = b;
  if (const uint32_t e = pxi::uart::op_error(p)) s += std::string("  <- ") + pxi::errc_name(pxi::Errc(e));
  return s;
}

constexpr const char* kBuildUsage =
    R"(usage: pxos pxi build (--text STRING | --bytes FILE | --ops FILE) -o OUT.png|OUT.pxr [--width N] [--divisor N] [--lcr N]
Builds a PXI UART program (docs/PXI.md); warns when the program is invalid.
  --text STRING   one WRITE op per byte of STRING
  --bytes FILE    one WRITE op per byte of FILE
  --ops FILE      an op listing: line, write, nop, pixel statements (docs/PXI.md)
  -o OUT          the program: OUT.png (PNG form) or OUT.pxr (raw form)
  --width N       op pixels per row, 8..16384 (default 256)
  --divisor N     with --text/--bytes: each WRITE's baud divisor, 1..255 (default 1: 115200 baud)
  --lcr N         with --text/--bytes: each WRITE's line control, 0..0x3F (default 3: 8N1)
)";

int build(const Flags& f) {
  if (!f.positional.empty()) throw UsageError("unexpected argument " + f.positional[0]);
  const int sources = f.has("--text") + f.has("--bytes") + f.has("--ops");
  if (sources != 1) throw UsageError("build needs exactly one of --text, --bytes, --ops");
  if (!f.has("-o")) throw UsageError("build needs -o FILE.png or FILE.pxr");
  const auto width = uint32_t(number(f.get("--width", "256"), "--width", pxi::kMinWidth, pxi::kMaxWidth));
  const auto div = uint8_t(number(f.get("--divisor", "1"), "--divisor", 1, 255));
  const auto lcr = uint8_t(number(f.get("--lcr", "3"), "--lcr", 0, 0x3F));
  std::vector<pxi::Pixel> ops;
  if (f.has("--text")) {
    const std::string t = f.get("--text");
    ops = pxi::ops_from_bytes({reinterpret_cast<const uint8_t*>(t.data()), t.size()}, div, lcr);
  } else if (f.has("--bytes")) {
    ops = pxi::ops_from_bytes(pxi::read_file(f.get("--bytes"), pxi::kMaxOps), div, lcr);
  } else {
    if (f.has("--divisor") || f.has("--lcr")) throw UsageError("--divisor/--lcr do not apply to --ops (use `line`)");
    const auto text = pxi::read_file(f.get("--ops"), 64u << 20);
    ops = pxi::ops_from_text({reinterpret_cast<const char*>(text.data()), text.size()});
  }
  const pxi::Program p = pxi::make_program(std::move(ops), width);
  std::vector<uint8_t> b;
  std::vector<pxi::LineChange> c;
  const pxi::Stats s = pxi::run_reference(p.ops, &b, &c);
  if (auto e = pxi::first_op_error(p, s))
    std::fprintf(stderr, "pxos pxi build: warning: the program is invalid: %s\n", e->message().c_str());
  pxi::save(p, f.get("-o"));
  std::fprintf(stderr, "pxos pxi build: %s: %u ops, width %u\n", f.get("-o").c_str(), p.header.op_count, width);
  return 0;
}

constexpr const char* kInspectUsage = R"(usage: pxos pxi inspect FILE [--ops N]
Prints FILE's header, op histogram, output size or first error, and its first
ops decoded.
  --ops N   how many ops to list, 0..1048576 (default 16)
)";

int inspect(const Flags& f) {
  const std::string path = f.file("FILE");
  const auto show = number(f.get("--ops", "16"), "--ops", 0, 1u << 20);
  const pxi::Program p = pxi::load(path);
  std::vector<uint8_t> b;
  std::vector<pxi::LineChange> c;
  const pxi::Stats s = pxi::run_reference(p.ops, &b, &c);
  std::printf("file:         %s (%s form)\n", path.c_str(), p.form == pxi::Form::kPng ? "PNG" : "raw");
  std::printf("version:      %u\n", p.header.version);
  std::printf("device class: %u (UART 16550)\n", p.header.device_class);
  std::printf("width:        %u op pixels per row\n", p.header.width);
  std::printf("op count:     %u\n", p.header.op_count);
  std::printf("ops CRC-32:   0x%08x (ok)\n", p.header.ops_crc32);
  std::printf("histogram:    NOP %llu, WRITE %llu, SET-LINE %llu, unknown %llu; invalid %llu\n",
              static_cast<unsigned long long>(s.nops), static_cast<unsigned long long>(s.writes),
              static_cast<unsigned long long>(s.set_lines), static_cast<unsigned long long>(s.unknown),
              static_cast<unsigned long long>(s.invalid));
  if (auto e = pxi::first_op_error(p, s)) {
    std::printf("first error:  %s\n", e->message().c_str());
  } else {
    std::printf("output:       %llu bytes, %llu line changes\n", static_cast<unsigned long long>(s.bytes_out),
                static_cast<unsigned long long>(s.line_changes));
  }
  const size_t n = std::min<size_t>(show, p.ops.size());
  if (n) std::printf("first %zu ops:\n", n);
  for (size_t i = 0; i < n; ++i)
    std::printf("  %6zu (%u, %u)  %02x %02x %02x %02x  %s\n", i, p.op_x(i), p.op_y(i), pxi::px_r(p.ops[i]),
                pxi::px_g(p.ops[i]), pxi::px_b(p.ops[i]), pxi::px_a(p.ops[i]), decode_op(p.ops[i]).c_str());
  return 0;
}

constexpr const char* kValidateUsage = R"(usage: pxos pxi validate FILE
Exit 0 when FILE is a valid PXI v1 UART program; else one line saying why (the
first invalid op) and exit 2.
)";

int validate(const Flags& f) {
  const std::string path = f.file("FILE");
  const pxi::Program p = pxi::load(path);
  std::vector<uint8_t> b;
  std::vector<pxi::LineChange> c;
  const pxi::Stats s = pxi::run_reference(p.ops, &b, &c);
  if (auto e = pxi::first_op_error(p, s)) {
    std::fprintf(stderr, "pxos pxi validate: %s: %s (%llu invalid ops)\n", path.c_str(), e->message().c_str(),
                 static_cast<unsigned long long>(s.invalid));
    return kExitUsage;
  }
  std::printf("%s: valid PXI v1 UART program, %u ops\n", path.c_str(), p.header.op_count);
  return 0;
}

constexpr const char* kPxiRunUsage =
    R"(usage: pxos pxi run FILE [--backend B] [-o OUT] [--json] [--verbose]
Runs FILE on a backend: the device's bytes to stdout (or OUT), statistics to
stderr. An invalid program is rejected (exit 2) with its first invalid op.
  --backend B   cpu, cpu-mt, vulkan, cuda, cuda-copy, cuda-zerocopy,
                cuda-persistent or auto (default auto: the backend measured
                fastest here for the batch's size; see pxos pxi backends)
  -o OUT        write the bytes to OUT instead of stdout
  --json        the statistics as one JSON object
  --verbose     which backend ran, and for auto the timings that chose it
)";

// --verbose: which backend ran, and for auto the measurements that chose it.
void explain_backend(const pxi::Executor& ex) {
  std::fprintf(stderr, "pxos pxi run: backend %s (%s)\n", ex.name().c_str(), ex.device().c_str());
  const auto* a = dynamic_cast<const pxi::AutoExecutor*>(&ex);
  if (!a) return;
  for (const pxi::BackendProbe& b : a->probes())
    if (!b.works) std::fprintf(stderr, "pxos pxi run: auto: %s not available: %s\n", b.name.c_str(), b.note.c_str());
  for (const pxi::Decision& d : a->decisions()) std::fprintf(stderr, "pxos pxi run: auto: %s\n", d.describe().c_str());
}

int run(const Flags& f) {
  const std::string path = f.file("FILE");
  const pxi::Program p = pxi::load(path);
  auto ex = pxi::make_executor(f.get("--backend", "auto"));
  // auto probes and measures the backends at its first batch of a size: not part of the run's time.
  if (auto* a = dynamic_cast<pxi::AutoExecutor*>(ex.get())) a->backend_for(p.ops.size());
  const auto t0 = std::chrono::steady_clock::now();
  const pxi::ExecResult r = ex->run(p.ops);
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  const pxi::Stats& s = r.stats;
  const auto e = pxi::first_op_error(p, s);
  if (!e) {
    if (f.has("-o")) {
      pxi::write_file(f.get("-o"), r.bytes);
    } else if (!r.bytes.empty() && std::fwrite(r.bytes.data(), 1, r.bytes.size(), stdout) != r.bytes.size()) {
      throw pxi::Error(pxi::Errc::kIo, "writing stdout failed");
    }
    std::fflush(stdout);
  }
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  if (f.has("--json")) {
    std::string err = "null";
    if (e)
      err = "{\"op\": " + std::to_string(e->op_index) + ", \"x\": " + std::to_string(e->x) +
            ", \"y\": " + std::to_string(e->y) + ", \"code\": \"" + pxi::errc_name(e->code) + "\"}";
    std::fprintf(stderr,
                 "{\"backend\": \"%s\", \"ops\": %llu, \"nops\": %llu, \"writes\": %llu, \"set_lines\": %llu, "
                 "\"unknown\": %llu, \"invalid\": %llu, \"line_changes\": %llu, \"bytes_out\": %llu, "
                 "\"elapsed_us\": %.1f, \"error\": %s}\n",
                 ex->name().c_str(), u(s.ops), u(s.nops), u(s.writes), u(s.set_lines), u(s.unknown), u(s.invalid),
                 u(s.line_changes), u(s.bytes_out), us, err.c_str());
  } else {
    std::fprintf(stderr,
                 "pxos pxi run: %s: %llu ops (%llu WRITE, %llu SET-LINE, %llu NOP), %llu bytes, %llu line "
                 "changes, %.1f us\n",
                 ex->name().c_str(), u(s.ops), u(s.writes), u(s.set_lines), u(s.nops), u(s.bytes_out),
                 u(s.line_changes), us);
  }
  if (f.has("--verbose")) explain_backend(*ex);
  if (e) {
    std::fprintf(stderr, "pxos pxi run: %s: rejected: %s\n", path.c_str(), e->message().c_str());
    return kExitUsage;
  }
  return 0;
}

constexpr const char* kRenderUsage = R"(usage: pxos pxi render FILE -o OUT.png [--scale N]
Draws FILE's ops as a picture: NOP grey, WRITE blue (brighter for larger
bytes), SET-LINE orange, invalid red with a white X, a yellow bar on ops that
change the line; a legend with the histogram and the first error.
  -o OUT.png   the picture to write
  --scale N    screen pixels per op, 1..64 (default: from the program's width)
)";

int render(const Flags& f) {
  const std::string path = f.file("FILE");
  if (!f.has("-o")) throw UsageError("render needs -o OUT.png");
  const int scale = int(number(f.get("--scale", "0"), "--scale", 0, 64));
  const pxi::Program p = pxi::load(path);
  pxi::write_file(f.get("-o"), pxi::render_png(p, scale));
  return 0;
}

constexpr const char* kFloppyUsage = R"(usage: pxos pxi floppy DRIVER -o FLOPPY.img
Writes a 1.44 MB boot floppy: pxboot (guests/pxboot.asm) in sectors 0..7 and
DRIVER's raw form from LBA 8; pxboot loads it with INT 13h and runs it on the
pixel device (pxos run --floppy FLOPPY.img).
  -o FLOPPY.img   the floppy image to write
)";

int floppy(const Flags& f) {
  const std::string path = f.file("DRIVER");
  if (!f.has("-o")) throw UsageError("floppy needs -o FLOPPY.img");
  constexpr size_t kFloppy = 1474560, kDriverOffset = 8 * 512;
  constexpr size_t kMaxRaw = 1024 * 512;  // what pxboot loads below A0000h
  const pxi::Program p = pxi::load(path);
  const std::vector<uint8_t> raw = pxi::to_raw(p);
  if (raw.size() > kMaxRaw)
    throw UsageError("the driver's raw form is " + std::to_string(raw.size()) + " bytes; pxboot loads at most " +
                     std::to_string(kMaxRaw) + " (" + std::to_string((kMaxRaw - 512) / 4) + " ops)");
  const std::vector<uint8_t> boot = pxi::read_file(guest_binary("pxboot"), kDriverOffset + 1);
  if (boot.size() > kDriverOffset || boot.size() < 512)
    throw UsageError("pxboot (" + guest_binary("pxboot") + ") is not 512.." + std::to_string(kDriverOffset) + " bytes");
  std::vector<uint8_t> image(kFloppy, 0);
  std::copy(boot.begin(), boot.end(), image.begin());
  std::copy(raw.begin(), raw.end(), image.begin() + kDriverOffset);
  pxi::write_file(f.get("-o"), image);
  std::fprintf(stderr, "pxos pxi floppy: %s: pxboot + %u ops (%zu bytes raw from LBA 8)\n", f.get("-o").c_str(),
               p.header.op_count, raw.size());
  return 0;
}

constexpr const char* kBenchUsage =
    R"(usage: pxos pxi bench [--backends a,b,...] [--sizes n,n,...] [--seconds S] [--csv FILE] [--plot-dir DIR]
Times each backend on random valid programs of each size: p50 and p99 latency,
ops/s; the table (CSV) to stdout.
  --backends a,b   backends to time (default: every one compiled in)
  --sizes n,n      op counts (default 1, 16, 256, ... 16 Mi)
  --seconds S      time budget per backend and size, under 60 (default 0.25)
  --csv FILE       write the table to FILE instead of stdout
  --plot-dir DIR   write latency.png and throughput.png to DIR
)";

int bench(const Flags& f) {
  if (!f.positional.empty()) throw UsageError("unexpected argument " + f.positional[0]);
  pxi::BenchOptions o;
  o.backends = split(f.get("--backends"));
  for (const auto& b : o.backends) pxi::make_executor(b);  // fail early, with the reason
  for (const auto& s : split(f.get("--sizes"))) o.sizes.push_back(uint32_t(number(s, "size", 1, pxi::kMaxOps)));
  if (f.has("--seconds")) {
    const double s = std::atof(f.get("--seconds").c_str());
    if (!(s > 0 && s < 60)) throw UsageError("bad --seconds");
    o.seconds_per_point = s;
  }
  o.csv = f.get("--csv");
  o.plot_dir = f.get("--plot-dir");
  const auto rows = pxi::run_bench(o, stderr);
  if (o.csv.empty()) std::fputs(pxi::bench_csv(rows).c_str(), stdout);
  return 0;
}

constexpr const char* kBackendsUsage = R"(usage: pxos pxi backends [--all]
Lists the backends that work here, each probed (created, and checked against
the cpu reference on a small program), with where it runs.
  --all         also the backends compiled in that do not work here, and why
)";

// The backends that work here, each probed, with where it runs; --all: also
// the others, and why.
int backends(const Flags& f) {
  if (!f.positional.empty()) throw UsageError("unexpected argument " + f.positional[0]);
  const std::vector<pxi::BackendProbe> probes = pxi::probe_backends(pxi::known_backend_names(), pxi::make_executor);
  std::string unavailable;
  for (const pxi::BackendProbe& b : probes) {
    if (b.works)
      std::printf("%-16s %s\n", b.name.c_str(), b.note.c_str());
    else
      unavailable += (unavailable.empty() ? "" : ", ") + b.name;
  }
  if (unavailable.empty()) return 0;
  if (!f.has("--all")) {
    std::fprintf(stderr, "pxos pxi backends: not available here: %s (--all says why)\n", unavailable.c_str());
    return 0;
  }
  std::printf("not available here:\n");
  for (const pxi::BackendProbe& b : probes)
    if (!b.works) std::printf("  %-16s %s\n", b.name.c_str(), b.note.c_str());
  return 0;
}

// A sub-command: its usage (the first line, less "usage: pxos pxi ", is its
// line in `pxos pxi --help`), the flags its parser takes, its code.
struct Command {
  const char* name;
  const char* usage;
  std::vector<std::string> with_value, switches;
  int (*run)(const Flags&);
};

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"build", kBuildUsage, {"--text", "--bytes", "--ops", "-o", "--width", "--divisor", "--lcr"}, {}, build},
      {"inspect", kInspectUsage, {"--ops"}, {}, inspect},
      {"validate", kValidateUsage, {}, {}, validate},
      {"run", kPxiRunUsage, {"--backend", "-o"}, {"--json", "--verbose"}, run},
      {"render", kRenderUsage, {"-o", "--scale"}, {}, render},
      {"bench", kBenchUsage, {"--backends", "--csv", "--plot-dir", "--sizes", "--seconds"}, {}, bench},
      {"floppy", kFloppyUsage, {"-o"}, {}, floppy},
      {"backends", kBackendsUsage, {}, {"--all"}, backends},
  };
  return kCommands;
}

std::string overview() {
  std::string text = "usage: pxos pxi COMMAND ...\n";
  const std::string prefix = "usage: pxos pxi ";
  for (const Command& c : commands()) {
    const std::string usage = c.usage;
    text += "  " + usage.substr(prefix.size(), usage.find('\n') - prefix.size()) + "\n";
  }
  return text + "pxos pxi COMMAND --help: what it does and its flags.\n";
}

}  // namespace

std::string pxi_usage_gaps() {
  std::string gaps;
  for (const Command& c : commands()) {
    const std::string usage = c.usage;
    if (usage.rfind(std::string("usage: pxos pxi ") + c.name, 0) != 0) gaps += std::string(c.name) + ": synopsis; ";
    for (const auto* list : {&c.with_value, &c.switches})
      for (const std::string& flag : *list)
        if (usage.find(flag + " ") == std::string::npos && usage.find(flag + "\n") == std::string::npos)
          gaps += std::string(c.name) + ": " + flag + "; ";
  }
  return gaps;
}

int cmd_pxi(Args args) {
  if (args.empty()) {
    std::fputs(overview().c_str(), stderr);
    return kExitUsage;
  }
  const std::string_view sub = args[0];
  const Args rest = args.subspan(1);
  const Command* command = nullptr;
  for (const Command& c : commands())
    if (sub == c.name) command = &c;
  if (!command) {
    if (sub == "help" || asks_for_help(args)) {
      std::fputs(overview().c_str(), stdout);
      return 0;
    }
    std::fprintf(stderr, "pxos pxi: unknown command '%.*s' (see pxos pxi --help)\n", int(sub.size()), sub.data());
    return kExitUsage;
  }
  if (asks_for_help(rest)) {
    std::fputs(command->usage, stdout);
    return 0;
  }
  try {
    return command->run(Flags(rest, command->with_value, command->switches));
  } catch (const UsageError& e) {
    std::fprintf(stderr, "pxos pxi %.*s: %s\n", int(sub.size()), sub.data(), e.what());
  } catch (const pxi::Error& e) {
    std::fprintf(stderr, "pxos pxi %.*s: %s\n", int(sub.size()), sub.data(), e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "pxos pxi %.*s: out of memory\n", int(sub.size()), sub.data());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos pxi %.*s: %s\n", int(sub.size()), sub.data(), e.what());
  }
  return kExitUsage;
}

}  // namespace pxos::cli

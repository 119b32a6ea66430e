// pxos-difftest: the differential tester. Runs random ring-3 instruction
// sequences on KVM and on the software engine and compares registers, flags
// (the SDM's undefined ones masked), the exception that ended the run with
// its frame, and the data area. See docs/CONFORMANCE.md.
//
//   pxos-difftest [--seed N] [--count M] [--length L] [--ignore-flags MASK] [--verbose] [--dump FILE]
//
// --exclude leaves instruction classes out (names: see the usage error).
// --ignore-flags MASK leaves EFLAGS bits out of the comparison (e.g. 0x10000:
// RF, set in the frame of a fault).
//   pxos-difftest --measure [--iterations N]
//
// Exit status: 0 all agree, 1 a mismatch (or KVM cannot run here), 2 usage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <string>

#include "difftest/kvm_modes.h"
#include "difftest/program.h"
#include "difftest/runner.h"
#include "engine/kvm/kvm_vcpu.h"

namespace {

using namespace pxos::difftest;

const char kUsage[] =
    "usage: pxos-difftest [--seed N] [--count M] [--length L] [--ignore-flags MASK]\n"
    "                     [--exclude CLASS,...] [--oracle kvm|native] [--verbose] [--dump FILE]\n"
    "                     [--max-reports N]\n"
    "       pxos-difftest --measure [--iterations N]\n";

// The engine under test (soft) and the oracle (KVM, or the host CPU).
struct Engines {
  std::unique_ptr<Runner> soft, kvm;  // kvm is null with --oracle native
  std::string oracle = "kvm";
};

struct Pair {
  View ref, soft;
  std::string diff;
  bool ref_is_kvm = false;
};

uint32_t g_ignored_flags = 0;  // --ignore-flags

Pair run_both(Engines& e, const Program& p, size_t n, uint64_t seed) {
  Pair r;
  std::vector<uint8_t> code = p.code(n);
  r.ref = e.kvm ? e.kvm->run(code, seed).view : run_native(code, seed);
  r.soft = e.soft->run(code, seed).view;
  r.ref_is_kvm = e.kvm != nullptr;
  r.diff = compare(r.ref, r.soft, e.oracle, "soft", p.undefined_flags(n) | g_ignored_flags);
  return r;
}

// KVM's own emulator raises #UD at CPL 3 for what it cannot emulate. (Both
// at a #UD, KVM's earlier in the program, counts too: the code only goes
// forward.)
// The host CPU never gives up: its #UD is the answer.
bool oracle_gave_up(const Pair& r) {
  if (!r.ref_is_kvm || !r.ref.ok || r.ref.vector != 6) return false;
  if (!r.soft.ok || r.soft.vector != 6) return true;
  return r.ref.eip < r.soft.eip;
}

std::string hex(const std::vector<uint8_t>& b) {
  std::string s;
  char t[4];
  for (uint8_t x : b) {
    std::snprintf(t, sizeof t, "%02x ", x);
    s += t;
  }
  if (!s.empty()) s.pop_back();
  return s;
}

// The shortest prefix of the program whose outcome differs already.
size_t first_bad_prefix(Engines& e, const Program& p, uint64_t seed, bool gave_up) {
  size_t lo = 0, hi = p.chunks.size();  // prefix lo agrees, prefix hi differs
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    Pair r = run_both(e, p, mid, seed);
    bool bad = gave_up ? oracle_gave_up(r) : (!r.diff.empty() && !oracle_gave_up(r));
    (bad ? hi : lo) = mid;
  }
  return hi;
}

int measure(long long iterations) {
  uint32_t n = uint32_t(iterations);
  measure_kvm_modes(n);
  // mov ecx, n; dec ecx; jnz back; hlt
  std::vector<uint8_t> loop = {0xB9, uint8_t(n), uint8_t(n >> 8), uint8_t(n >> 16), uint8_t(n >> 24), 0x49, 0x75,
                               0xFD, 0xF4};
  for (const char* kind : {"kvm", "soft"}) {
    try {
      Runner r(kind);
      for (bool ring0 : {false, true}) {
        Outcome o = r.run(loop, 1, ring0, 120);
        const std::string& problem = o.view.problem;
        double ns = o.seconds * 1e9 / (2.0 * n);
        std::printf(
            "%-4s 32-bit protected mode, CPL %d: %u iterations of dec/jnz in %.3f s: %.1f ns per instruction%s%s\n",
            kind, ring0 ? 0 : 3, n, o.seconds, ns, problem.empty() || ring0 ? "" : " -- ",
            ring0 ? "" : problem.c_str());
      }
    } catch (const std::exception& e) {
      std::printf("%-4s cannot run: %s\n", kind, e.what());
      if (!std::strcmp(kind, "kvm")) return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 1;
  long long count = 100, length = 40, iterations = 1000000, max_reports = 20;
  bool verbose = false, do_measure = false;
  std::string dump, exclude, oracle = "kvm";
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    bool has_value = k + 1 < argc;
    if (a == "--seed" && has_value)
      seed = std::strtoull(argv[++k], nullptr, 0);
    else if (a == "--count" && has_value)
      count = std::atoll(argv[++k]);
    else if (a == "--length" && has_value)
      length = std::atoll(argv[++k]);
    else if (a == "--iterations" && has_value)
      iterations = std::atoll(argv[++k]);
    else if (a == "--dump" && has_value)
      dump = argv[++k];
    else if (a == "--ignore-flags" && has_value)
      g_ignored_flags = uint32_t(std::strtoul(argv[++k], nullptr, 0));
    else if (a == "--exclude" && has_value)
      exclude = argv[++k];
    else if (a == "--max-reports" && has_value)
      max_reports = std::atoll(argv[++k]);
    else if (a == "--oracle" && has_value)
      oracle = argv[++k];
    else if (a == "--verbose")
      verbose = true;
    else if (a == "--measure")
      do_measure = true;
    else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if ((oracle != "kvm" && oracle != "native") || count < 1 || length < 1 || length > 2000 || iterations < 1 ||
      iterations > 4000000000LL) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (do_measure) return measure(iterations);
  uint64_t excluded = 0;
  try {
    excluded = class_mask(exclude);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pxos-difftest: %s (classes: %s)\n", e.what(), class_names().c_str());
    return 2;
  }

  Engines e;
  e.oracle = oracle;
  std::string why;
  if (oracle == "kvm" && !pxos::kvm_available(&why)) {  // ctest counts 77 as skipped
    std::printf("SKIP: the KVM oracle needs a usable /dev/kvm: %s (--oracle native needs none)\n", why.c_str());
    return 77;
  }
  try {
    if (oracle == "kvm") e.kvm = std::make_unique<Runner>("kvm");
    e.soft = std::make_unique<Runner>("soft");
  } catch (const std::exception& ex) {
    std::printf("FAIL: the differential tester needs %s and the software engine: %s\n",
                oracle == "kvm" ? "KVM" : "the host CPU", ex.what());
    return 1;
  }
  long long mismatches = 0, gave_up = 0, ref_problems = 0;
  std::map<std::string, long long> by_insn;
  for (long long i = 0; i < count; ++i) {
    uint64_t s = seed + uint64_t(i);
    Program p = generate(s, int(length), excluded);
    if (!dump.empty() && i == 0) {
      std::vector<uint8_t> code = p.code(p.chunks.size());
      std::ofstream(dump, std::ios::binary)
          .write(reinterpret_cast<const char*>(code.data()), std::streamsize(code.size()));
    }
    Pair r = run_both(e, p, p.chunks.size(), s);
    if (r.diff.empty()) continue;
    bool ud = oracle_gave_up(r);
    if (!r.ref.ok && r.soft.ok) {
      ++ref_problems;
      std::printf("seed %llu: %s could not run it: %s\n", (unsigned long long)s, oracle.c_str(), r.ref.problem.c_str());
      if (ref_problems >= 3 && ref_problems == i + 1) {
        std::printf("FAIL: %s cannot run the programs here\n", oracle.c_str());
        return 1;
      }
      continue;
    }
    size_t n = first_bad_prefix(e, p, s, ud);
    const Chunk& c = p.chunks[n - 1];
    if (ud) {
      ++gave_up;
      if (verbose)
        std::printf("seed %llu: %s raised #UD at CPL 3 (cannot emulate) at instruction %zu: %s [%s]\n",
                    (unsigned long long)s, oracle.c_str(), n, c.text.c_str(), hex(c.bytes).c_str());
      continue;
    }
    ++mismatches;
    // What the differing instruction is (its first word, a CMP put in front aside).
    std::string what = c.text.rfind("cmp; ", 0) == 0 ? c.text.substr(5) : c.text;
    ++by_insn[what.substr(0, what.find(' '))];
    if (mismatches > max_reports) continue;
    Pair at = run_both(e, p, n, s);
    std::printf("MISMATCH seed %llu: first after instruction %zu of %zu: %s [%s]\n%s", (unsigned long long)s, n,
                p.chunks.size(), c.text.c_str(), hex(c.bytes).c_str(),
                at.diff.empty() ? r.diff.c_str() : at.diff.c_str());
    if (verbose) {
      // The registers just before the first differing instruction: where
      // the program cut there ends (both agree on it).
      Pair before = run_both(e, p, n - 1, s);
      const View& b = before.soft;
      std::printf("  before it: eax %08x ecx %08x edx %08x ebx %08x esp %08x esi %08x edi %08x eflags %08x\n", b.gpr[0],
                  b.gpr[1], b.gpr[2], b.gpr[3], b.gpr[4], b.gpr[6], b.gpr[7], b.eflags);
      std::printf("  program:\n");
      for (size_t k = 0; k < n; ++k)
        std::printf("   %3zu  %-50s [%s]\n", k + 1, p.chunks[k].text.c_str(), hex(p.chunks[k].bytes).c_str());
    }
  }
  if (mismatches > max_reports) std::printf("(%lld more mismatches not shown)\n", mismatches - max_reports);
  if (!by_insn.empty()) {
    std::printf("mismatches by first differing instruction:");
    for (const auto& [name, k] : by_insn) std::printf(" %s %lld", name.c_str(), k);
    std::printf("\n");
  }
  std::printf(
      "difftest (%s vs soft): %lld programs of %lld instructions from seed %llu: %lld mismatches, %lld where "
      "%s raised #UD (cannot emulate), %lld it could not run\n",
      oracle.c_str(), count, length, (unsigned long long)seed, mismatches, gave_up, oracle.c_str(), ref_problems);
  return mismatches ? 1 : 0;
}
